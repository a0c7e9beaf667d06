import { describe, expect, it } from 'vitest';
import { cosineSimilarityMatrix, rowSoftmax } from './similarity-matrix.js';

describe('cosineSimilarityMatrix', () => {
  it('gives 1 for parallel rows, 0 for orthogonal rows, -1 for opposite rows, whatever their lengths', () => {
    const anchors = [1, 0, 0, 2];
    const positives = [3, 0, 0, -5];
    expect(Array.from(cosineSimilarityMatrix(anchors, positives, 2, 2))).toEqual([1, 0, 0, -1]);
  });
});

describe('rowSoftmax', () => {
  const similarities = [1, 0.5, -1, 0.2, 0.9, 0.1];

  it('rows are probability distributions that follow exp(s / temperature)', () => {
    const q = rowSoftmax(similarities, 2, 3, 0.5);
    for (let i = 0; i < 2; i++) expect(q[i * 3]! + q[i * 3 + 1]! + q[i * 3 + 2]!).toBeCloseTo(1, 12);
    // Ratio of two entries of a row is exp((s_a - s_b) / temperature).
    expect(q[0]! / q[1]!).toBeCloseTo(Math.exp((1 - 0.5) / 0.5), 12);
  });

  it('sharpens towards the row maximum at low temperature and flattens towards uniform at high temperature', () => {
    expect(rowSoftmax(similarities, 2, 3, 0.01)[0]).toBeGreaterThan(0.999);
    const flat = rowSoftmax(similarities, 2, 3, 1000);
    for (const value of flat) expect(value).toBeCloseTo(1 / 3, 3);
  });

  it('stays finite where exp(s / temperature) alone would overflow', () => {
    const q = rowSoftmax([1, 0.99], 1, 2, 1e-3);
    expect(Array.from(q).every(Number.isFinite)).toBe(true);
    expect(q[1]! / q[0]!).toBeCloseTo(Math.exp(-10), 12);
  });
});

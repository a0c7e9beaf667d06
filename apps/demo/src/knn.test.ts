import { describe, expect, it } from 'vitest';
import { knnAccuracy, knnPredict, normalizeRows } from './knn.js';

describe('knn', () => {
  it('normalises rows and leaves zero rows at zero', () => {
    expect(Array.from(normalizeRows([3, 4, 0, 0], 2))).toEqual([0.6, 0.8, 0, 0]);
  });

  it('votes by cosine similarity, not by distance (scale does not matter)', () => {
    // Reference directions: label 0 along +x, label 1 along +y (at very different lengths).
    const reference = { values: [1, 0, 100, 1, 0.01, 0, 0, 1, 0, 50, 1, 100], labels: [0, 0, 0, 1, 1, 1], dimension: 2 };
    expect(Array.from(knnPredict(reference, [1000, 1, 0.001, 0.5], 3))).toEqual([0, 1]);
  });

  it('breaks a tied vote by the larger summed similarity', () => {
    // k = 2: one neighbour of each label; label 1's is closer to the query.
    const reference = { values: [1, 0, 0, 1], labels: [0, 1], dimension: 2 };
    expect(Array.from(knnPredict(reference, [0.4, 0.6], 2))).toEqual([1]);
    expect(Array.from(knnPredict(reference, [0.6, 0.4], 2))).toEqual([0]);
  });

  it('counts the fraction of correct predictions', () => {
    const reference = { values: [1, 0, 0, 1], labels: [0, 1], dimension: 2 };
    const queries = { values: [1, 0.1, 0.1, 1, 1, 0.2, 0.9, 1], labels: [0, 1, 1, 0], dimension: 2 };
    expect(knnAccuracy(reference, queries, 1)).toBe(0.5);
  });
});

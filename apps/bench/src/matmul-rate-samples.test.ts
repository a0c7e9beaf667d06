import { describe, expect, it } from 'vitest';
import { mergeRate, mergeRates, resampleAfter } from './matmul-rate-samples.js';
import type { MatmulRate } from './run-matmul-cell.js';

const flops = 2 * 4096 * 4096 * 128;
const sample = (forwardMs: number, backwardMs: number, shape: Partial<MatmulRate> = {}): MatmulRate => ({
  rows: 4096, dimension: 128, forwardMs, backwardMs, runs: 5,
  forwardFlopsPerSecond: flops / (forwardMs / 1000), backwardFlopsPerSecond: flops / (backwardMs / 1000), ...shape,
});

describe('mergeRate', () => {
  it('keeps the fastest forward and the fastest backward independently, the slowest beside them', () => {
    const merged = mergeRate(sample(13, 20), sample(16, 14));
    expect(merged.forwardMs).toBe(13);
    expect(merged.backwardMs).toBe(14);
    expect(merged.forwardFlopsPerSecond).toBeCloseTo(flops / 0.013, 0);
    expect(merged.backwardFlopsPerSecond).toBeCloseTo(flops / 0.014, 0);
    expect(merged.slowestForwardFlopsPerSecond).toBeCloseTo(flops / 0.016, 0);
    expect(merged.slowestBackwardFlopsPerSecond).toBeCloseTo(flops / 0.02, 0);
    expect(merged.samples).toBe(2);
    expect(merged.runs).toBe(10);
  });

  it('counts samples and keeps the spread over three merges', () => {
    const merged = mergeRate(mergeRate(sample(13, 20), sample(16, 14)), sample(11, 30));
    expect(merged.samples).toBe(3);
    expect(merged.forwardMs).toBe(11);
    expect(merged.backwardMs).toBe(14);
    expect(merged.slowestForwardFlopsPerSecond).toBeCloseTo(flops / 0.016, 0);
    expect(merged.slowestBackwardFlopsPerSecond).toBeCloseTo(flops / 0.03, 0);
  });
});

describe('mergeRates', () => {
  it('merges matching shapes per engine and keeps the others as they are', () => {
    const kept = { 'ort-node': [sample(13, 20), sample(50, 51, { rows: 8192 })], 'tfjs-wasm': [sample(130, 120)] };
    const merged = mergeRates(kept, { 'ort-node': [sample(12, 25), sample(3, 100, { negatives: 16 })] });
    expect(merged['ort-node']!.map((r) => [r.rows, r.negatives, r.forwardMs, r.backwardMs, r.samples ?? 1])).toEqual([
      [4096, undefined, 12, 20, 2],
      [8192, undefined, 50, 51, 1],
      [4096, 16, 3, 100, 1],
    ]);
    expect(merged['tfjs-wasm']).toEqual(kept['tfjs-wasm']);
    expect(kept['ort-node']![0]!.forwardMs).toBe(13);
  });
});

describe('resampleAfter', () => {
  it('samples after every `every` cells, never before the first', () => {
    expect([0, 1, 5, 6, 7, 12].map((n) => resampleAfter(n, 6))).toEqual([false, false, false, true, false, true]);
  });
});

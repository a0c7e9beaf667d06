import { describe, expect, it } from 'vitest';
import { pairedFloor } from './paired-floor.js';

describe('pairedFloor', () => {
  it('takes the median of the rounds\' loss / floor ratios, with the medians of both times', () => {
    // Round ratios 1.5, 1.5 (a slow round: both doubled) and 2.
    const result = pairedFloor([60, 120, 78], [40, 80, 39], 4096, 128);
    expect(result.rounds).toBe(3);
    expect(result.medianRatio).toBeCloseTo(1.5, 12);
    expect(result.medianFloorMs).toBe(40);
    expect(result.medianLossMs).toBe(78);
    expect([result.rows, result.dimension]).toEqual([4096, 128]);
  });

  it('is not moved by a slow phase that slows the loss and its matmuls alike', () => {
    const steady = pairedFloor([100, 100, 100], [50, 50, 50], 8192, 128);
    const drifting = pairedFloor([100, 200, 300], [50, 100, 150], 8192, 128);
    expect(drifting.medianRatio).toBeCloseTo(steady.medianRatio, 12);
    expect(steady.medianRatio).toBe(2);
  });

  it('scales the step of a loss wider than 8192 rows by (R / 8192)^2', () => {
    // N = 65536 CLIP (R = 65536): the 8192-row step's 150 ms stands for 64 x 150 ms = 9.6 s.
    const result = pairedFloor([19_200, 20_160], [150, 150], 8192, 128, (65536 / 8192) ** 2);
    expect(result.scale).toBe(64);
    expect(result.medianFloorMs).toBe(9600);
    // Rounds 2.0 and 2.1: the median of two is their mean.
    expect(result.medianRatio).toBeCloseTo(2.05, 12);
  });

  it('rejects rounds that do not line up', () => {
    expect(() => pairedFloor([1, 2], [1], 8, 8)).toThrow(/one of each per round/);
    expect(() => pairedFloor([], [], 8, 8)).toThrow();
  });
});

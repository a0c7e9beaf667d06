import { describe, expect, it } from 'vitest';
import { pairedFloor } from './paired-floor.js';

describe('pairedFloor', () => {
  it('scales each round\'s products to the loss\'s flops and takes the median of the rounds\' ratios', () => {
    // Cross-similarity loss at R = N: forward 2N^2D (1x the product), backward 4N^2D (2x): floor = fwd + 2 bwd.
    const product = 2 * 4096 * 4096 * 128;
    const flops = { forward: product, backward: 2 * product };
    // Round floors: 10 + 2 * 15 = 40, 20 + 2 * 30 = 80 (a slow round), 11 + 2 * 14 = 39.
    const result = pairedFloor([60, 120, 78], [10, 20, 11], [15, 30, 14], flops, product, 4096, 128);
    expect(result.rounds).toBe(3);
    expect(result.medianRatio).toBeCloseTo(1.5, 12); // ratios 1.5, 1.5, 2
    expect(result.medianFloorMs).toBe(40);
    expect(result.medianLossMs).toBe(78);
  });

  it('is not moved by a slow phase that slows the loss and its products alike', () => {
    const flops = { forward: 1, backward: 1 };
    const steady = pairedFloor([100, 100, 100], [25, 25, 25], [25, 25, 25], flops, 1, 8192, 128);
    const drifting = pairedFloor([100, 200, 300], [25, 50, 75], [25, 50, 75], flops, 1, 8192, 128);
    expect(drifting.medianRatio).toBeCloseTo(steady.medianRatio, 12);
    expect(steady.medianRatio).toBe(2);
  });

  it('rejects rounds that do not line up', () => {
    expect(() => pairedFloor([1, 2], [1], [1, 2], { forward: 1, backward: 1 }, 1, 8, 8)).toThrow(/one of each per round/);
    expect(() => pairedFloor([], [], [], { forward: 1, backward: 1 }, 1, 8, 8)).toThrow();
  });
});

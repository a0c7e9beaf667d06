/**
 * The runner's resource guard counts the kernels its graph runs (both checks: the host call and the trace):
 * CLIP, in-batch InfoNCE and the contrastive loss by the fused cross-view kernel (5 [n, n] float32 matrices for two
 * directions with maxima, 3 for one direction or a constant shift) while one [n, n] block fits `maxBlockBytes`,
 * else as many [B, n] row blocks; NT-Xent by its constant-shift kernel (3), SupCon by the run-time group path (5).
 * Bytes: matrices x rows x columns x 4.
 */
import { clip, contrastiveLoss, ContrastiveResourceError, infoNce, ntXent, supCon } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createOnnxLossRunner } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';

const n = 64;
const dimension = 8;
const matrix = (rows: number, seed: number) => ({
  values: Float32Array.from({ length: rows * dimension }, (_, i) => Math.sin(seed * 1000 + i)),
  shape: [rows, dimension],
});
const pair = { anchors: matrix(n, 1), positives: matrix(n, 2) };

async function outcome(promise: Promise<{ loss: ArrayLike<number> }>): Promise<number | 'finite'> {
  try {
    const { loss } = await promise;
    expect(Number.isFinite(loss[0])).toBe(true);
    return 'finite';
  } catch (error) {
    expect(error).toBeInstanceOf(ContrastiveResourceError);
    return (error as ContrastiveResourceError).requiredBytes;
  }
}

describe.each(nodeRuntimes.slice(0, 1))('the runner counts its fused kernels on %s', (_, runtime) => {
  // 100000 B: CLIP's 5 x 64 x 64 x 4 = 81920 B fits, the composed 16 x 64 x 64 x 4 = 262144 B does not.
  const runner = createOnnxLossRunner({ ...runtime, memoryBudgetBytes: 100_000 });
  // 60000 B: 3 x 64 x 64 x 4 = 49152 B fits, 5 x 64 x 64 x 4 = 81920 B does not.
  const tight = createOnnxLossRunner({ ...runtime, memoryBudgetBytes: 60_000 });
  // One [64, 64] float32 block is 16384 B: above 16000 B the cross-view kernel runs in row blocks of 62 (16000 / 256).
  const blocked = createOnnxLossRunner({ ...runtime, memoryBudgetBytes: 79_359, maxBlockBytes: 16_000 });
  afterAll(() => Promise.all([runner.release(), tight.release(), blocked.release()]));

  it('runs CLIP at N = 64 on 5 matrices (81920 B), and counts 5 [62, 64] blocks (79360 B) where the matrix does not fit', async () => {
    const inputs = { ...pair, logitScale: { values: [1 / 0.07], shape: [] } };
    expect(await outcome(runner.run(clip, inputs))).toBe('finite');
    expect(await outcome(blocked.run(clip, inputs))).toBe(5 * 62 * n * 4);
  });

  it('runs in-batch InfoNCE (one direction and symmetric, T = 0.1) and the contrastive loss on 3 matrices (49152 B)', async () => {
    expect(await outcome(tight.run(infoNce, pair, { temperature: 0.1 }))).toBe('finite');
    expect(await outcome(tight.run(infoNce, pair, { temperature: 0.1, symmetric: true }))).toBe('finite');
    expect(await outcome(tight.run(contrastiveLoss, pair, { temperature: 0.1 }))).toBe('finite');
  });

  it('counts NT-Xent in symmetric block pairs as 4 [B, B + 1] blocks: 2N = 64 rows in 4 blocks of 16, 4 x 16 x 17 x 4 = 4352 B', async () => {
    // maxBlockBytes 1024: square blocks of sqrt(1024 / 4) = 16 rows; the row blocks would be 3 x [4, 64] (3072 B).
    const fits = createOnnxLossRunner({ ...runtime, memoryBudgetBytes: 4352, maxBlockBytes: 1024 });
    const short = createOnnxLossRunner({ ...runtime, memoryBudgetBytes: 4351, maxBlockBytes: 1024 });
    const half = { anchors: matrix(n / 2, 6), positives: matrix(n / 2, 7) };
    try {
      expect(await outcome(fits.run(ntXent, half, { temperature: 0.1 }))).toBe('finite');
      expect(await outcome(short.run(ntXent, half, { temperature: 0.1 }))).toBe(4 * 16 * 17 * 4);
    } finally {
      await Promise.all([fits.release(), short.release()]);
    }
  });

  it('runs NT-Xent at 2N = 64 rows on 3 matrices (49152 B) and rejects SupCon (run-time groups, 5: 81920 B)', async () => {
    const half = { anchors: matrix(n / 2, 3), positives: matrix(n / 2, 4) };
    expect(await outcome(tight.run(ntXent, half, { temperature: 0.1 }))).toBe('finite');
    const labels = { values: Array.from({ length: n / 2 }, (_, i) => i % 4), shape: [n / 2] };
    expect(await outcome(tight.run(supCon, { embeddings: matrix(n, 5), labels }, { views: 2, temperature: 0.1 }))).toBe(5 * n * n * 4);
  });
});

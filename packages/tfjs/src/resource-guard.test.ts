/**
 * The resource guard on tfjs wasm (issue item 6): NT-Xent at N = 4096 pairs, D = 128, T = 0.0005 (below the row-shift fast path) takes the composed
 * kernel (16 live [8192, 8192] float32 matrices, 4.3 GB): above the 3 GiB default budget it throws
 * `ContrastiveResourceError` before allocating, where it used to exhaust the 4 GiB wasm heap (`memory access out of
 * bounds`, after which every tfjs call failed). At T = 0.5 the fused constant-shift kernel keeps 3 such matrices
 * (~805 MB) and runs. CLIP runs the fused cross-view kernel (6 live [N, N] matrices with row and column maxima): at
 * N = 12288 that is 6 x 12288 x 12288 x 4 = 3.6 GB, above the budget.
 *
 * On tfjs cpu with a small budget the guard counts the fused kernels: CLIP 6 matrices, in-batch InfoNCE and NT-Xent
 * at T = 0.1 3 (constant shift), SupCon 5 (run-time groups), the composed kernel 16 (bytes: matrices x rows x
 * columns x 4).
 */
import {
  computeLoss,
  computeLossAndGradients,
  ContrastiveResourceError,
  clip as coreClip,
  infoNce as coreInfoNce,
  ntXent as coreNtXent,
  supCon as coreSupCon,
} from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { ntXent } from './losses.js';
import { createTfjsBackend } from './tfjs-backend.js';
import { randomMatrix, useBackend } from './test-support.js';

const pairs = 4096;
const dimension = 128;

function thrown(call: () => unknown): unknown {
  try {
    tf.dispose(call() as tf.Tensor);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the resource guard on tfjs wasm', () => {
  it('rejects NT-Xent at N = 4096, T = 0.0005 (composed, 4.3 GB) and CLIP at N = 12288 (fused, 3.6 GB), then still computes', async () => {
    await useBackend('wasm');
    const backend = createTfjsBackend(tf);
    expect(backend.capabilities.memoryBudgetBytes).toBe(3 * 1024 ** 3);
    const [a, p] = [tf.randomNormal([pairs, dimension], 0, 1, 'float32', 1), tf.randomNormal([pairs, dimension], 0, 1, 'float32', 2)];
    const before = tf.memory().numTensors;
    for (const call of [
      () => computeLoss(backend, coreNtXent, { anchors: a, positives: p }, { temperature: 0.0005 }),
      () => computeLossAndGradients(backend, coreNtXent, { anchors: a, positives: p }, { temperature: 0.0005 }).loss,
      () => tf.grads((x: tf.Tensor, y: tf.Tensor) => ntXent(x, y, { temperature: 0.0005 }))([a, p])[0],
    ]) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(ContrastiveResourceError);
      expect((error as ContrastiveResourceError).requiredBytes).toBe(16 * 8192 * 8192 * 4);
      expect((error as Error).message).toContain('withChunking');
    }
    const [images, texts, logitScale] = [tf.concat([a, p, a]), tf.concat([p, a, p]), tf.scalar(1 / 0.07)];
    const clipError = thrown(() => computeLoss(backend, coreClip, { anchors: images, positives: texts, logitScale }));
    expect(clipError).toBeInstanceOf(ContrastiveResourceError);
    expect((clipError as ContrastiveResourceError).requiredBytes).toBe(6 * 12288 * 12288 * 4);
    tf.dispose([images, texts, logitScale]);
    expect(tf.memory().numTensors).toBe(before);

    const small = ntXent(randomMatrix(4, 8, 1), randomMatrix(4, 8, 2), { temperature: 0.01 });
    expect(Number.isFinite(small.dataSync()[0])).toBe(true);
    expect(Array.from(tf.add(tf.ones([2]), tf.ones([2])).dataSync())).toEqual([2, 2]);
    tf.dispose([a, p, small]);
  });

  it('runs NT-Xent at N = 4096, T = 0.5 forward and backward on the fused kernel (3 live matrices, ~805 MB)', async () => {
    await useBackend('wasm');
    const backend = createTfjsBackend(tf);
    const [a, p] = [tf.randomNormal([pairs, dimension], 0, 1, 'float32', 3), tf.randomNormal([pairs, dimension], 0, 1, 'float32', 4)];
    const before = tf.memory().numTensors;
    const { loss, gradients } = computeLossAndGradients(backend, coreNtXent, { anchors: a, positives: p }, { temperature: 0.5 });
    const value = (await backend.read(loss))[0]!;
    // Random unit rows in 128 dimensions: every logit is near 0, so the loss is near log(2N - 1) = log(8191).
    expect(value).toBeGreaterThan(Math.log(8191) - 0.1);
    expect(value).toBeLessThan(Math.log(8191) + 0.1);
    expect(gradients.anchors!.shape).toEqual([pairs, dimension]);
    expect(Array.from(gradients.anchors!.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([loss, ...Object.values(gradients)] as tf.Tensor[]);
    const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => ntXent(x, y, { temperature: 0.5 }))([a, p]);
    expect(grads[0]!.shape).toEqual([pairs, dimension]);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, p]);
  }, 120_000);
});

describe('the resource guard counts the fused kernels on tfjs cpu', () => {
  const n = 64;
  const matrix = (rows: number, seed: number) => tf.randomNormal([rows, 8], 0, 1, 'float32', seed);
  /** The bytes of the rejection, or 'finite' when the loss and gradients are computed. */
  const outcome = (backend: ReturnType<typeof createTfjsBackend>, call: (b: typeof backend) => { loss: tf.Tensor; gradients: object }) => {
    try {
      const { loss, gradients } = call(backend);
      const finite = Number.isFinite(loss.dataSync()[0]);
      tf.dispose([loss, ...(Object.values(gradients) as tf.Tensor[])]);
      return finite ? 'finite' : 'not finite';
    } catch (error) {
      expect(error).toBeInstanceOf(ContrastiveResourceError);
      return (error as ContrastiveResourceError).requiredBytes;
    }
  };

  it('runs CLIP at N = 64 on 6 matrices (98304 B) within 100000 B, where the composed count is 262144 B', async () => {
    await useBackend('cpu');
    const backend = createTfjsBackend(tf, { memoryBudgetBytes: 100_000 });
    const [anchors, positives, logitScale] = [matrix(n, 1), matrix(n, 2), tf.scalar(1 / 0.07)];
    expect(outcome(backend, (b) => computeLossAndGradients(b, coreClip, { anchors, positives, logitScale }))).toBe('finite');
    const smaller = createTfjsBackend(tf, { memoryBudgetBytes: 98_303 });
    expect(outcome(smaller, (b) => computeLossAndGradients(b, coreClip, { anchors, positives, logitScale }))).toBe(6 * n * n * 4);
    tf.dispose([anchors, positives, logitScale]);
  });

  it('runs InfoNCE and NT-Xent at T = 0.1 on 3 matrices (49152 B) within 60000 B and rejects SupCon (5: 81920 B)', async () => {
    await useBackend('cpu');
    const backend = createTfjsBackend(tf, { memoryBudgetBytes: 60_000 });
    const [anchors, positives, half, halfPositives, embeddings] = [matrix(n, 3), matrix(n, 4), matrix(n / 2, 5), matrix(n / 2, 6), matrix(n, 7)];
    const labels = tf.tensor1d(Array.from({ length: n / 2 }, (_, i) => i % 4), 'int32');
    expect(outcome(backend, (b) => computeLossAndGradients(b, coreInfoNce, { anchors, positives }, { temperature: 0.1 }))).toBe('finite');
    expect(outcome(backend, (b) => computeLossAndGradients(b, coreNtXent, { anchors: half, positives: halfPositives }, { temperature: 0.1 }))).toBe('finite');
    const supCon = (b: typeof backend) => computeLossAndGradients(b, coreSupCon, { embeddings, labels }, { views: 2, temperature: 0.1 });
    expect(outcome(backend, supCon)).toBe(5 * n * n * 4);
    tf.dispose([anchors, positives, half, halfPositives, embeddings, labels]);
  });
});

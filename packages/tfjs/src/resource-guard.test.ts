/**
 * The resource guard on tfjs wasm (issue item 6): NT-Xent at N = 4096 pairs, D = 128, T = 0.0005 (below the row-shift fast path) takes the composed
 * kernel (16 live [8192, 8192] float32 matrices, 4.3 GB): above the 3 GiB default budget it throws
 * `ContrastiveResourceError` before allocating, where it used to exhaust the 4 GiB wasm heap (`memory access out of
 * bounds`, after which every tfjs call failed). At T = 0.5 the fused constant-shift kernel keeps 3 such matrices
 * (~805 MB) and runs.
 */
import { computeLoss, computeLossAndGradients, ContrastiveResourceError, clip as coreClip, ntXent as coreNtXent } from '@contrastive/core';
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
  it('rejects NT-Xent at N = 4096, T = 0.0005 (composed, 4.3 GB) and CLIP at N = 8192, then still computes', async () => {
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
    const [images, texts, logitScale] = [tf.concat([a, p]), tf.concat([p, a]), tf.scalar(1 / 0.07)];
    expect(thrown(() => computeLoss(backend, coreClip, { anchors: images, positives: texts, logitScale }))).toBeInstanceOf(ContrastiveResourceError);
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

import { clip, computeLossAndGradients, createReferenceBackend, type LossDefinition } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend } from './tfjs-backend.js';
import { randomMatrix, useBackend } from './test-support.js';

const reference = createReferenceBackend();
const clipLoss = clip as unknown as LossDefinition<string, object>;

/** CLIP's loss and gradients on tfjs and on the float64 reference backend, and the tfjs kernels that ran. */
async function both(anchors: number[][], positives: number[][], logitScale: number, options: object) {
  const backend = createTfjsBackend(tf);
  const tensors = { anchors: tf.tensor2d(anchors), positives: tf.tensor2d(positives), logitScale: tf.scalar(logitScale) };
  const profile = await tf.profile(() => {
    const result = computeLossAndGradients(backend, clipLoss, tensors, options);
    return [result.loss, ...Object.values(result.gradients)] as tf.Tensor[];
  });
  const actual = computeLossAndGradients(backend, clipLoss, tensors, options);
  const referenceInputs = {
    anchors: reference.fromArray(anchors.flat(), [anchors.length, anchors[0]!.length]),
    positives: reference.fromArray(positives.flat(), [positives.length, positives[0]!.length]),
    logitScale: reference.fromArray([logitScale], []),
  };
  const expected = computeLossAndGradients(reference, clipLoss, referenceInputs, options);
  const read = async <T>(b: { read(x: T): Promise<ArrayLike<number>> }, x: T) => Array.from(await b.read(x));
  const gradients = await Promise.all(['anchors', 'positives', 'logitScale'].map(async (name) => [await read(backend, actual.gradients[name]!), await read(reference, expected.gradients[name]!)] as const));
  return { kernels: profile.kernelNames, loss: [await read(backend, actual.loss), await read(reference, expected.loss)] as const, gradients };
}

/** max |a - e| <= tolerance * max(floor, max |e|). */
function expectWithin(actual: readonly number[], expected: readonly number[], tolerance: number, floor = 1) {
  const scale = Math.max(floor, ...expected.map(Math.abs));
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(tolerance * scale));
}

describe.each(['cpu', 'wasm'] as const)('fused cross-view kernel (CLIP) on tfjs %s', (name) => {
  it.each([0.5, 0.07, 0.01])('T = %s: takes the path (GatherNd, one MatMul for s) and matches the float64 reference, all three gradients', async (temperature) => {
    await useBackend(name);
    for (const options of [{ reduction: 'none' }, { normalize: false, maxLogitScale: null }]) {
      const result = await both(randomMatrix(48, 12, 1), randomMatrix(48, 12, 2), 1 / temperature, options);
      expect(result.kernels).toContain('GatherNd');
      expect(result.kernels).toContain('TensorScatterUpdate');
      expectWithin(result.loss[0], result.loss[1], 2e-4);
      for (const [actual, expected] of result.gradients) expectWithin(actual, expected, 2e-3);
    }
  });

  it('keeps the gradient digits when the positive dominates (loss below 1e-8, 256 pairs, T = 0.026; the composed form fails this)', async () => {
    await useBackend(name);
    const anchors = randomMatrix(256, 64, 3);
    const jitter = randomMatrix(256, 64, 4);
    const positives = anchors.map((row, i) => row.map((x, j) => Math.fround(x + 0.005 * jitter[i]![j]!)));
    const result = await both(anchors, positives, 1 / 0.026, {});
    expect(result.loss[1][0]!).toBeLessThan(1e-8);
    expectWithin(result.loss[0], result.loss[1], 2e-4, 0);
    // Relative to each gradient's own largest entry (no floor at 1: the entries are tiny).
    for (const [actual, expected] of result.gradients) expectWithin(actual, expected, 2e-3, 0);
  });
});

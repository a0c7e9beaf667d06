import { computeLossAndGradients, contrastiveLoss, createReferenceBackend, infoNce, type LossDefinition } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend } from './tfjs-backend.js';
import { randomMatrix, useBackend } from './test-support.js';

const reference = createReferenceBackend();

/** The loss and gradients on tfjs and on the float64 reference backend, and the tfjs kernels that ran. */
async function both(loss: LossDefinition<string, object>, anchors: number[][], positives: number[][], options: object) {
  const backend = createTfjsBackend(tf);
  const tensors = { anchors: tf.tensor2d(anchors), positives: tf.tensor2d(positives) };
  const profile = await tf.profile(() => {
    const result = computeLossAndGradients(backend, loss, tensors, options);
    return [result.loss, ...Object.values(result.gradients)] as tf.Tensor[];
  });
  const actual = computeLossAndGradients(backend, loss, tensors, options);
  const referenceInputs = {
    anchors: reference.fromArray(anchors.flat(), [anchors.length, anchors[0]!.length]),
    positives: reference.fromArray(positives.flat(), [positives.length, positives[0]!.length]),
  };
  const expected = computeLossAndGradients(reference, loss, referenceInputs, options);
  const read = async <T>(b: { read(x: T): Promise<ArrayLike<number>> }, x: T) => Array.from(await b.read(x));
  const gradients = await Promise.all(['anchors', 'positives'].map(async (name) => [await read(backend, actual.gradients[name]!), await read(reference, expected.gradients[name]!)] as const));
  tf.dispose(Object.values(tensors));
  return { kernels: profile.kernelNames, loss: [await read(backend, actual.loss), await read(reference, expected.loss)] as const, gradients };
}

/** max |a - e| <= tolerance * max(floor, max |e|). */
function expectWithin(actual: readonly number[], expected: readonly number[], tolerance: number, floor = 1) {
  const scale = Math.max(floor, ...expected.map(Math.abs));
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(tolerance * scale));
}

const infoNceLoss = infoNce as unknown as LossDefinition<string, object>;
const contrastive = contrastiveLoss as unknown as LossDefinition<string, object>;

describe.each(['cpu', 'wasm'] as const)('fused cross-view kernel, one direction and decoupled, on tfjs %s', (name) => {
  const cases = [
    ['in-batch InfoNCE', infoNceLoss, {}],
    ['in-batch InfoNCE, symmetric', infoNceLoss, { symmetric: true }],
    ['in-batch InfoNCE, rows not normalised', infoNceLoss, { normalize: false }],
    ['the contrastive loss (decoupled)', contrastive, {}],
    ['the contrastive loss, symmetric', contrastive, { symmetric: true }],
  ] as const;
  it.each(cases.flatMap(([label, loss, options]) => [0.5, 0.1, 0.01].map((temperature) => [label, temperature, loss, options] as const)))(
    '%s at T = %s: takes the path (GatherNd, TensorScatterUpdate) and matches the float64 reference',
    async (_label, temperature, loss, options) => {
      await useBackend(name);
      const result = await both(loss, randomMatrix(40, 12, 5), randomMatrix(40, 12, 6), { ...options, temperature, reduction: 'none' });
      expect(result.kernels).toContain('GatherNd');
      expect(result.kernels).toContain('TensorScatterUpdate');
      expectWithin(result.loss[0], result.loss[1], 2e-4);
      for (const [actual, expected] of result.gradients) expectWithin(actual, expected, 2e-3);
    },
  );

  it('in-batch InfoNCE keeps the gradient digits when the positive dominates (loss below 1e-8, 256 pairs, T = 0.026)', async () => {
    await useBackend(name);
    const anchors = randomMatrix(256, 64, 3);
    const jitter = randomMatrix(256, 64, 4);
    const positives = anchors.map((row, i) => row.map((x, j) => Math.fround(x + 0.005 * jitter[i]![j]!)));
    const result = await both(infoNceLoss, anchors, positives, { temperature: 0.026 });
    expect(result.loss[1][0]!).toBeLessThan(1e-8);
    expectWithin(result.loss[0], result.loss[1], 2e-4, 0);
    // Relative to each gradient's own largest entry (no floor at 1: the entries are tiny).
    for (const [actual, expected] of result.gradients) expectWithin(actual, expected, 2e-3, 0);
  });
});

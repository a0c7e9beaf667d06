import { computeLossAndGradients, createReferenceBackend, sigLip, type LossDefinition } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend } from './tfjs-backend.js';
import { randomMatrix, useBackend } from './test-support.js';

const reference = createReferenceBackend();
const sigLipLoss = sigLip as unknown as LossDefinition<string, object>;
const names = ['anchors', 'positives', 'logTemperature', 'bias'];

/** SigLIP's loss and gradients on tfjs and on the float64 reference backend, and the tfjs kernels that ran. */
async function both(anchors: number[][], positives: number[][], scale: number, bias: number, options: object) {
  const backend = createTfjsBackend(tf);
  const tensors = { anchors: tf.tensor2d(anchors), positives: tf.tensor2d(positives), logTemperature: tf.scalar(Math.log(scale)), bias: tf.scalar(bias) };
  const profile = await tf.profile(() => {
    const result = computeLossAndGradients(backend, sigLipLoss, tensors, options);
    return [result.loss, ...Object.values(result.gradients)] as tf.Tensor[];
  });
  const actual = computeLossAndGradients(backend, sigLipLoss, tensors, options);
  const referenceInputs = {
    anchors: reference.fromArray(anchors.flat(), [anchors.length, anchors[0]!.length]),
    positives: reference.fromArray(positives.flat(), [positives.length, positives[0]!.length]),
    logTemperature: reference.fromArray([Math.fround(Math.log(scale))], []),
    bias: reference.fromArray([bias], []),
  };
  const expected = computeLossAndGradients(reference, sigLipLoss, referenceInputs, options);
  const read = async <T>(b: { read(x: T): Promise<ArrayLike<number>> }, x: T) => Array.from(await b.read(x));
  const gradients = await Promise.all(names.map(async (name) => [await read(backend, actual.gradients[name]!), await read(reference, expected.gradients[name]!)] as const));
  return { kernels: profile.kernelNames, loss: [await read(backend, actual.loss), await read(reference, expected.loss)] as const, gradients, backend };
}

/** max |a - e| <= tolerance * max(1, max |e|). */
function expectWithin(actual: readonly number[], expected: readonly number[], tolerance: number) {
  const scale = Math.max(1, ...expected.map(Math.abs));
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(tolerance * scale));
}

describe.each(['cpu', 'wasm'] as const)('fused pairwise-sigmoid kernel (SigLIP) on tfjs %s', (name) => {
  it.each([
    ['t = 10, bias -10 (SigLIP init)', 10, -10, {}],
    ['t = 100, bias -10, per-row values', 100, -10, { reduction: 'none' }],
    ['t = 10, bias -10, normalize false', 10, -10, { normalize: false }],
  ] as const)('%s: takes the path (TensorScatterUpdate) and matches the float64 reference, all four gradients', async (_label, scale, bias, options) => {
    await useBackend(name);
    const result = await both(randomMatrix(48, 12, 3), randomMatrix(48, 12, 4), scale, bias, options);
    expect(result.kernels).toContain('TensorScatterUpdate');
    expectWithin(result.loss[0], result.loss[1], 2e-4);
    for (const [actual, expected] of result.gradients) expectWithin(actual, expected, 2e-3);
  });

  it('tells the resource guard its own count (7 live matrices, the composed kernel 12)', async () => {
    await useBackend(name);
    expect(createTfjsBackend(tf).fused?.sigmoidPairwise?.workingMatrices?.(4096)).toBe(7);
  });
});

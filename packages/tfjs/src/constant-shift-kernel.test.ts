import { computeLossAndGradients, createReferenceBackend, ntXent, simclrInfoNce, type LossDefinition } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend } from './tfjs-backend.js';
import { randomMatrix, useBackend } from './test-support.js';

const reference = createReferenceBackend();

/** Loss and gradients on tfjs and on the float64 reference backend, and the tfjs kernels that ran. */
async function both(loss: LossDefinition<string, object>, inputs: Record<string, number[][]>, options: object) {
  const backend = createTfjsBackend(tf);
  const tensors = Object.fromEntries(Object.entries(inputs).map(([name, rows]) => [name, tf.tensor2d(rows)]));
  const kernels: string[] = [];
  const profile = await tf.profile(() => {
    const result = computeLossAndGradients(backend, loss, tensors, options);
    return [result.loss, ...Object.values(result.gradients)] as tf.Tensor[];
  });
  kernels.push(...profile.kernelNames);
  const actual = computeLossAndGradients(backend, loss, tensors, options);
  const referenceInputs = Object.fromEntries(Object.entries(inputs).map(([name, rows]) => [name, reference.fromArray(rows.flat(), [rows.length, rows[0]!.length])]));
  const expected = computeLossAndGradients(reference, loss, referenceInputs, options);
  const read = async <T>(b: { read(x: T): Promise<ArrayLike<number>> }, x: T) => Array.from(await b.read(x));
  const names = Object.keys(inputs);
  return {
    kernels,
    loss: [await read(backend, actual.loss), await read(reference, expected.loss)] as const,
    gradients: await Promise.all(names.map(async (name) => [await read(backend, actual.gradients[name]!), await read(reference, expected.gradients[name]!)] as const)),
  };
}

function expectWithin(actual: readonly number[], expected: readonly number[], tolerance: number) {
  const scale = Math.max(1, ...expected.map(Math.abs));
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(tolerance * scale));
}

describe.each(['cpu', 'wasm'] as const)('symmetric fused kernel on tfjs %s', (name) => {
  it('runs for NT-Xent on unit rows (TensorScatterUpdate, no N x N Where) and matches the float64 reference', async () => {
    await useBackend(name);
    const result = await both(ntXent as unknown as LossDefinition<string, object>, { anchors: randomMatrix(48, 12, 1), positives: randomMatrix(48, 12, 2) }, { temperature: 0.07, reduction: 'none' });
    expect(result.kernels).toContain('TensorScatterUpdate');
    expectWithin(result.loss[0], result.loss[1], 2e-4);
    for (const [actual, expected] of result.gradients) expectWithin(actual, expected, 2e-3);
  });

  it('matches the reference for three views (two positives per row)', async () => {
    await useBackend(name);
    const result = await both(simclrInfoNce as unknown as LossDefinition<string, object>, { embeddings: randomMatrix(30, 8, 3) }, { views: 3, temperature: 0.1 });
    expect(result.kernels).toContain('TensorScatterUpdate');
    expectWithin(result.loss[0], result.loss[1], 2e-4);
    for (const [actual, expected] of result.gradients) expectWithin(actual, expected, 2e-3);
  });

  it('falls back to the composed kernel below temperature 1/40', async () => {
    await useBackend(name);
    const result = await both(ntXent as unknown as LossDefinition<string, object>, { anchors: randomMatrix(8, 6, 4), positives: randomMatrix(8, 6, 5) }, { temperature: 0.02 });
    expect(result.kernels).not.toContain('TensorScatterUpdate');
    expectWithin(result.loss[0], result.loss[1], 2e-4);
  });
});

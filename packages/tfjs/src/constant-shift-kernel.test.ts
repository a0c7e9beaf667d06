import { computeLossAndGradients, createReferenceBackend, dcl, ntXent, simclrInfoNce, supCon, type LossDefinition } from '@contrastive/core';
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

  it.each([0.01, 0.02, 0.5])('takes it at temperature %s (row maxima below 1/40) and matches the float64 reference', async (temperature) => {
    await useBackend(name);
    const result = await both(ntXent as unknown as LossDefinition<string, object>, { anchors: randomMatrix(24, 6, 4), positives: randomMatrix(24, 6, 5) }, { temperature, reduction: 'none' });
    expect(result.kernels).toContain('TensorScatterUpdate');
    expectWithin(result.loss[0], result.loss[1], 2e-4);
    for (const [actual, expected] of result.gradients) expectWithin(actual, expected, 2e-3);
  });

  it('three views at temperature 0.005 (row maxima) match the float64 reference', async () => {
    await useBackend(name);
    const result = await both(simclrInfoNce as unknown as LossDefinition<string, object>, { embeddings: randomMatrix(30, 8, 6) }, { views: 3, temperature: 0.005, reduction: 'none' });
    expect(result.kernels).toContain('TensorScatterUpdate');
    expectWithin(result.loss[0], result.loss[1], 2e-4);
    for (const [actual, expected] of result.gradients) expectWithin(actual, expected, 2e-3);
  });
});

/** SupCon's loss and embedding gradient on tfjs and the float64 reference (labels [B] with uneven classes). */
async function supConBoth(embeddings: number[][], labels: number[], options: object) {
  const backend = createTfjsBackend(tf);
  const inputs = { embeddings: tf.tensor2d(embeddings), labels: tf.tensor1d(labels) };
  const profile = await tf.profile(() => {
    const result = computeLossAndGradients(backend, supCon, inputs, options);
    return [result.loss, result.gradients['embeddings']!] as tf.Tensor[];
  });
  const actual = computeLossAndGradients(backend, supCon, inputs, options);
  const referenceInputs = { embeddings: reference.fromArray(embeddings.flat(), [embeddings.length, embeddings[0]!.length]), labels: reference.fromArray(labels, [labels.length]) };
  const expected = computeLossAndGradients(reference, supCon, referenceInputs, options);
  return {
    kernels: profile.kernelNames,
    loss: [Array.from(await backend.read(actual.loss)), Array.from(await reference.read(expected.loss))] as const,
    gradient: [Array.from(await backend.read(actual.gradients['embeddings']!)), Array.from(await reference.read(expected.gradients['embeddings']!))] as const,
  };
}

describe.each(['cpu', 'wasm'] as const)('run-time group kernel (SupCon) on tfjs %s', (name) => {
  // Classes of 4, 3, 2, 2 and 1 samples: the last one has no positive with one view.
  const labels = [0, 1, 0, 2, 1, 0, 3, 1, 0, 2, 3, 4];
  it.each([0.5, 0.07, 0.01])('uneven classes and a sample without positives at temperature %s: matches the float64 reference', async (temperature) => {
    await useBackend(name);
    for (const views of [1, 2]) {
      const result = await supConBoth(randomMatrix(12 * views, 8, 30 + views), labels, { temperature, views, reduction: 'none' });
      expect(result.kernels).toContain('LogicalAnd');
      expectWithin(result.loss[0], result.loss[1], 2e-4);
      expectWithin(result.gradient[0], result.gradient[1], 2e-3);
    }
  });

  it('leaves SupCon without normalisation to the composed kernel', async () => {
    await useBackend(name);
    const result = await supConBoth(randomMatrix(12, 8, 33), labels, { temperature: 0.5, normalize: false });
    expect(result.kernels).not.toContain('LogicalAnd');
    expectWithin(result.loss[0], result.loss[1], 2e-4);
  });

  it('takes symmetric DCL onto the index-table kernel and matches the float64 reference at temperature 0.1 and 0.01', async () => {
    await useBackend(name);
    for (const temperature of [0.1, 0.01]) {
      const result = await both(dcl as unknown as LossDefinition<string, object>, { anchors: randomMatrix(16, 6, 34), positives: randomMatrix(16, 6, 35) }, { temperature, reduction: 'none' });
      expect(result.kernels).toContain('TensorScatterUpdate');
      expectWithin(result.loss[0], result.loss[1], 2e-4);
      for (const [actual, expected] of result.gradients) expectWithin(actual, expected, 2e-3);
    }
  });
});

/** max |a - e| / max |e|: the error relative to the largest entry, with no floor at 1 (the gradients are ~1e-13). */
function relativeToLargest(actual: readonly number[], expected: readonly number[]): number {
  const largest = Math.max(...expected.map(Math.abs));
  return Math.max(...expected.map((e, i) => Math.abs(actual[i]! - e))) / largest;
}

describe.each(['cpu', 'wasm'] as const)('symmetric fused kernel on tfjs %s: gradient digits when the positive dominates', (name) => {
  // 512 pairs, D = 128, views within 1% of each other: loss below 1e-9. Taking the positives' coefficients as
  // `softmax - 1` left errors of 8.8e-3 of the largest gradient entry here; from the negatives' mass they keep their digits.
  it('NT-Xent at T = 0.026: loss and gradients within the float32 tier of the float64 reference, relative to the largest entry', async () => {
    await useBackend(name);
    const anchors = randomMatrix(512, 128, 21).map((row) => row.map(Math.fround));
    const jitter = randomMatrix(512, 128, 22);
    const positives = anchors.map((row, i) => row.map((v, j) => Math.fround(v + 0.01 * jitter[i]![j]!)));
    const result = await both(ntXent as unknown as LossDefinition<string, object>, { anchors, positives }, { temperature: 0.026 });
    expect(result.kernels).toContain('TensorScatterUpdate');
    const [[actualLoss], [expectedLoss]] = result.loss;
    expect(expectedLoss!).toBeLessThan(1e-9);
    expect(Math.abs(actualLoss! - expectedLoss!)).toBeLessThanOrEqual(2e-4 * expectedLoss!);
    for (const [actual, expected] of result.gradients) expect(relativeToLargest(actual, expected), "max |g - g_ref| / max |g_ref|").toBeLessThanOrEqual(2e-3);
  }, 120_000);
});

import { ContrastiveInputError } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { clip, infoNce, ntXent } from '../losses.js';
import { randomMatrix, useBackend } from '../test-support.js';
import { cachedGradients, cachedGradientStep } from './cached-gradients.js';

/**
 * Float32 tolerance for comparing the cached gradients with the plain ones: the two compute the same sums in a
 * different grouping (per sub-batch, then added), so they differ by rounding only. A sum of N terms regrouped
 * differs by at most about N * 2^-24 of the sum of the terms' magnitudes; with N = 48 rows that is ~3e-6 of the
 * largest gradient. We allow 2e-5 of the largest magnitude in each tensor (a wrong sub-batch share, a missing or
 * doubled sub-batch, changes gradients by ~1/3 of that magnitude or more).
 */
const relativeTolerance = 2e-5;

function expectClose(actual: tf.Tensor, expected: tf.Tensor, name: string): void {
  const [a, e] = [actual.dataSync(), expected.dataSync()];
  expect(actual.shape, name).toEqual(expected.shape);
  const scale = Math.max(...Array.from(e, Math.abs));
  expect(scale, `${name} is not all zeros`).toBeGreaterThan(0);
  const worst = Math.max(...Array.from(a, (v, i) => Math.abs(v - e[i]!)));
  expect(worst / scale, name).toBeLessThanOrEqual(relativeTolerance);
}

function expectSameGrads(actual: tf.NamedTensorMap, expected: tf.NamedTensorMap): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const name of Object.keys(expected)) expectClose(actual[name]!, expected[name]!, name);
}

/** A two-layer encoder `relu(x W1 + b1) W2` over tf.Variables. */
function mlp(inputs: number, hidden: number, outputs: number, seed: number) {
  const scaled = (rows: number, columns: number, offset: number, scale: number) =>
    randomMatrix(rows, columns, seed + offset).map((row) => row.map((v) => v * scale));
  const variables = [
    tf.variable(tf.tensor2d(scaled(inputs, hidden, 0, 0.5))),
    tf.variable(tf.tensor1d(scaled(1, hidden, 1, 0.1)[0]!)),
    tf.variable(tf.tensor2d(scaled(hidden, outputs, 2, 0.3))),
  ];
  const [w1, b1, w2] = variables as [tf.Variable, tf.Variable, tf.Variable];
  const encoder = (x: tf.Tensor) => tf.matMul(tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w1), b1)), w2);
  return { encoder, variables };
}

describe('cachedGradients (tfjs cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it.each([16, 20, 48])('equals the plain gradients of NT-Xent over a shared encoder (48 rows, sub-batches of %i)', (subBatchSize) => {
    const { encoder, variables } = mlp(12, 32, 8, 1);
    const views = [tf.tensor2d(randomMatrix(48, 12, 5)), tf.tensor2d(randomMatrix(48, 12, 6))];
    const loss = ([a, p]: readonly tf.Tensor[]) => ntXent(a!, p!, { temperature: 0.2 });
    const optimizer = tf.train.sgd(0.1);
    const plain = optimizer.computeGradients(() => loss(views.map(encoder)) as tf.Scalar, variables);
    const cached = cachedGradients({ inputs: views, encoders: encoder, loss, subBatchSize, variables });
    expect(cached.value.dataSync()[0]).toBeCloseTo(plain.value.dataSync()[0]!, 5);
    expectSameGrads(cached.grads, plain.grads);
    tf.dispose([plain.value, plain.grads, cached.value, cached.grads, views, variables]);
  });

  it('equals the plain gradients of CLIP with two towers and a learnable logitScale', () => {
    const image = mlp(10, 24, 6, 11);
    const text = mlp(7, 16, 6, 21);
    const logitScale = tf.variable(tf.scalar(5));
    const variables = [...image.variables, ...text.variables, logitScale];
    const inputs = [tf.tensor2d(randomMatrix(30, 10, 31)), tf.tensor2d(randomMatrix(30, 7, 32))];
    const loss = ([i, t]: readonly tf.Tensor[]) => clip(i!, t!, logitScale);
    const plain = tf.variableGrads(() => loss([image.encoder(inputs[0]!), text.encoder(inputs[1]!)]) as tf.Scalar, variables);
    const cached = cachedGradients({ inputs, encoders: [image.encoder, text.encoder], loss, subBatchSize: 8, variables });
    expect(Object.keys(cached.grads)).toContain(logitScale.name);
    expectSameGrads(cached.grads, plain.grads);
    tf.dispose([plain.value, plain.grads, cached.value, cached.grads, inputs, variables]);
  });

  it('equals the plain gradients of InfoNCE over three inputs of different row counts (queries, keys, hard negatives)', () => {
    const { encoder, variables } = mlp(8, 16, 6, 91);
    const inputs = [tf.tensor2d(randomMatrix(12, 8, 92)), tf.tensor2d(randomMatrix(12, 8, 93)), tf.tensor2d(randomMatrix(27, 8, 94))];
    const loss = ([q, k, n]: readonly tf.Tensor[]) => infoNce(q!, k!, n!, { temperature: 0.1 });
    const plain = tf.variableGrads(() => loss(inputs.map(encoder)) as tf.Scalar, variables);
    const cached = cachedGradients({ inputs, encoders: encoder, loss, subBatchSize: 5, variables });
    expectSameGrads(cached.grads, plain.grads);
    tf.dispose([plain.value, plain.grads, cached.value, cached.grads, inputs, variables]);
  });

  it('equals the plain gradients of a tf.LayersModel encoder (all trainable variables by default)', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [9], units: 20, activation: 'tanh' }), tfl.layers.dense({ units: 5 })],
    });
    const views = [tf.tensor2d(randomMatrix(24, 9, 41)), tf.tensor2d(randomMatrix(24, 9, 42))];
    const loss = ([a, p]: readonly tf.Tensor[]) => ntXent(a!, p!, { temperature: 0.5 });
    const plain = tf.variableGrads(() => loss(views.map((v) => model.apply(v) as tf.Tensor)) as tf.Scalar);
    const cached = cachedGradients({ inputs: views, encoders: model, loss, subBatchSize: 7 });
    expect(Object.keys(plain.grads).length).toBe(4);
    expectSameGrads(cached.grads, plain.grads);
    tf.dispose([plain.value, plain.grads, cached.value, cached.grads, views]);
    model.dispose();
  });
});

describe('cachedGradients (tfjs wasm)', () => {
  beforeAll(() => useBackend('wasm'));

  it('equals the plain gradients of NT-Xent over a shared encoder (48 rows, sub-batches of 20)', () => {
    const { encoder, variables } = mlp(12, 32, 8, 81);
    const views = [tf.tensor2d(randomMatrix(48, 12, 85)), tf.tensor2d(randomMatrix(48, 12, 86))];
    const loss = ([a, p]: readonly tf.Tensor[]) => ntXent(a!, p!, { temperature: 0.2 });
    const before = tf.memory().numTensors;
    const plain = tf.variableGrads(() => loss(views.map(encoder)) as tf.Scalar, variables);
    const cached = cachedGradients({ inputs: views, encoders: encoder, loss, subBatchSize: 20, variables });
    expect(tf.getBackend()).toBe('wasm');
    expectSameGrads(cached.grads, plain.grads);
    tf.dispose([plain.value, plain.grads, cached.value, cached.grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([views, variables]);
  });
});

describe('cachedGradientStep (tfjs cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('updates the weights as optimizer.minimize on the whole batch, and leaks no tensor', () => {
    const plainModel = mlp(12, 32, 8, 51);
    const cachedModel = mlp(12, 32, 8, 51);
    const views = [tf.tensor2d(randomMatrix(40, 12, 55)), tf.tensor2d(randomMatrix(40, 12, 56))];
    const loss = ([a, p]: readonly tf.Tensor[]) => ntXent(a!, p!, { temperature: 0.2 });
    const [plainOptimizer, cachedOptimizer] = [tf.train.sgd(0.5), tf.train.sgd(0.5)];
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) {
      tf.dispose(plainOptimizer.minimize(() => loss(views.map(plainModel.encoder)) as tf.Scalar, true, plainModel.variables)!);
      const value = cachedGradientStep(cachedOptimizer, { inputs: views, encoders: cachedModel.encoder, loss, subBatchSize: 16, variables: cachedModel.variables });
      expect(value.rank).toBe(0);
      value.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    cachedModel.variables.forEach((variable, i) => expectClose(variable, plainModel.variables[i]!, `weights ${i}`));
    tf.dispose([views, plainModel.variables, cachedModel.variables]);
  });

  it('leaks no tensor and names the culprit when the encoder or the loss is wrong', () => {
    const { encoder, variables } = mlp(6, 8, 4, 61);
    const views = [tf.tensor2d(randomMatrix(12, 6, 62)), tf.tensor2d(randomMatrix(12, 6, 63))];
    const optimizer = tf.train.sgd(0.1);
    const before = tf.memory().numTensors;
    const run = (options: Partial<Parameters<typeof cachedGradients>[0]>) => () =>
      cachedGradientStep(optimizer, { inputs: views, encoders: encoder, loss: ([a, p]) => ntXent(a!, p!), subBatchSize: 5, variables, ...options });
    expect(run({ encoders: (x: tf.Tensor) => tf.slice(encoder(x), [0, 0], [1, 4]) })).toThrow(/options\.encoders\[0\]: expected an encoder returning 5 rows/);
    expect(tf.memory().numTensors).toBe(before);
    expect(run({ loss: ([a, p]) => ntXent(a!, p!, { reduction: 'none' }) })).toThrow(/options\.loss: expected a function returning a scalar/);
    expect(tf.memory().numTensors).toBe(before);
    expect(run({ loss: () => { throw new RangeError('inside the loss'); } })).toThrow(RangeError);
    expect(tf.memory().numTensors).toBe(before);
    let calls = 0; // embeds both views (2 x 3 sub-batches), then fails while taped in the backward pass
    const failsLater = (x: tf.Tensor) => {
      if (++calls > 7) throw new RangeError('inside the encoder');
      return encoder(x);
    };
    expect(run({ encoders: failsLater })).toThrow(/inside the encoder/);
    expect(calls).toBe(8);
    expect(tf.memory().numTensors).toBe(before);
    expect(run({ encoders: [encoder] })).toThrow(/options\.encoders: expected one encoder, or 2/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([views, variables]);
  });

  it('rejects bad options with ContrastiveInputError before any work', () => {
    const x = tf.ones([4, 3]);
    const base = { inputs: [x], encoders: (t: tf.Tensor) => t, loss: ([e]: readonly tf.Tensor[]) => tf.sum(e!), variables: [] as tf.Variable[] };
    const cases: [object, string][] = [
      [{ ...base, subBatchSize: 0 }, 'options.subBatchSize'],
      [{ ...base, subBatchSize: 1.5 }, 'options.subBatchSize'],
      [{ ...base, subBatchSize: 2, inputs: [] }, 'options.inputs'],
      [{ ...base, subBatchSize: 2, inputs: [[1, 2]] }, 'options.inputs[0]'],
      [{ ...base, subBatchSize: 2, encoders: 3 }, 'options.encoders'],
      [{ ...base, subBatchSize: 2, loss: 'ntXent' }, 'options.loss'],
      [{ ...base, subBatchSize: 2 }, 'options.variables'],
    ];
    for (const [options, argument] of cases) {
      let thrown: unknown;
      try {
        cachedGradients(options as Parameters<typeof cachedGradients>[0]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, argument).toBeInstanceOf(ContrastiveInputError);
      expect((thrown as ContrastiveInputError).argument).toBe(argument);
    }
    expect(() => cachedGradientStep({} as tf.Optimizer, { ...base, subBatchSize: 2 })).toThrow(/optimizer: expected a tf.Optimizer/);
    x.dispose();
  });
});

describe('cachedGradients memory (tfjs cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('peaks at fewer bytes than the plain step: encoder activations follow the sub-batch', async () => {
    // 2 x 256 rows through a 32 -> 1024 -> 16 encoder: the plain tape holds [512, 1024] activations (2 MiB each),
    // the cached one [32, 1024] at a time; NT-Xent's [512, 512] matrices (1 MiB) are in both.
    const { encoder, variables } = mlp(32, 1024, 16, 71);
    const views = [tf.tensor2d(randomMatrix(256, 32, 72)), tf.tensor2d(randomMatrix(256, 32, 73))];
    const loss = ([a, p]: readonly tf.Tensor[]) => ntXent(a!, p!, { temperature: 0.1 });
    const baseline = tf.memory().numBytes;
    // tf.profile returns the engine's one profile record, overwritten by the next call: read each peak at once.
    const plainPeak = (await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => loss(views.map(encoder)) as tf.Scalar, variables);
      tf.dispose([value, grads]);
    })).peakBytes - baseline;
    const cachedPeak = (await tf.profile(() => {
      const { value, grads } = cachedGradients({ inputs: views, encoders: encoder, loss, subBatchSize: 32, variables });
      tf.dispose([value, grads]);
    })).peakBytes - baseline;
    expect(tf.memory().numBytes).toBe(baseline);
    // Plain: at least the two [256, 1024] pre-activations and relu outputs of each view kept for the backward.
    expect(plainPeak).toBeGreaterThan(8 * 256 * 1024 * 4);
    expect(cachedPeak).toBeLessThan(plainPeak / 2);
    tf.dispose([views, variables]);
  });
});

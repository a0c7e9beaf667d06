import { computeLossAndGradients, ContrastiveInputError, createReferenceBackend, sigLip as coreSigLip } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { ntXent, sigLip } from './losses.js';
import { Reduction } from './reduction.js';
import { directNtXent, naiveNtXent, randomMatrix, useBackend } from './test-support.js';

const anchors = randomMatrix(4, 6, 11);
const positives = randomMatrix(4, 6, 12);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, digits);
}

describe('ntXent as a tfjs op (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('matches the definition computed in plain JavaScript', () => {
    const loss = ntXent(tf.tensor2d(anchors), tf.tensor2d(positives), { temperature: 0.2 });
    expect(loss.shape).toEqual([]);
    expect(loss.dataSync()[0]).toBeCloseTo(directNtXent(anchors, positives, 0.2), 5);
  });

  it('has the gradient tfjs autodiff gives for the naive composition', () => {
    const [a, p] = [tf.tensor2d(anchors), tf.tensor2d(positives)];
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => ntXent(x, y, { temperature: 0.5 }))([a, p]);
    const naive = tf.grads((x: tf.Tensor, y: tf.Tensor) => naiveNtXent(x as tf.Tensor2D, y as tf.Tensor2D, 0.5))([a, p]);
    expectClose(ours[0]!.dataSync(), naive[0]!.dataSync(), 5);
    expectClose(ours[1]!.dataSync(), naive[1]!.dataSync(), 5);
  });

  it('accepts TensorLike inputs and every spelling of the reduction', () => {
    const mean = ntXent(anchors, positives).dataSync()[0]!;
    const rows = ntXent(anchors, positives, { reduction: Reduction.NONE });
    expect(rows.shape).toEqual([8]);
    expect(Array.from(rows.dataSync()).reduce((s, v) => s + v, 0) / 8).toBeCloseTo(mean, 5);
    expect(ntXent(anchors, positives, { reduction: 'sum' }).dataSync()[0]).toBeCloseTo(8 * mean, 4);
    expect(ntXent(anchors, positives, { reduction: tf.Reduction.SUM }).dataSync()[0]).toBeCloseTo(8 * mean, 4);
    expect(ntXent(anchors, positives, { reduction: tf.Reduction.MEAN }).dataSync()[0]).toBeCloseTo(mean, 6);
  });

  it('stays finite at temperature 0.01 with near-identical rows', () => {
    const loss = ntXent(anchors, anchors.map((row) => row.map((v) => v + 1e-4)), { temperature: 0.01 });
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
  });

  it('trains through optimizer.minimize (variables receive core gradients)', () => {
    const a = tf.variable(tf.tensor2d(anchors));
    const p = tf.variable(tf.tensor2d(positives));
    const optimizer = tf.train.sgd(0.5);
    const first = optimizer.minimize(() => ntXent(a, p, { temperature: 0.5 }) as tf.Scalar, true)!.dataSync()[0]!;
    for (let step = 0; step < 20; step++) tf.dispose(optimizer.minimize(() => ntXent(a, p, { temperature: 0.5 }) as tf.Scalar, true)!);
    const last = ntXent(a, p, { temperature: 0.5 }).dataSync()[0]!;
    expect(last).toBeLessThan(first);
    tf.dispose([a, p]);
    optimizer.dispose();
  });

  const badCalls: [string, () => unknown, string][] = [
    ['mismatched shapes', () => ntXent(anchors, positives.slice(1)), 'positives'],
    ['a rank-1 anchor', () => ntXent([1, 2, 3], [[1, 2, 3]]), 'anchors'],
    ['NaN in anchors', () => ntXent([[NaN, 1]], [[1, 1]]), 'anchors'],
    ['a string input', () => ntXent('x' as never, positives), 'anchors'],
    ['ragged nested arrays', () => ntXent([[1, 2], [3]], positives), 'anchors'],
    ['a missing input', () => ntXent(anchors, undefined as never), 'positives'],
    ['temperature 0', () => ntXent(anchors, positives, { temperature: 0 }), 'options.temperature'],
    ['an unknown option', () => ntXent(anchors, positives, { tau: 1 } as never), 'options.tau'],
    ['tf.Reduction.SUM_BY_NONZERO_WEIGHTS', () => ntXent(anchors, positives, { reduction: tf.Reduction.SUM_BY_NONZERO_WEIGHTS }), 'options.reduction'],
  ];
  for (const [name, call, argument] of badCalls) {
    it(`rejects ${name} with ContrastiveInputError naming ${argument}, leaking nothing`, () => {
      const before = tf.memory().numTensors;
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ContrastiveInputError);
      expect((caught as ContrastiveInputError).argument).toBe(argument);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('leaves only the loss tensor behind, with or without a gradient tape', () => {
    const [a, p] = [tf.tensor2d(anchors), tf.tensor2d(positives)];
    const before = tf.memory().numTensors;
    const loss = ntXent(a, p);
    expect(tf.memory().numTensors).toBe(before + 1);
    loss.dispose();
    const variable = tf.variable(a);
    const { value, grads } = tf.variableGrads(() => ntXent(variable, p) as tf.Scalar, [variable]);
    tf.dispose([value, grads, variable]);
    const grad = tf.grad((x: tf.Tensor) => ntXent(x, p))(a);
    grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, p]);
  });
});

describe('learnable scalar inputs (sigLip logTemperature and bias, cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('receive the gradients of core analytic backward on the float64 reference backend', () => {
    const [logTemperature, bias] = [Math.log(10), -10];
    const ours = tf.grads((a: tf.Tensor, p: tf.Tensor, t: tf.Tensor, b: tf.Tensor) => sigLip(a, p, t, b))(
      [tf.tensor2d(anchors), tf.tensor2d(positives), tf.scalar(logTemperature), tf.scalar(bias)],
    );
    const r = createReferenceBackend();
    const { gradients } = computeLossAndGradients(r, coreSigLip, {
      anchors: r.fromArray(anchors.flat(), [4, 6]),
      positives: r.fromArray(positives.flat(), [4, 6]),
      logTemperature: r.fromArray([logTemperature], []),
      bias: r.fromArray([bias], []),
    });
    const names = ['anchors', 'positives', 'logTemperature', 'bias'] as const;
    names.forEach((name, i) => expectClose(ours[i]!.dataSync(), r.readSync!(gradients[name]!), 4));
  });

  it('move under optimizer.minimize of tf.variables', () => {
    const t = tf.variable(tf.scalar(Math.log(10)));
    const b = tf.variable(tf.scalar(-10));
    const optimizer = tf.train.sgd(0.1);
    tf.dispose(optimizer.minimize(() => sigLip(anchors, positives, t, b) as tf.Scalar, true, [t, b])!);
    expect(t.dataSync()[0]).not.toBe(Math.fround(Math.log(10)));
    expect(b.dataSync()[0]).not.toBe(-10);
    tf.dispose([t, b]);
    optimizer.dispose();
  });
});

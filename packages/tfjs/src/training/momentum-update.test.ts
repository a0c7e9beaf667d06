import { ContrastiveInputError } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../test-support.js';
import { momentumUpdate } from './momentum-update.js';

function denseModel(units: number): tfl.Sequential {
  return tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [5], units, activation: 'relu' }), tfl.layers.batchNormalization(), tfl.layers.dense({ units: 3 })],
  });
}

describe('momentumUpdate (tfjs cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('sets target = m * target + (1 - m) * source on tf.Variables (values exact in float32)', () => {
    const target = [tf.variable(tf.tensor1d([1, 2, 3])), tf.variable(tf.tensor2d([[-4, 8]]))];
    const source = [tf.variable(tf.tensor1d([5, 6, 7])), tf.variable(tf.tensor2d([[4, 0]]))];
    const before = tf.memory().numTensors;
    momentumUpdate(target, source, 0.75);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(target[0]!.dataSync())).toEqual([2, 3, 4]); // 0.75 * 1 + 0.25 * 5, ...
    expect(Array.from(target[1]!.dataSync())).toEqual([-2, 6]);
    expect(Array.from(source[0]!.dataSync())).toEqual([5, 6, 7]);
    momentumUpdate(target, source, 1);
    expect(Array.from(target[0]!.dataSync())).toEqual([2, 3, 4]);
    momentumUpdate(target, source, 0);
    expect(Array.from(target[1]!.dataSync())).toEqual([4, 0]);
    tf.dispose([...target, ...source]);
  });

  it('averages the trainable weights of two tf.LayersModels and leaves batch-norm statistics alone', () => {
    const [target, source] = [denseModel(4), denseModel(4)];
    const read = (model: tfl.Sequential) => model.weights.map((weight) => Array.from(weight.read().dataSync()));
    const [t0, s0] = [read(target), read(source)];
    const trainable = target.weights.map((weight) => weight.trainable);
    expect(trainable.filter((value) => !value).length).toBe(2); // moving mean and variance
    const before = tf.memory().numTensors;
    momentumUpdate(target, source, 0.9);
    expect(tf.memory().numTensors).toBe(before);
    read(target).forEach((values, w) => {
      values.forEach((value, i) => {
        const expected = trainable[w] ? 0.9 * t0[w]![i]! + 0.1 * s0[w]![i]! : t0[w]![i]!;
        expect(Math.abs(value - expected), `weight ${w}[${i}]`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
      });
    });
    expect(read(source)).toEqual(s0);
    target.dispose();
    source.dispose();
  });

  it('rejects a momentum outside [0, 1] and another architecture, changing nothing', () => {
    const [target, wider] = [denseModel(4), denseModel(6)];
    const weights = target.getWeights().map((w) => Array.from(w.dataSync()));
    const errorOf = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        return error as ContrastiveInputError;
      }
      throw new Error('did not throw');
    };
    for (const momentum of [-0.1, 1.5, Number.NaN]) {
      expect(errorOf(() => momentumUpdate(target, target, momentum))).toMatchObject({ name: 'ContrastiveInputError', argument: 'momentum' });
    }
    expect(errorOf(() => momentumUpdate(target, wider, 0.5))).toMatchObject({ argument: 'source weight 0' });
    expect(errorOf(() => momentumUpdate(target, [], 0.5))).toMatchObject({ argument: 'source' });
    const notVariable = tf.ones([2]);
    expect(errorOf(() => momentumUpdate([notVariable as tf.Variable], [], 0.5))).toMatchObject({ argument: 'target[0]' });
    notVariable.dispose();
    expect(target.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    target.dispose();
    wider.dispose();
  });
});

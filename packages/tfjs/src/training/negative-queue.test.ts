import { ContrastiveInputError, createNegativeQueue } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { infoNce } from '../losses.js';
import { createTfjsBackend } from '../tfjs-backend.js';
import { randomMatrix, useBackend } from '../test-support.js';
import { momentumUpdate } from './momentum-update.js';

describe('createNegativeQueue on tfjs cpu', () => {
  beforeAll(() => useBackend('cpu'));

  it('holds the newest keys first, copies them, and leaks no tensor', () => {
    const backend = createTfjsBackend(tf);
    const before = tf.memory().numTensors;
    const queue = createNegativeQueue(backend, { capacity: 3, dimension: 2, labelled: true });
    const batches: [number[][], number[]][] = [
      [[[1, 1], [2, 2]], [1, 2]],
      [[[3, 3], [4, 4]], [3, 4]],
    ];
    for (const [keys, labels] of batches) {
      const [k, l] = [tf.tensor2d(keys), tf.tensor1d(labels, 'int32')];
      queue.enqueue(k, l);
      tf.dispose([k, l]);
    }
    expect(queue.size).toBe(3);
    expect(Array.from(queue.negatives().dataSync())).toEqual([3, 3, 4, 4, 1, 1]);
    expect(Array.from(queue.labels().dataSync())).toEqual([3, 4, 1]);
    expect(tf.memory().numTensors).toBe(before + 2);
    const [wrongKeys, oneLabel] = [tf.zeros([1, 3]), tf.zeros([1])];
    expect(() => queue.enqueue(wrongKeys, oneLabel)).toThrow(ContrastiveInputError);
    tf.dispose([wrongKeys, oneLabel]);
    queue.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains a MoCo loop: InfoNCE against the queue, momentum key encoder, no leaked tensor per step', () => {
    const backend = createTfjsBackend(tf);
    const weights = (seed: number) => tf.variable(tf.tensor2d(randomMatrix(6, 4, seed)));
    const query = [weights(1)];
    const key = [tf.variable(tf.zeros([6, 4]), false)]; // never trained by the optimizer
    momentumUpdate(key, query, 0); // momentum 0: starts as a copy of the query encoder
    expect(Array.from(key[0]!.dataSync())).toEqual(Array.from(query[0]!.dataSync()));
    const encode = (w: tf.Variable, x: tf.Tensor) => tf.tanh(tf.matMul(x as tf.Tensor2D, w));
    const queue = createNegativeQueue(backend, { capacity: 16, dimension: 4 });
    const optimizer = tf.train.sgd(0.2);
    const losses: number[] = [];
    let liveAfterFirst = 0;
    for (let step = 0; step < 12; step++) {
      const samples = tf.tensor2d(randomMatrix(4, 6, 100 + step));
      const [viewQ, viewK] = [tf.add(samples, 0.05), tf.sub(samples, 0.05)];
      const keys = tf.tidy(() => encode(key[0]!, viewK));
      if (queue.size === 0) queue.enqueue(tf.tidy(() => encode(key[0]!, tf.tensor2d(randomMatrix(8, 6, 99)))));
      const cost = optimizer.minimize(() => infoNce(encode(query[0]!, viewQ), keys, queue.negatives(), { temperature: 0.2 }) as tf.Scalar, true, query)!;
      losses.push(cost.dataSync()[0]!);
      queue.enqueue(keys); // after the step, outside tf.tidy
      momentumUpdate(key, query, 0.9);
      tf.dispose([cost, samples, viewQ, viewK, keys]);
      if (step === 1) liveAfterFirst = tf.memory().numTensors;
      if (step > 1) expect(tf.memory().numTensors).toBe(liveAfterFirst);
    }
    expect(queue.size).toBe(16);
    expect(losses.every(Number.isFinite)).toBe(true);
    queue.dispose();
    tf.dispose([...query, ...key]);
    optimizer.dispose();
  });
});

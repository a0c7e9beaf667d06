import { ntXent } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { createWebglBackend } from './webgl-backend.js';

/** Deterministic values in [-1, 1) from a linear congruential generator. */
function randomMatrix(rows: number, columns: number, seed: number): number[][] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
  return Array.from({ length: rows }, () => Array.from({ length: columns }, next));
}

describe('ntXent on WebGL in Chromium', () => {
  it('runs on the webgl backend in float32 and trains a small encoder', async () => {
    const backend = await createWebglBackend();
    expect(tf.getBackend()).toBe('webgl');
    expect(backend.capabilities.precision).toBe('float32');
    const samples = randomMatrix(8, 6, 5);
    const noise = randomMatrix(16, 6, 6);
    const first = tf.tensor2d(samples.map((row, i) => row.map((v, k) => v + 0.3 * noise[i]![k]!)));
    const second = tf.tensor2d(samples.map((row, i) => row.map((v, k) => v + 0.3 * noise[8 + i]![k]!)));
    const initial = tf.tensor2d(randomMatrix(6, 4, 7));
    const weights = tf.variable(initial);
    const before = tf.memory().numTensors;
    const optimizer = tf.train.sgd(0.5);
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      const loss = optimizer.minimize(
        () => ntXent(tf.tanh(tf.matMul(first, weights)), tf.tanh(tf.matMul(second, weights)), { temperature: 0.5 }) as tf.Scalar,
        true,
      )!;
      losses.push((await loss.data())[0]!);
      loss.dispose();
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[14]!).toBeLessThan(losses[0]! - 0.05);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([first, second, initial, weights]);
  });
});

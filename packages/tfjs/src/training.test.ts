import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { ntXent } from './losses.js';
import { randomMatrix, useBackend } from './test-support.js';

/** Two noisy views of 8 random samples: a linear encoder must map views of one sample close together. */
function views(seed: number): { first: tf.Tensor2D; second: tf.Tensor2D } {
  const samples = randomMatrix(8, 6, seed);
  const noise = randomMatrix(16, 6, seed + 1);
  const jitter = (offset: number) => samples.map((row, i) => row.map((v, k) => v + 0.3 * noise[offset + i]![k]!));
  return { first: tf.tensor2d(jitter(0)), second: tf.tensor2d(jitter(8)) };
}

/** A one-layer encoder `tanh(x W)` trained by SGD on NT-Xent; returns the losses of every step. */
function train(steps: number, seed: number): { losses: number[]; liveTensors: number[]; weights: tf.Variable } {
  const { first, second } = views(seed);
  const initial = tf.tensor2d(randomMatrix(6, 4, seed + 2));
  const weights = tf.variable(initial);
  initial.dispose();
  const optimizer = tf.train.sgd(0.5);
  const losses: number[] = [];
  const liveTensors: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = optimizer.minimize(
      () => ntXent(tf.tanh(tf.matMul(first, weights)), tf.tanh(tf.matMul(second, weights)), { temperature: 0.5 }) as tf.Scalar,
      true,
    )!;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
    liveTensors.push(tf.memory().numTensors);
  }
  optimizer.dispose();
  tf.dispose([first, second]);
  return { losses, liveTensors, weights };
}

describe('training with ntXent', () => {
  it('lowers the loss of a small encoder on tfjs wasm in Node', async () => {
    await useBackend('wasm');
    const { losses, weights } = train(30, 21);
    weights.dispose();
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! - 0.05);
  });

  it('runs 1,000 optimizer steps without leaking a tensor (tfjs cpu)', async () => {
    await useBackend('cpu');
    const before = tf.memory().numTensors;
    const { losses, liveTensors, weights } = train(1000, 31);
    weights.dispose();
    expect(new Set(liveTensors)).toEqual(new Set([liveTensors[0]]));
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[999]!).toBeLessThan(losses[0]!);
  }, 120_000);
});

// The training snippet of README.md, type-checked and run in Chromium (keep the two in sync; the README imports
// '@contrastive/tfjs-webgl' where this file imports './index.js').
import { ntXent } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { expect, it } from 'vitest';
import { createWebglBackend } from './index.js';

it('runs the README training snippet on WebGL', async () => {
  const backend = await createWebglBackend(); // throws if WebGL is not what tfjs runs on
  console.log(backend.capabilities.precision); // 'float32' or 'float16'

  const weights = tf.variable(tf.randomNormal([32, 16], 0, 0.1));
  const optimizer = tf.train.sgd(0.5);
  const first = tf.randomNormal([8, 32]);
  const second = tf.add(first, tf.randomNormal([8, 32], 0, 0.1));
  const losses: number[] = [];
  for (let step = 0; step < 10; step++) {
    const loss = optimizer.minimize(
      () => ntXent(tf.matMul(first, weights), tf.matMul(second, weights), { temperature: 0.07 }) as tf.Scalar,
      true,
    )!;
    losses.push((await loss.data())[0]!);
    loss.dispose();
  }
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses[9]!).toBeLessThan(losses[0]!);
});

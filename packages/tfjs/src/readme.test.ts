// The training snippet of README.md, in-process (keep the two in sync; the README imports '@contrastive/tfjs'
// where this file imports './index.js'). src/readme-snippets.test.ts runs the README's own text in a child node.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect, it } from 'vitest';
import { ntXent } from './index.js';

it('runs the README training snippet', async () => {
  await tf.setBackend('wasm');
  if (tf.getBackend() !== 'wasm') throw new Error('the wasm backend did not start');

  const weights = tf.variable(tf.randomNormal([32, 16], 0, 0.1, 'float32', 1));
  const optimizer = tf.train.adam(1e-2);
  const samples = tf.randomNormal([16, 32], 0, 1, 'float32', 2);
  const noise = tf.randomNormal([16, 32], 0, 0.1, 'float32', 3);
  const views = tf.concat([samples, tf.add(samples, noise)]); // [view 1; view 2]
  const losses: number[] = [];
  for (let step = 0; step < 10; step++) {
    const loss = optimizer.minimize(() => {
      const [anchors, positives] = tf.split(tf.matMul(views, weights), 2);
      return ntXent(anchors!, positives!, { temperature: 0.1 }) as tf.Scalar;
    }, true)!;
    losses.push((await loss.data())[0]!);
    loss.dispose();
  }
  expect(losses[9]!).toBeLessThan(losses[0]!);
  tf.dispose([weights, samples, noise, views]);
  optimizer.dispose();
});

// The training snippet of README.md, type-checked, and run where tfjs-node-gpu's binding loads (keep in sync).
import { ntXent } from '@contrastive/tfjs';
import type { Scalar } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createNodeGpuBackend, loadTfjsNodeGpu } from './index.js';

const probe = await loadTfjsNodeGpu();

it.skipIf(!probe.available)(`runs the README training snippet${probe.available ? '' : ` (skipped: ${probe.reason})`}`, async () => {
  const status = await loadTfjsNodeGpu();
  if (!status.available) throw new Error(status.reason); // e.g. the native binding is missing
  await createNodeGpuBackend(); // selects the 'tensorflow' backend, or throws TfjsBackendError
  const tf = status.tf;

  const weights = tf.variable(tf.randomNormal([32, 16], 0, 0.1));
  const optimizer = tf.train.adam(1e-2);
  const first = tf.randomNormal([64, 32]);
  const second = tf.add(first, tf.randomNormal([64, 32], 0, 0.1));
  const losses: number[] = [];
  for (let step = 0; step < 10; step++) {
    const loss = optimizer.minimize(
      () => ntXent(tf.matMul(first, weights), tf.matMul(second, weights), { temperature: 0.1 }) as Scalar,
      true,
    )!;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  expect(losses[9]!).toBeLessThan(losses[0]!);
});

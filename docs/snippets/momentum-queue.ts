// MoCo on tfjs: a query encoder trained by the optimizer, a momentum (EMA) key encoder, and a queue of past keys
// used as InfoNCE's negatives.
import { createNegativeQueue } from '@contrastive/core';
import { createTfjsBackend, infoNce, momentumUpdate, selectTfjsBackend } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs';

await selectTfjsBackend(tf, 'cpu');

const queryWeights = [tf.variable(tf.randomNormal([32, 16], 0, 0.2))];
const keyWeights = [tf.variable(tf.zeros([32, 16]), false)]; // not trained by the optimizer
momentumUpdate(keyWeights, queryWeights, 0); // momentum 0 copies: both encoders start equal
const encode = (weights: tf.Variable[], x: tf.Tensor) => tf.matMul(x, weights[0]!);

const queue = createNegativeQueue(createTfjsBackend(tf), { capacity: 256, dimension: 16 });
const optimizer = tf.train.sgd(0.1);

for (let step = 0; step < 6; step++) {
  const samples = tf.randomNormal([64, 32]);
  const [viewQ, viewK] = [tf.add(samples, tf.randomNormal([64, 32], 0, 0.1)), tf.add(samples, tf.randomNormal([64, 32], 0, 0.1))];
  const keys = tf.tidy(() => encode(keyWeights, viewK)); // no gradient reaches the key encoder
  if (queue.size === 0) queue.enqueue(keys); // an empty queue has no negatives yet
  const loss = optimizer.minimize(
    () => infoNce(encode(queryWeights, viewQ), keys, queue.negatives(), { temperature: 0.2 }) as tf.Scalar,
    true,
    queryWeights,
  )!;
  console.log('step', step, 'loss', (await loss.data())[0], 'queue', queue.size);
  queue.enqueue(keys); // outside tf.tidy / minimize: the queue keeps its own copy
  momentumUpdate(keyWeights, queryWeights, 0.99);
  tf.dispose([loss, samples, viewQ, viewK, keys]);
}
queue.dispose();
tf.dispose([...queryWeights, ...keyWeights]);

// One training step of the live demo: two augmented views, one encoder, NT-Xent, Adam.
import { ntXent } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients'; // tfjs-core alone registers no gradients

declare function encode(x: tf.Tensor2D): tf.Tensor2D; // relu(x W1 + b1) W2 + b2 over tf.variable weights
declare const views: tf.Tensor2D; // [2 * batchSize, 64]: first views, then second views

const optimizer = tf.train.adam(0.01);
const cost = optimizer.minimize(() => {
  const [first, second] = tf.split(encode(views), 2, 0) as [tf.Tensor2D, tf.Tensor2D];
  return ntXent(first, second, { temperature: 0.2 }) as tf.Scalar;
}, true);
console.log('loss', (await cost!.data())[0]);

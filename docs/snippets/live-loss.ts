// A loss and its gradient on the WebGL backend, with the backend that really ran.
import { ntXent, selectTfjsBackend } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';

await selectTfjsBackend(tf, 'webgl'); // throws TfjsBackendError instead of falling back silently
const anchors = tf.randomNormal([64, 32]);
const positives = tf.add(anchors, tf.randomNormal([64, 32]));
const { value, grads } = tf.valueAndGrads((a: tf.Tensor, p: tf.Tensor) => ntXent(a, p, { temperature: 0.1 }))([anchors, positives]);
console.log(tf.getBackend(), await value.data(), tf.norm(grads[0]!).dataSync());

// A batch of 2 x 512 rows trained with the cached-gradient step, sub-batches of 64 rows, on tfjs cpu in Node;
// then the peak memory of one plain and one cached gradient computation, measured by tf.profile.
import { cachedGradients, cachedGradientStep, ntXent, selectTfjsBackend } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs'; // tfjs-core's API with every gradient registered

await selectTfjsBackend(tf, 'cpu');

// The encoder: relu(x W1) W2, 64 -> 2048 -> 64. Its [rows, 2048] activations are what a big batch cannot hold.
const w1 = tf.variable(tf.randomNormal([64, 2048], 0, 0.1));
const w2 = tf.variable(tf.randomNormal([2048, 64], 0, 0.03));
const encoder = (x: tf.Tensor) => tf.matMul(tf.relu(tf.matMul(x, w1)), w2);

const samples = tf.randomNormal([512, 64]);
const views = [tf.add(samples, tf.randomNormal([512, 64], 0, 0.1)), tf.add(samples, tf.randomNormal([512, 64], 0, 0.1))];
const options = {
  inputs: views,
  encoders: encoder, // one encoder for both views; pass [imageEncoder, textEncoder] for two towers
  loss: ([anchors, positives]: readonly tf.Tensor[]) => ntXent(anchors!, positives!, { temperature: 0.1 }),
  subBatchSize: 64,
  variables: [w1, w2],
};

const optimizer = tf.train.adam(1e-3);
for (let step = 0; step < 2; step++) {
  const loss = cachedGradientStep(optimizer, options); // the same update as optimizer.minimize on all 1024 rows
  console.log('step', step, 'loss', (await loss.data())[0]);
  loss.dispose();
}

// Peak bytes above what was allocated before (weights, inputs, optimizer state).
const before = tf.memory().numBytes;
const plainPeak = (await tf.profile(() => {
  const { value, grads } = optimizer.computeGradients(() => options.loss(views.map(encoder)) as tf.Scalar, [w1, w2]);
  tf.dispose([value, grads]);
})).peakBytes - before;
const cachedPeak = (await tf.profile(() => {
  const { value, grads } = cachedGradients(options);
  tf.dispose([value, grads]);
})).peakBytes - before;
console.log('peak MB: plain', plainPeak / 1e6, 'cached', cachedPeak / 1e6);
tf.dispose([samples, ...views, w1, w2]);
optimizer.dispose();

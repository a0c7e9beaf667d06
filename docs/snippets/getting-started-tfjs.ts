import { ntXent, selectTfjsBackend } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs'; // tfjs-core's API with every gradient registered (tfjs-core alone has none)
import '@tensorflow/tfjs-backend-wasm';

await selectTfjsBackend(tf, 'wasm'); // throws if wasm is not what tfjs runs on

const encoder = tf.variable(tf.randomNormal([32, 16], 0, 0.1));
const optimizer = tf.train.adam(1e-2);
const samples = tf.randomNormal([64, 32]);
const views = tf.concat([samples, tf.add(samples, tf.randomNormal([64, 32], 0, 0.1))]); // [view 1; view 2]

for (let step = 0; step < 10; step++) {
  const loss = optimizer.minimize(() => {
    const [anchors, positives] = tf.split(tf.matMul(views, encoder), 2);
    return ntXent(anchors!, positives!, { temperature: 0.1 }) as tf.Scalar;
  }, true)!;
  console.log(step, (await loss.data())[0]);
  loss.dispose();
}

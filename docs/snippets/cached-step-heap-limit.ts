// A batch whose plain training step does not fit in tfjs wasm's heap (wasm32: at most 4 GiB, in Node and in
// browsers alike), trained with the cached-gradient step. One kind of step per process, since a wasm heap that ran
// out fails every later call: `node --import tsx cached-step-heap-limit.ts plain` (or `cached`). It takes one step
// on each smaller batch (pairs, default 256,512), then one on the full batch (default 2048 pairs; 0: none), and
// logs each step's loss and peak memory.
import { cachedGradientStep, ntXent, selectTfjsBackend } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs'; // tfjs-core's API with every gradient registered
import '@tensorflow/tfjs-backend-wasm';

const step = process.argv[2] === 'plain' ? 'plain' : 'cached';
const smaller = (process.argv[3] ?? '256,512').split(',').filter(Boolean).map(Number);
const pairs = Number(process.argv[4] ?? 2048);
const sizes = pairs > 0 ? [...smaller, pairs] : smaller;
await selectTfjsBackend(tf, 'wasm');

// The encoder: relu(x W1) W2, 32 -> 65536 -> 32 (a wide layer: big activations for little arithmetic). One
// [rows, 65536] float32 activation takes 256 KiB per row: 512 MiB for one view of 2048 rows.
const w1 = tf.variable(tf.randomNormal([32, 65536], 0, 0.18, 'float32', 1));
const w2 = tf.variable(tf.randomNormal([65536, 32], 0, 0.004, 'float32', 2));
const encoder = (x: tf.Tensor) => tf.matMul(tf.relu(tf.matMul(x, w1)), w2);

const rows = Math.max(...sizes);
const samples = tf.randomNormal([rows, 32], 0, 1, 'float32', 3); // the same batch in every process
const views = [4, 5].map((seed) => tf.add(samples, tf.randomNormal([rows, 32], 0, 0.1, 'float32', seed)));
const loss = ([anchors, positives]: readonly tf.Tensor[]) => ntXent(anchors!, positives!, { temperature: 0.1 }) as tf.Scalar;
const optimizer = tf.train.sgd(1e-4);

/** One training step on `batch` (one tensor per view); returns the loss before the update. */
function trainStep(batch: tf.Tensor[]): tf.Scalar {
  return step === 'plain'
    ? optimizer.minimize(() => loss(batch.map(encoder)), true, [w1, w2])! // keeps every activation of every row
    : cachedGradientStep(optimizer, { inputs: batch, encoders: encoder, loss, subBatchSize: 128, variables: [w1, w2] });
}

for (const [i, size] of sizes.entries()) {
  const batch = views.map((view) => view.slice(0, size));
  const before = tf.memory().numBytes; // weights, inputs
  try {
    // tf.profile: the most bytes tfjs held during the step, above `before`. Where the heap runs out, tf.profile
    // hides wasm's error behind a TypeError of its own, so the plain step's full batch runs without it.
    const profiled = step === 'cached' || i < smaller.length;
    let value: number | undefined;
    const run = async () => {
      const result = trainStep(batch);
      value = (await result.data())[0];
      result.dispose();
    };
    const peakBytes = profiled ? (await tf.profile(run)).peakBytes : (await run(), Number.NaN);
    console.log(step, size, 'pairs: loss', value, 'peak MiB', (peakBytes - before) / 2 ** 20);
  } catch (error) {
    console.log(step, size, 'pairs: failed:', String(error));
    console.log(step, 'process RSS GiB when it failed', process.memoryUsage().rss / 2 ** 30);
    process.exit(1); // the wasm heap is unusable from here on
  }
  tf.dispose(batch);
}

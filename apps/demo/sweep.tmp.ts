import { createReferenceBackend } from '@contrastive/core';
import { loadDigits, splitDigits } from './src/data.js';
import { createEncoder, encoderForward, type Layer } from './src/encoder.js';
import { knnAccuracy } from './src/knn.js';
import { createRandom } from './src/random.js';
import { trainEncoder } from './src/train.js';

const b = createReferenceBackend();
type T = ReturnType<typeof b.fill>;
function embedAll(layers: Layer<T>[], images: Float64Array, count: number) {
  const f = encoderForward(b, layers, b.fromArray(images, [count, 64]));
  const hidden = b.maximum(f.saved.preActivations[0]!, b.fill([], 0));
  return { out: b.readSync!(f.output), hidden: b.readSync!(hidden) };
}
const configs = JSON.parse(process.argv[2]!);
for (const c of configs) {
  const random = createRandom(c.seed ?? 1);
  const { train, test } = splitDigits(loadDigits(), 0.2, random);
  const initial = createEncoder(b, [64, 128, 32], random);
  const t0 = performance.now();
  const r = await trainEncoder(b, initial, train, { loss: c.loss ?? 'nt-xent', epochs: c.epochs, batchSize: c.batch ?? 256, temperature: c.t, learningRate: c.lr, augment: c.aug }, random);
  const acc = (layers: Layer<T>[]) => {
    const tr = embedAll(layers, train.images, train.count), te = embedAll(layers, test.images, test.count);
    return [knnAccuracy({ values: tr.out, labels: train.labels, dimension: 32 }, { values: te.out, labels: test.labels, dimension: 32 }), knnAccuracy({ values: tr.hidden, labels: train.labels, dimension: 128 }, { values: te.hidden, labels: test.labels, dimension: 128 })].map((v) => (100 * v).toFixed(1));
  };
  console.log(JSON.stringify(c), 'loss', r.epochMeans.at(-1)!.toFixed(3), 'learned out/hidden', acc(r.layers).join('/'), 'random', acc(initial).join('/'), ((performance.now() - t0) / 1000).toFixed(1) + 's');
}

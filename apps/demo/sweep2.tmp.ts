import { createReferenceBackend } from '@contrastive/core';
import { augmentImages } from './src/augment.js';
import { loadDigits, splitDigits } from './src/data.js';
import { createEncoder, encoderForward, flattenLayers, unflattenLayers, type Layer } from './src/encoder.js';
import { knnAccuracy } from './src/knn.js';
import { createAdam } from './src/optimizer.js';
import { createRandom, permutation } from './src/random.js';
import { lossAndGradients } from './src/train.js';

const b = createReferenceBackend();
type T = ReturnType<typeof b.fill>;
const c = JSON.parse(process.argv[2]!);
const random = createRandom(c.seed ?? 1);
const { train, test } = splitDigits(loadDigits(), 0.2, random);
const sizes = c.sizes ?? [64, 128, 32];
const initial = createEncoder(b, sizes, random);
function acc(layers: Layer<T>[]) {
  const e = (images: Float64Array, n: number) => b.scope(() => { const f = encoderForward(b, layers, b.fromArray(images, [n, 64])); return [b.readSync!(f.output), b.readSync!(b.maximum(f.saved.preActivations[0]!, b.fill([], 0)))]; });
  const [to, th] = e(train.images, train.count), [eo, eh] = e(test.images, test.count);
  const d = sizes.at(-1), h = sizes[1];
  return [knnAccuracy({ values: to!, labels: train.labels, dimension: d }, { values: eo!, labels: test.labels, dimension: d }), knnAccuracy({ values: th!, labels: train.labels, dimension: h }, { values: eh!, labels: test.labels, dimension: h })].map((v) => (100 * v).toFixed(1)).join('/');
}
console.log('random', acc(initial));
const adam = createAdam(b, {});
let params = flattenLayers(initial);
const bs = c.batch; const steps = Math.floor(train.count / bs);
const aug = c.aug ?? { maxShift: 1, noise: 0.1, dropout: 0.1 };
const settings = { loss: c.loss ?? 'nt-xent', epochs: 1, batchSize: bs, temperature: c.t, learningRate: c.lr };
for (let epoch = 1; epoch <= c.epochs; epoch++) {
  const order = permutation(train.count, random); let total = 0;
  for (let s = 0; s < steps; s++) {
    const batch = new Float64Array(bs * 64);
    for (let i = 0; i < bs; i++) batch.set(train.images.subarray(order[s * bs + i]! * 64, order[s * bs + i]! * 64 + 64), i * 64);
    const views = new Float64Array(2 * bs * 64);
    views.set(augmentImages(batch, bs, 8, 8, random, aug), 0); views.set(augmentImages(batch, bs, 8, 8, random, aug), bs * 64);
    const { loss, gradients } = lossAndGradients(b, unflattenLayers(params), views, bs, settings);
    let gs = gradients;
    if (c.wd) gs = gradients.map((g, i) => b.add(g, b.mul(b.fill([], c.wd), params[i]!)));
    params = adam.step(params, gs, c.lr);
    total += b.readSync!(loss)[0]!;
  }
  if (epoch % (c.every ?? 5) === 0) console.log(epoch, (total / steps).toFixed(3), acc(unflattenLayers(params)));
}

/**
 * Gradient accuracy of NT-Xent on onnxruntime-node when the positive dominates (a measurement, not a test):
 * views that agree closely, so the loss is tiny and `softmax - 1` of the positive cancels in float32. Prints
 * max |g - g_ref| / max |g_ref| against core's reference backend in float64 (the composed kernel: the reference
 * backend has no fused override, so it shares no code path with the fused kernel under test).
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/dominant-positive-gradient.ts [n=1024] [d=128] [temperature=0.026] [noise=0.01] [views=2]
 *
 * With views > 2, SimCLR's n-view InfoNCE on `views` jittered copies of n samples (several positives per row).
 */
import { ntXent, simclrInfoNce, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { gaussians, referenceLossAndGradients } from '../src/loss-samples.test-support.js';
import { createOnnxLossRunner } from '../src/onnx-loss-runner.js';

const [n, d, temperature, noise] = [Number(process.argv[2] ?? 1024), Number(process.argv[3] ?? 128), Number(process.argv[4] ?? 0.026), Number(process.argv[5] ?? 0.01)];
const anchors = gaussians(n * d, 1);
const positives = anchors.map((v, i) => Math.fround(v + noise * gaussians(1, i + 7)[0]!));
const views = Number(process.argv[6] ?? 2);
const jittered = (view: number) => { const noiseValues = gaussians(n * d, 100 + view, noise); return anchors.map((v, i) => Math.fround(v + noiseValues[i]!)); };
const inputs: Record<string, { values: number[]; shape: number[] }> = views === 2
  ? { anchors: { values: anchors, shape: [n, d] }, positives: { values: positives, shape: [n, d] } }
  : { embeddings: { values: [anchors, ...Array.from({ length: views - 1 }, (_, v) => jittered(v + 1))].flat(), shape: [views * n, d] } };
const loss = (views === 2 ? ntXent : simclrInfoNce) as unknown as LossDefinition<string, object>;
const options = views === 2 ? { temperature } : { temperature, views };

const runner = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['cpu'] } });
const actual = await runner.run(loss, inputs, options);
const expected = referenceLossAndGradients(loss, inputs, options);
console.log(`n=${n} d=${d} views=${views} T=${temperature} noise=${noise} loss ${actual.loss[0]} vs ${expected.loss[0]} (rel ${Math.abs(actual.loss[0]! - expected.loss[0]!) / expected.loss[0]!})`);
for (const name of Object.keys(inputs)) {
  const g = actual.gradients[name]!;
  const r = expected.gradients[name]!;
  let maxRef = 0;
  let maxErr = 0;
  r.forEach((v, i) => { maxRef = Math.max(maxRef, Math.abs(v)); maxErr = Math.max(maxErr, Math.abs(g[i]! - v)); });
  console.log(`  ${name}: max|g_ref| ${maxRef.toExponential(3)}, max|g - g_ref| / max|g_ref| ${(maxErr / maxRef).toExponential(3)}`);
}
await runner.release();

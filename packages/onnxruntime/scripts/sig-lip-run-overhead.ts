/**
 * Where SigLIP's session.run time goes beyond the graph's kernels (a measurement, not a test): the traced loss
 * against a graph with the same feeds and outputs that does almost nothing (each output one Mul by 1 of a feed),
 * alternating in one process with the bench's session options (2 threads, CPU arena on). The second's run time is
 * the per-run cost of feeds, outputs and the run itself; ORT's profiler (`model_run`) gives the kernels' part.
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/sig-lip-run-overhead.ts [n=4096] [d=128] [runs=9] [scale=10]
 */
import { sigLip, type LossDefinition } from '@contrastive/core';
import { loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { traceLoss } from '../src/export-onnx.js';
import { gaussians } from '../src/loss-samples.test-support.js';
import { buildModel } from '../src/model-builder.js';
import { encodeModel } from '../src/onnx-schema.js';
import { createTracingBackend } from '../src/tracing-backend.js';

const [n, d, runs, scale] = [Number(process.argv[2] ?? 4096), Number(process.argv[3] ?? 128), Number(process.argv[4] ?? 9), Number(process.argv[5] ?? 10)];
const shapes = { anchors: [n, d], positives: [n, d], logTemperature: [], bias: [] };
const loss = sigLip as unknown as LossDefinition<string, object>;
const traced = traceLoss(loss, loss.resolveOptions({}), shapes);

const b = createTracingBackend({ name: 'onnxruntime' });
const inputs = Object.entries(shapes).map(([name, shape]) => b.placeholder(name, shape));
const [a, p, t, bias] = inputs as [ReturnType<typeof b.placeholder>, ReturnType<typeof b.placeholder>, ReturnType<typeof b.placeholder>, ReturnType<typeof b.placeholder>];
const one = b.fill([], 1);
const outputs = [
  { name: 'loss', tensor: b.mul(t, one) }, { name: 'grad_anchors', tensor: b.mul(a, one) }, { name: 'grad_positives', tensor: b.mul(p, one) },
  { name: 'grad_logTemperature', tensor: b.mul(t, one) }, { name: 'grad_bias', tensor: b.mul(bias, one) },
];
const trivial = buildModel({ outputs, inputs, dataAs: 'initializer' });

const sessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' as const };
const sessions = {
  loss: await ort.InferenceSession.create(encodeModel(traced.model), sessionOptions),
  io: await ort.InferenceSession.create(encodeModel(trivial.model), sessionOptions),
};
const feeds = {
  anchors: new ort.Tensor('float32', Float32Array.from(gaussians(n * d, 1)), [n, d]),
  positives: new ort.Tensor('float32', Float32Array.from(gaussians(n * d, 2)), [n, d]),
  logTemperature: new ort.Tensor('float32', Float32Array.of(Math.log(scale)), []),
  bias: new ort.Tensor('float32', Float32Array.of(-10), []),
};
const times: Record<string, number[]> = { loss: [], io: [] };
for (const session of Object.values(sessions)) for (let i = 0; i < 2; i++) await session.run(feeds);
const loadBefore = loadavg()[0]!;
for (let run = 0; run < runs; run++) {
  for (const [name, session] of Object.entries(sessions)) {
    const start = performance.now();
    await session.run(feeds);
    times[name]!.push(performance.now() - start);
  }
}
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
console.log(`N=${n} D=${d} t=${scale}, 2 threads, arena on, load ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after; ${runs} alternating runs`);
for (const [name, values] of Object.entries(times)) console.log(`${name}: median ${median(values).toFixed(2)} ms (${values.map((v) => v.toFixed(1)).join(', ')})`);
for (const session of Object.values(sessions)) await session.release();

/**
 * DCL and SupCon forward + backward on onnxruntime-node, fused paths against the composed kernel and NT-Xent, side
 * by side in one process (a measurement, not a test; runs alternate, medians reported). The composed DCL runs with
 * `normalize: false` on rows normalised beforehand (the same math), the composed SupCon with `maxBlockBytes` below
 * its [n, n] matrix (the run-time group path then does not apply).
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/loss-path-timing.ts [n=4096] [d=128] [runs=5] [temperature=default|0.01] [cases=all]
 */
import { dcl, losses, ntXent, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { gaussians } from '../src/loss-samples.test-support.js';
import { createOnnxLossRunner, type HostTensor } from '../src/onnx-loss-runner.js';

const [n, d, runs] = [Number(process.argv[2] ?? 4096), Number(process.argv[3] ?? 128), Number(process.argv[4] ?? 5)];
const low = process.argv[5] === '0.01';
const only = process.argv[6]?.split(',');
const sessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' };
const fused = createOnnxLossRunner({ ort, sessionOptions });
const composed = createOnnxLossRunner({ ort, sessionOptions, maxBlockBytes: 2 ** 20 });
const unit = (values: number[]) => {
  for (let row = 0; row < values.length / d; row++) {
    const norm = Math.hypot(...values.slice(row * d, (row + 1) * d));
    for (let t = 0; t < d; t++) values[row * d + t]! /= norm;
  }
  return Float32Array.from(values);
};
const pair = { anchors: { values: unit(gaussians(n * d, 1)), shape: [n, d] }, positives: { values: unit(gaussians(n * d, 2)), shape: [n, d] } };
const labels = { values: Float32Array.from({ length: n }, (_, i) => (i * 7919) % Math.max(1, n / 8)), shape: [n] };
const embeddings = { values: unit(gaussians(2 * n * d, 3)), shape: [2 * n, d] };
type Case = [string, ReturnType<typeof createOnnxLossRunner>, LossDefinition<string, object>, Record<string, HostTensor>, object];
const as = (loss: unknown) => loss as LossDefinition<string, object>;
const t = (fallback: number) => (low ? 0.01 : fallback);
const cases: Case[] = ([
  ['nt-xent', fused, as(ntXent), pair, { temperature: t(0.5) }],
  ['dcl fused', fused, as(dcl), pair, { temperature: t(0.1) }],
  ['dcl composed', fused, as(dcl), pair, { temperature: t(0.1), normalize: false }],
  ['sup-con fused', fused, as(losses.supCon), { embeddings, labels }, { temperature: t(0.07), views: 2 }],
  ['sup-con composed', composed, as(losses.supCon), { embeddings, labels }, { temperature: t(0.07), views: 2 }],
] as Case[]).filter(([name]) => !only || only.some((o) => name.startsWith(o)));
const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (const [, runner, loss, inputs, options] of cases) await runner.run(loss, inputs, options);
for (let run = 0; run < runs; run++) {
  for (const [name, runner, loss, inputs, options] of cases) {
    const start = performance.now();
    await runner.run(loss, inputs, options);
    times.get(name)!.push(performance.now() - start);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const reference = median(times.get(cases[0]![0])!);
for (const [name, values] of times) {
  console.log(`${name} N=${n} D=${d} ${low ? 'T=0.01' : 'default T'}: median ${median(values).toFixed(1)} ms (${values.map((v) => v.toFixed(0)).join(', ')}), ratio to ${cases[0]![0]}: ${(median(values) / reference).toFixed(2)}`);
}
await Promise.all([fused.release(), composed.release()]);

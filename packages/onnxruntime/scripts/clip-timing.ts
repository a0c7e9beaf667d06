/**
 * CLIP forward + backward on onnxruntime-node, the fused cross-view kernel against the composed one (the same
 * runner with `maxBlockBytes` just under one [N, N] float32 matrix), side by side in one process (a measurement, not
 * a test). Runs alternate, medians reported, at each logit scale 1 / T.
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/clip-timing.ts [n=4096] [d=128] [runs=5] [temperatures=0.07,0.01]
 */
import { clip } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { gaussians } from '../src/loss-samples.test-support.js';
import { createOnnxLossRunner } from '../src/onnx-loss-runner.js';

const [n, d, runs] = [Number(process.argv[2] ?? 4096), Number(process.argv[3] ?? 128), Number(process.argv[4] ?? 5)];
const temperatures = (process.argv[5] ?? '0.07,0.01').split(',').map(Number);
const views = { anchors: { values: Float32Array.from(gaussians(n * d, 1)), shape: [n, d] }, positives: { values: Float32Array.from(gaussians(n * d, 2)), shape: [n, d] } };
const sessionOptions = { executionProviders: ['cpu'] };
const runners = {
  fused: createOnnxLossRunner({ ort, sessionOptions }),
  composed: createOnnxLossRunner({ ort, sessionOptions, maxBlockBytes: 4 * n * n - 1 }),
};
const cells = temperatures.flatMap((temperature) => (['fused', 'composed'] as const).map((kernel) => ({ temperature, kernel, times: [] as number[] })));
const run = (cell: (typeof cells)[number]) => runners[cell.kernel].run(clip, { ...views, logitScale: { values: [1 / cell.temperature], shape: [] } });
for (const cell of cells) await run(cell); // sessions and first runs
for (let i = 0; i < runs; i++) {
  for (const cell of cells) {
    const start = performance.now();
    await run(cell);
    cell.times.push(performance.now() - start);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
for (const cell of cells) {
  const composed = cells.find((c) => c.temperature === cell.temperature && c.kernel === 'composed')!;
  console.log(`CLIP N=${n} D=${d} T=${cell.temperature} ${cell.kernel}: median ${median(cell.times).toFixed(1)} ms (${cell.times.map((v) => v.toFixed(0)).join(', ')}), ratio to composed ${(median(cell.times) / median(composed.times)).toFixed(2)}`);
}
await Promise.all(Object.values(runners).map((runner) => runner.release()));

/**
 * NT-Xent forward + backward on onnxruntime-node at two temperatures, side by side in one process (a measurement,
 * not a test): the constant shift (T >= 1/40) against the row shift (T < 1/40). Runs alternate, medians reported.
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/temperature-timing.ts [n=4096] [d=128] [runs=5] [temperatures=0.5,0.01]
 */
import { ntXent } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { gaussians } from '../src/loss-samples.test-support.js';
import { createOnnxLossRunner } from '../src/onnx-loss-runner.js';

const [n, d, runs] = [Number(process.argv[2] ?? 4096), Number(process.argv[3] ?? 128), Number(process.argv[4] ?? 5)];
const temperatures = (process.argv[5] ?? '0.5,0.01').split(',').map(Number);
const inputs = { anchors: { values: Float32Array.from(gaussians(n * d, 1)), shape: [n, d] }, positives: { values: Float32Array.from(gaussians(n * d, 2)), shape: [n, d] } };
const runner = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['cpu'] } });
const times = new Map<number, number[]>(temperatures.map((t) => [t, []]));
for (const temperature of temperatures) await runner.run(ntXent, inputs, { temperature }); // sessions and first runs
for (let run = 0; run < runs; run++) {
  for (const temperature of temperatures) {
    const start = performance.now();
    await runner.run(ntXent, inputs, { temperature });
    times.get(temperature)!.push(performance.now() - start);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const [first] = temperatures;
for (const [temperature, values] of times) {
  console.log(`N=${n} D=${d} T=${temperature}: median ${median(values).toFixed(1)} ms (${values.map((v) => v.toFixed(0)).join(', ')}), ratio to T=${first}: ${(median(values) / median(times.get(first!)!)).toFixed(2)}`);
}
await runner.release();

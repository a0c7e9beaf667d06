/**
 * SigLIP forward + backward on onnxruntime-node, the fused `sigmoidPairwise` kernel against core's composed one,
 * side by side in one process (a measurement, not a test). Runs alternate, medians reported.
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/sig-lip-timing.ts [n=4096] [d=128] [runs=5] [scales=10,100]
 */
import { sigLip, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { gaussians } from '../src/loss-samples.test-support.js';
import { createOnnxLossRunner } from '../src/onnx-loss-runner.js';

const [n, d, runs] = [Number(process.argv[2] ?? 4096), Number(process.argv[3] ?? 128), Number(process.argv[4] ?? 5)];
const scales = (process.argv[5] ?? '10,100').split(',').map(Number);
/** SigLIP traced on a view of the backend without its fused kernels: the composed kernel. */
const composed: typeof sigLip = {
  ...sigLip,
  name: 'sig-lip-composed',
  forward: (b, inputs, options) => sigLip.forward({ ...b, fused: {} }, inputs, options),
  backward: (b, saved, upstream, options) => sigLip.backward({ ...b, fused: {} }, saved, upstream, options),
};
const matrix = (seed: number) => ({ values: Float32Array.from(gaussians(n * d, seed)), shape: [n, d] });
const scalar = (value: number) => ({ values: Float32Array.of(value), shape: [] });
const runner = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' } });
const kernels: [string, LossDefinition<string, object>][] = [['fused', sigLip as never], ['composed', composed as never]];
const cells = scales.flatMap((scale) => kernels.map(([name, loss]) => ({ name: `${name} t=${scale}`, loss, scale })));
const inputsOf = (scale: number) => ({ anchors: matrix(1), positives: matrix(2), logTemperature: scalar(Math.log(scale)), bias: scalar(-10) });
const times = new Map<string, number[]>(cells.map((cell) => [cell.name, []]));
for (const cell of cells) await runner.run(cell.loss, inputsOf(cell.scale)); // sessions and first runs
for (let run = 0; run < runs; run++) {
  for (const cell of cells) {
    const inputs = inputsOf(cell.scale);
    const start = performance.now();
    await runner.run(cell.loss, inputs);
    times.get(cell.name)!.push(performance.now() - start);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
for (const [name, values] of times) console.log(`N=${n} D=${d} ${name}: median ${median(values).toFixed(1)} ms (${values.map((v) => v.toFixed(0)).join(', ')})`);
await runner.release();

/**
 * SigLIP forward + backward on onnxruntime-node, kernels side by side in one process (a measurement, not a test):
 * `fused` (this package's `sigmoidPairwise`), `softplus` (the previous fused passes, ORT's Softplus over the whole
 * matrix, kept here only to compare against) and `composed` (core's composed kernel). Runs alternate, medians
 * reported, with the largest relative difference of each kernel's loss and gradients from the first kernel's.
 * `arena=on` (default) runs the sessions as `pnpm bench` does, with ONNX Runtime's CPU arena (the runner's default
 * is off: then every fresh buffer is faulted in again on each run); sessions are never evicted, two warm-up runs.
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/sig-lip-timing.ts [n=4096] [d=128] [runs=5] [scales=10,100] [kernels=fused,softplus] [threads=2] [arena=on]
 */
import { fusedSigmoidPairwise, sigLip, type LossDefinition, type SigmoidPairwise, type TensorBackend } from '@contrastive/core';
import { cpus, loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { gaussians } from '../src/loss-samples.test-support.js';
import { createOnnxLossRunner } from '../src/onnx-loss-runner.js';
import { int64Operand, OnnxTensor, type AttributeValue, type Int64Operand } from '../src/onnx-tensor.js';

const [n, d, runs] = [Number(process.argv[2] ?? 4096), Number(process.argv[3] ?? 128), Number(process.argv[4] ?? 5)];
const scales = (process.argv[5] ?? '10,100').split(',').map(Number);
const kernelNames = (process.argv[6] ?? 'fused,softplus').split(',');
const threads = Number(process.argv[7] ?? 2);
const arena = (process.argv[8] ?? 'on') === 'on';

/** The previous passes: one Gemm, the diagonal masked, ORT's Softplus, `sigmoid = exp(x - softplus(x))`. */
function softplusKernel(b: TensorBackend<OnnxTensor>): SigmoidPairwise<OnnxTensor> {
  const int = (value: number): AttributeValue => ({ kind: 'int', value });
  return fusedSigmoidPairwise<OnnxTensor>({
    workingMatrices: () => 4,
    forward(scaledAnchors, positives, bias, rows) {
      const node = (opType: string, inputs: (OnnxTensor | Int64Operand)[], attributes: Record<string, AttributeValue> = {}) =>
        new OnnxTensor([rows, rows], 'float32', { kind: 'node', node: { opType, inputs, attributes } }, scaledAnchors.owner);
      const left = b.concat([scaledAnchors, b.fill([rows, 1], 1)], 1);
      const logits = node('Gemm', [left, b.concat([positives, b.add(b.fill([rows, 1], 0), b.reshape(bias, [1, 1]))], 1)], { transB: int(1) });
      const indices = int64Operand(Int32Array.from({ length: rows }, (_, i) => i), [rows, 1]);
      const masked = node('ScatterElements', [logits, indices, b.fill([rows, 1], -Infinity)], { axis: int(1) });
      const softplus = node('Softplus', [masked]);
      return { offDiagonalSums: b.sum(softplus, 1, true), state: b.exp(b.sub(masked, softplus)) };
    },
    products: (left, right, state) => ({
      rows: b.matmul(state as OnnxTensor, left), columns: b.matmul(state as OnnxTensor, right, { transposeA: true }), rowSums: b.sum(state as OnnxTensor, 1, true),
    }),
  });
}

/** SigLIP traced with `kernel(backend)` as the backend's `sigmoidPairwise` (`undefined`: core's composed one). */
const withKernel = (name: string, kernel: ((b: TensorBackend<OnnxTensor>) => SigmoidPairwise<OnnxTensor>) | undefined): typeof sigLip => ({
  ...sigLip,
  name: `sig-lip-${name}`,
  forward: (b, inputs, options) => {
    const backend = b as unknown as TensorBackend<OnnxTensor>;
    const fused = kernel ? { ...backend.fused, sigmoidPairwise: kernel(backend) } : {};
    return sigLip.forward({ ...b, fused } as typeof b, inputs, options);
  },
});
const kernels: Record<string, typeof sigLip> = { fused: sigLip, softplus: withKernel('softplus', softplusKernel), composed: withKernel('composed', undefined) };

const matrix = (seed: number) => ({ values: Float32Array.from(gaussians(n * d, seed)), shape: [n, d] });
const scalar = (value: number) => ({ values: Float32Array.of(value), shape: [] });
const sessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: threads, graphOptimizationLevel: 'all', enableCpuMemArena: arena };
const runner = createOnnxLossRunner({ ort, sessionOptions, maxSessionBytes: 2 ** 40 });
const cells = scales.flatMap((scale) => kernelNames.map((name) => ({ name: `${name} t=${scale}`, loss: kernels[name]! as unknown as LossDefinition<string, object>, scale })));
const inputsOf = (scale: number) => ({ anchors: matrix(1), positives: matrix(2), logTemperature: scalar(Math.log(scale)), bias: scalar(-10) });
const times = new Map<string, number[]>(cells.map((cell) => [cell.name, []]));
const outputs = new Map<string, number[][]>();
for (const cell of cells) {
  await runner.run(cell.loss, inputsOf(cell.scale)); // sessions and first runs (the arena's first two are slow)
  const result = await runner.run(cell.loss, inputsOf(cell.scale));
  outputs.set(cell.name, [Array.from(result.loss), ...Object.values(result.gradients).map((values) => Array.from(values ?? []))]);
}
const loadBefore = loadavg()[0]!;
for (let run = 0; run < runs; run++) {
  for (const cell of cells) {
    const inputs = inputsOf(cell.scale);
    const start = performance.now();
    await runner.run(cell.loss, inputs);
    times.get(cell.name)!.push(performance.now() - start);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/** Largest |a - b| of each output, relative to that output's largest |b|. */
const difference = (a: number[][], b: number[][]) => Math.max(...a.map((values, k) => {
  const largest = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), 0);
  return largest(values.map((v, i) => Math.abs(v - b[k]![i]!))) / largest(b[k]!.map(Math.abs));
}));
console.log(`${cpus().length} cores, ${threads} ORT threads, arena ${arena ? 'on' : 'off'}, load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after; ${runs} alternating runs`);
for (const [name, values] of times) {
  const first = outputs.get(`${kernelNames[0]} t=${name.split('t=')[1]}`)!;
  console.log(`N=${n} D=${d} ${name}: median ${median(values).toFixed(1)} ms, min ${Math.min(...values).toFixed(1)} (${values.map((v) => v.toFixed(0)).join(', ')}); vs ${kernelNames[0]}: ${difference(outputs.get(name)!, first).toExponential(1)}`);
}
await runner.release();

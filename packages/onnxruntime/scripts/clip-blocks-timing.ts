/**
 * CLIP forward + backward on onnxruntime-node over row blocks of the cross-view kernel (decision 0012), a
 * measurement, not a test: each `maxBlockBytes` given ('whole' = one [N, N] block, the unblocked path) gets its own
 * runner, runs alternate in one process, medians reported against the matmul floor measured the way apps/bench
 * measures it (MatMul rates on onnxruntime-node, 2 intra-op threads, at min(N, 8192) rows, in this process):
 * `2 N^2 D / forward rate + 4 N^2 D / backward rate`. Peak RSS (VmHWM) is printed after each cell's first run; it
 * is that cell's own peak only for the first cell, so measure memory with one `maxBlockBytes` per process.
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/clip-blocks-timing.ts \
 *     [n=16384] [d=128] [runs=3] [temperatures=0.07,0.01] [blockBytes=268435456,67108864] [arenas=off (or on, or off,on)]
 */
import { readFileSync } from 'node:fs';
import { clip } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { gaussians } from '../src/loss-samples.test-support.js';
import { crossViewBlockRows } from '../src/cross-view-blocks.js';
import { buildModel, createTracingBackend, encodeModel } from '../src/index.js';
import { createOnnxLossRunner } from '../src/onnx-loss-runner.js';

const [n, d, runs] = [Number(process.argv[2] ?? 16384), Number(process.argv[3] ?? 128), Number(process.argv[4] ?? 3)];
const temperatures = (process.argv[5] ?? '0.07,0.01').split(',').map(Number);
const blockBytes = (process.argv[6] ?? `${2 ** 28},${2 ** 26}`).split(',').map((v) => (v === 'whole' ? 4 * n * n : Number(v)));
const arenas = (process.argv[7] ?? 'off').split(',').map((v) => v === 'on');
const sessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' as const };

const peakRssMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const uniform = (count: number, seed: number) => Float32Array.from(gaussians(count, seed));

/** Milliseconds of one MatMul session (median of 5 after one warm-up); a forward-shaped product is row-summed. */
async function productMs(aShape: number[], bShape: number[], transposeB: boolean): Promise<number> {
  const tracing = createTracingBackend({ name: 'matmul' });
  const a = tracing.placeholder('a', aShape);
  const b = tracing.placeholder('b', bShape);
  const product = tracing.matmul(a, b, { transposeB });
  const { model } = buildModel({ outputs: [{ name: 'c', tensor: transposeB ? tracing.sum(product, 1, false) : product }], dataAs: 'input', inputs: [a, b] });
  const session = await ort.InferenceSession.create(encodeModel(model), sessionOptions);
  const feeds = { a: new ort.Tensor('float32', uniform(aShape[0]! * aShape[1]!, 3), aShape), b: new ort.Tensor('float32', uniform(bShape[0]! * bShape[1]!, 4), bShape) };
  await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await session.run(feeds);
    times.push(performance.now() - start);
  }
  await session.release();
  return median(times);
}

const views = { anchors: { values: uniform(n * d, 1), shape: [n, d] }, positives: { values: uniform(n * d, 2), shape: [n, d] } };
const baselineMiB = peakRssMiB();
const cells = temperatures.flatMap((temperature) => blockBytes.flatMap((bytes) => arenas.map((arena) => ({
  temperature, bytes, arena, times: [] as number[],
  runner: createOnnxLossRunner({ ort, sessionOptions: { ...sessionOptions, enableCpuMemArena: arena }, maxBlockBytes: bytes }),
}))));
const run = (cell: (typeof cells)[number]) => cell.runner.run(clip, { ...views, logitScale: { values: [1 / cell.temperature], shape: [] } });
const label = (cell: (typeof cells)[number]) =>
  `T=${cell.temperature} ${4 * n * n <= cell.bytes ? 'whole' : `blocks of ${crossViewBlockRows(n, cell.bytes)} rows`} arena ${cell.arena ? 'on' : 'off'}`;
const firstMs = new Map<(typeof cells)[number], number>();
for (const cell of cells) {
  const start = performance.now();
  await run(cell);
  firstMs.set(cell, performance.now() - start);
  console.log(`${label(cell)}: first run ${(performance.now() - start).toFixed(0)} ms, peak RSS ${peakRssMiB().toFixed(0)} MiB (${(peakRssMiB() - baselineMiB).toFixed(0)} MiB over the inputs)`);
}
for (let i = 0; i < runs; i++) {
  for (const cell of cells) {
    const start = performance.now();
    await run(cell);
    cell.times.push(performance.now() - start);
  }
}
await Promise.all(cells.map((cell) => cell.runner.release()));

const rows = Math.min(n, 8192);
const forwardRate = (2 * rows * rows * d) / (await productMs([rows, d], [rows, d], true));
const backwardRate = (2 * rows * rows * d) / (await productMs([rows, rows], [rows, d], false));
const floorMs = (2 * n * n * d) / forwardRate + (4 * n * n * d) / backwardRate;
console.log(`floor (6 N^2 D at rates of ${rows}-row MatMuls: forward ${(forwardRate / 1e6).toFixed(1)}, backward ${(backwardRate / 1e6).toFixed(1)} GFLOP/s): ${floorMs.toFixed(0)} ms`);
for (const cell of cells) {
  // runs = 0 (N = 65536): the first run, session creation included, is the one figure.
  if (runs === 0) console.log(`CLIP N=${n} D=${d} ${label(cell)}: first run ${firstMs.get(cell)!.toFixed(0)} ms, ${(firstMs.get(cell)! / floorMs).toFixed(2)}x the floor`);
  else console.log(`CLIP N=${n} D=${d} ${label(cell)}: median ${median(cell.times).toFixed(0)} ms (${cell.times.map((v) => v.toFixed(0)).join(', ')}), ${(median(cell.times) / floorMs).toFixed(2)}x the floor`);
}

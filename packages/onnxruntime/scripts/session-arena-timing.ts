/**
 * Repeated runs of one session on onnxruntime-node with the CPU memory arena on and off (a measurement, not a
 * test): the median run time and RSS after the runs, to weigh what `enableCpuMemArena: false` costs in speed.
 *
 *   cd packages/onnxruntime
 *   node --expose-gc --import tsx --conditions=@contrastive/source scripts/session-arena-timing.ts [n=1024] [d=128] [runs=10]
 *
 * Run once per process for RSS figures that do not mix the two settings.
 */
import { ntXent } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { createOnnxLossRunner } from '../src/onnx-loss-runner.js';

const [n, d, runs] = [Number(process.argv[2] ?? 1024), Number(process.argv[3] ?? 128), Number(process.argv[4] ?? 10)];
const arena = process.argv[5] ?? 'both';

function rows(seed: number): { values: Float32Array; shape: number[] } {
  const values = new Float32Array(n * d);
  let state = seed;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  return { values, shape: [n, d] };
}

const inputs = { anchors: rows(1), positives: rows(2) };
for (const enableCpuMemArena of arena === 'both' ? [true, false] : [arena === 'on']) {
  const runner = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['cpu'], enableCpuMemArena } });
  await runner.run(ntXent, inputs); // session creation and first run
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await runner.run(ntXent, inputs);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
  await runner.release();
  console.log(JSON.stringify({ n, d, enableCpuMemArena, medianMs: Math.round(times[times.length >> 1]! * 10) / 10, minMs: Math.round(times[0]! * 10) / 10, rssMiB }));
}

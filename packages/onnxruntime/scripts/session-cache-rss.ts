/**
 * RSS of `createOnnxLossRunner` on onnxruntime-node over many distinct input shapes (a measurement, not a test).
 * Prints RSS before, its peak during, after the shapes, and after `release()`, with the runner's statistics.
 *
 *   cd packages/onnxruntime
 *   node --expose-gc --import tsx --conditions=@contrastive/source scripts/session-cache-rss.ts \
 *     [shapes=600] ['{"maxSessions":32}'  runner options as JSON, sessionOptions included]
 *
 * Shapes: NT-Xent on anchors and positives [n, d], n = 8..600 step 8, d = 8, 16, ...: the largest hold
 * [2n, 2n] similarity blocks, the smallest almost nothing, so a count bound and a byte bound differ.
 */
import { ntXent } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { createOnnxLossRunner } from '../src/onnx-loss-runner.js';

const shapeCount = Number(process.argv[2] ?? 600);
const runnerOptions = JSON.parse(process.argv[3] ?? '{}') as Record<string, unknown>;
const gc = (globalThis as { gc?: () => void }).gc;

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const rss = () => process.memoryUsage().rss;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return rss();
};

function rows(n: number, d: number, seed: number): { values: Float32Array; shape: number[] } {
  const values = new Float32Array(n * d);
  let state = seed;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  return { values, shape: [n, d] };
}

const runner = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['cpu'] }, ...runnerOptions });
// Load the runtime (and the model builder) once, so "before" is the resting cost of a ready process.
await runner.run(ntXent, { anchors: rows(2, 4, 1), positives: rows(2, 4, 2) });
await runner.release();
const before = await settle();

let peak = before;
const started = performance.now();
for (let i = 0; i < shapeCount; i++) {
  const n = 8 + 8 * (i % 75);
  const d = 8 + 8 * Math.floor(i / 75);
  const result = await runner.run(ntXent, { anchors: rows(n, d, 2 * i + 3), positives: rows(n, d, 2 * i + 4) }, { temperature: 0.2 });
  if (!Number.isFinite(result.loss[0]!)) throw new Error(`non-finite loss at [${n}, ${d}]`);
  peak = Math.max(peak, rss());
}
const seconds = (performance.now() - started) / 1000;
const afterShapes = await settle();
const statistics = runner.statistics;
await runner.release();
const afterRelease = await settle();

console.log(JSON.stringify({
  runnerOptions,
  shapes: shapeCount,
  seconds: Math.round(seconds * 10) / 10,
  rssMiB: { before: mib(before), peak: mib(peak), afterShapes: mib(afterShapes), afterRelease: mib(afterRelease) },
  statistics,
  afterRelease: runner.statistics,
  // What of the RSS after release() is V8's: its heap and the ArrayBuffers/external memory it tracks.
  v8MiB: { heapTotal: mib(process.memoryUsage().heapTotal), external: mib(process.memoryUsage().external) },
}));

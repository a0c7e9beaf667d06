/**
 * What one cached onnxruntime-node session costs in memory, next to what the session cache can know of it (the
 * model's bytes and the bytes of its feeds and fetches): a measurement behind `sessionMemoryFactor`, not a test.
 * Per NT-Xent shape [n, d], one fresh session, one run:
 * - resident: RSS after the run minus before it (what a cached, idle session keeps: with the CPU arena, its
 *   arena; without it, model, initializers and kernel state);
 * - peak: the high-water mark during the run minus RSS before it (Linux: reset through /proc/self/clear_refs).
 * Run it with glibc returning freed memory at once, so the differences are ONNX Runtime's and not the heap's:
 *
 *   cd packages/onnxruntime
 *   MALLOC_MMAP_THRESHOLD_=65536 MALLOC_TRIM_THRESHOLD_=0 node --expose-gc --import tsx \
 *     --conditions=@contrastive/source scripts/session-memory-factor.ts [arena: on|off]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ntXent } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../src/export-onnx.js';
import { createOnnxLossRunner } from '../src/onnx-loss-runner.js';

const enableCpuMemArena = (process.argv[2] ?? 'on') === 'on';
const gc = (globalThis as { gc?: () => void }).gc;
const status = (field: string) => Number(/(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8').split('\n').find((line) => line.startsWith(field))!)![1]) * 1024;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return status('VmRSS');
};
const kib = (bytes: number) => Math.round(bytes / 1024);

function rows(n: number, d: number, seed: number): { values: Float32Array; shape: number[] } {
  const values = new Float32Array(n * d);
  for (let i = 0; i < values.length; i++) values[i] = Math.sin(seed * 7919 + i * 0.37);
  return { values, shape: [n, d] };
}

const options = { temperature: 0.2 };
const warm = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['cpu'], enableCpuMemArena } });
await warm.run(ntXent, { anchors: rows(2, 4, 1), positives: rows(2, 4, 2) });
await warm.release();

console.log('n\td\tmodelKiB\tioKiB\tresidentKiB\tpeakKiB\tresident/io\tpeak/io');
for (const [n, d] of [[8, 8], [32, 16], [64, 64], [128, 32], [256, 128], [300, 36], [512, 64], [600, 8], [600, 64], [1024, 128], [2048, 128], [4096, 128]] as const) {
  const runner = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['cpu'], enableCpuMemArena } });
  const inputs = { anchors: rows(n, d, 3), positives: rows(n, d, 4) };
  const modelBytes = exportOnnx(ntXent, options, { anchors: [n, d], positives: [n, d] }).byteLength;
  const ioBytes = 4 * (2 * n * d + 2 * n * d + 1); // feeds (anchors, positives) and fetches (loss, two gradients)
  const before = await settle();
  writeFileSync('/proc/self/clear_refs', '5');
  await runner.run(ntXent, inputs, options);
  const peak = status('VmHWM') - before;
  const resident = (await settle()) - before;
  await runner.release();
  await settle();
  console.log([n, d, kib(modelBytes), kib(ioBytes), kib(resident), kib(peak), (resident / ioBytes).toFixed(1), (peak / ioBytes).toFixed(1)].join('\t'));
}

/**
 * Peak RSS delta and run time of NT-Xent's fused kernel on onnxruntime-node at one size and `maxBlockBytes`, with
 * the session's CPU arena and memory pattern set as asked (a measurement, not a test; decision 0009). One setting
 * per process, so that RSS figures do not mix:
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/symmetric-pairs-memory.ts \
 *     [pairs=16384] [d=128] [maxBlockBytes=4194304] [arena=on|off] [pattern=on|off] [runs=2] [temperature=0.5] [--save=x.onnx]
 *
 * With `--save=path` it only writes the traced model there (for `scripts/onnx-ab-timing.ts`).
 *
 * Prints one JSON line: the blocks per side the pairs use (0: row blocks), the peak RSS delta over the session's
 * creation and runs (Linux VmHWM, reset through /proc/self/clear_refs), the RSS after the runs, each run's time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ntXent, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { traceLoss } from '../src/export-onnx.js';
import { encodeModel } from '../src/onnx-schema.js';
import { squareBlockRows, symmetricBlocksFit } from '../src/symmetric-block-pairs.js';

const argument = (index: number, fallback: string) => process.argv[2 + index] ?? fallback;
const pairs = Number(argument(0, '16384'));
const d = Number(argument(1, '128'));
const maxBlockBytes = Number(argument(2, String(2 ** 22)));
const arena = argument(3, 'on') === 'on';
const pattern = argument(4, 'on') === 'on';
const runs = Number(argument(5, '2'));
const temperature = Number(argument(6, '0.5'));
const savePath = process.argv.find((value) => value.startsWith('--save='))?.slice('--save='.length);

const statusBytes = (field: string) => Number(readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))![1]) * 1024;
const MiB = (bytes: number) => Math.round(bytes / 2 ** 20);

function rows(seed: number): Float32Array {
  const values = new Float32Array(pairs * d);
  let state = seed;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  return values;
}

const loss = ntXent as unknown as LossDefinition<string, object>;
const rowCount = 2 * pairs;
const blocksPerSide = symmetricBlocksFit(rowCount, maxBlockBytes) ? Math.ceil(rowCount / squareBlockRows(rowCount, maxBlockBytes)) : 0;
const traced = traceLoss(loss, { temperature }, { anchors: [pairs, d], positives: [pairs, d] }, { maxBlockBytes });
const bytes = encodeModel(traced.model);
if (savePath) {
  writeFileSync(savePath, bytes);
  process.exit(0);
}
const feeds = { anchors: new ort.Tensor('float32', rows(1), [pairs, d]), positives: new ort.Tensor('float32', rows(2), [pairs, d]) };
writeFileSync('/proc/self/clear_refs', '5');
const rssBefore = process.memoryUsage().rss;
const session = await ort.InferenceSession.create(bytes, {
  executionProviders: ['cpu'],
  intraOpNumThreads: 2,
  graphOptimizationLevel: 'all',
  enableCpuMemArena: arena,
  enableMemPattern: pattern,
});
const timesMs: number[] = [];
let lossValue = Number.NaN;
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const outputs = await session.run(feeds);
  timesMs.push(Math.round(performance.now() - started));
  lossValue = (outputs['loss']!.data as Float32Array)[0]!;
}
const peakDelta = statusBytes('VmHWM') - rssBefore;
const rssAfter = process.memoryUsage().rss - rssBefore;
await session.release();
console.log(JSON.stringify({ pairs, d, maxBlockBytes, blocksPerSide, arena, pattern, peakDeltaMiB: MiB(peakDelta), rssAfterMiB: MiB(rssAfter), timesMs, lossValue }));

/**
 * SupCon (two views, labels as a graph input from N/8 classes) forward + backward on onnxruntime-node, the run-time
 * group kernel before and after the preset row shift (decision 0006's amendment), at the default temperature and at
 * a low one, with NT-Xent (the same [2N, 2N] shape) beside it, all sessions alternating in one process (a
 * measurement, not a test). "Before" is traced by a second copy of this package's sources, given as the module that
 * exports `traceLoss` (e.g. `cp -r src tmp-before/src` before the change; core is shared: run-time-group passes
 * without `presetRowShift` get the row maxima). Delete the copy afterwards.
 *
 *   cd packages/onnxruntime
 *   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295 \
 *     node --import tsx --conditions=@contrastive/source scripts/sup-con-preset-timing.ts ../tmp-before/src/export-onnx.ts \
 *     [pairs=4096] [d=128] [rounds=7] [low=0.01] [default=0.07] [profile] [arena] [cpu]
 *
 * Session options as the bench's ort-node cells (2 threads, all graph optimisations, CPU arena off unless `arena`).
 * Prints each cell's median and minimum (on a loaded machine the minimum is the least disturbed run) over the rounds.
 */
import { losses, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { gaussians } from '../src/loss-samples.test-support.js';
import { encodeModel } from '../src/onnx-schema.js';
import { traceLoss } from '../src/export-onnx.js';

const [beforePath, ...rest] = process.argv.slice(2);
const [pairs, d, rounds] = [Number(rest[0] ?? 4096), Number(rest[1] ?? 128), Number(rest[2] ?? 7)];
const [low, standard] = [Number(rest[3] ?? 0.01), Number(rest[4] ?? 0.07)];
const flags = new Set(rest.slice(5));
const profile = flags.has('profile');
const before = (await import(beforePath!)) as { traceLoss: typeof traceLoss };
const supCon = losses.supCon as unknown as LossDefinition<string, object>;
const ntXent = losses.ntXent as unknown as LossDefinition<string, object>;
const supConShapes = { embeddings: [2 * pairs, d], labels: [pairs] };
const ntXentShapes = { anchors: [pairs, d], positives: [pairs, d] };
const model = (trace: typeof traceLoss, loss: LossDefinition<string, object>, options: object, shapes: Record<string, number[]>) =>
  encodeModel(trace(loss, loss.resolveOptions(options), shapes).model);
const cells = [
  { name: `SupCon before, T=${standard}`, bytes: model(before.traceLoss, supCon, { temperature: standard, views: 2 }, supConShapes), supCon: true },
  { name: `SupCon after, T=${standard}`, bytes: model(traceLoss, supCon, { temperature: standard, views: 2 }, supConShapes), supCon: true },
  { name: `SupCon before (row maxima), T=${low}`, bytes: model(before.traceLoss, supCon, { temperature: low, views: 2 }, supConShapes), supCon: true },
  { name: `SupCon after (preset), T=${low}`, bytes: model(traceLoss, supCon, { temperature: low, views: 2 }, supConShapes), supCon: true },
  { name: `NT-Xent, T=${standard}`, bytes: model(traceLoss, ntXent, { temperature: standard }, ntXentShapes), supCon: false },
  { name: `NT-Xent, T=${low}`, bytes: model(traceLoss, ntXent, { temperature: low }, ntXentShapes), supCon: false },
];
// `cpu`: time each run by the process's CPU time (user + system) instead of the wall clock, with the intra-op
// threads not spinning, so that a loaded machine's descheduling does not enter (the work, not the latency).
const cpu = flags.has('cpu');
const extra = cpu ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {};
const options = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all', enableCpuMemArena: flags.has('arena'), ...extra } as const;
const sessions = await Promise.all(cells.map((cell, index) => ort.InferenceSession.create(cell.bytes, { ...options, enableProfiling: profile, profileFilePrefix: `sup-con-preset-${index}` })));
const classes = Math.max(1, Math.floor(pairs / 8));
const labels = Float32Array.from(gaussians(pairs, 3), (x) => Math.floor(Math.abs(x) * 7919) % classes);
const supConFeeds = {
  embeddings: new ort.Tensor('float32', Float32Array.from(gaussians(2 * pairs * d, 1)), [2 * pairs, d]),
  labels: new ort.Tensor('float32', labels, [pairs]),
};
const ntXentFeeds = {
  anchors: new ort.Tensor('float32', Float32Array.from(gaussians(pairs * d, 1)), [pairs, d]),
  positives: new ort.Tensor('float32', Float32Array.from(gaussians(pairs * d, 2)), [pairs, d]),
};
const feedsOf = (index: number) => (cells[index]!.supCon ? supConFeeds : ntXentFeeds);
const losses_ = [];
for (const [index, session] of sessions.entries()) losses_.push(((await session.run(feedsOf(index)))['loss']!.data as Float32Array)[0]); // first runs
const times = cells.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [...sessions.keys()] : [...sessions.keys()].reverse();
  for (const index of order) {
    const [started, startedCpu] = [performance.now(), process.cpuUsage()];
    await sessions[index]!.run(feedsOf(index));
    const used = process.cpuUsage(startedCpu);
    times[index]!.push(Math.round(cpu ? (used.user + used.system) / 1000 : performance.now() - started));
  }
}
if (profile) for (const session of sessions) session.endProfiling();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const reference = median(times[4]!);
for (const [index, cell] of cells.entries()) {
  const ms = median(times[index]!);
  const minMs = Math.min(...times[index]!);
  console.log(JSON.stringify({ cell: cell.name, loss: losses_[index], medianMs: ms, minMs, vsNtXentDefault: Number((ms / reference).toFixed(2)), timesMs: times[index] }));
}

/**
 * NT-Xent forward + backward on onnxruntime-node at a low temperature, the row-shift kernel before and after the
 * preset row shift (decision 0013), against the constant shift at a default temperature, alternating in one process
 * (a measurement, not a test). "Before" is traced by a second copy of this package's sources, given as the module
 * that exports `traceLoss`, e.g. `cp -r src tmp-before/src` and `git show <commit>:packages/onnxruntime/src/
 * constant-shift-kernel.ts > tmp-before/src/constant-shift-kernel.ts` (core is shared: a kernel without
 * `presetRowShift` gets the row maxima). Delete the copy afterwards.
 *
 *   cd packages/onnxruntime
 *   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295 \
 *     node --import tsx --conditions=@contrastive/source scripts/row-shift-timing.ts ../tmp-before/src/export-onnx.ts \
 *     [pairs=4096] [d=128] [rounds=7] [low=0.01] [default=0.5] [profile] [arena]
 *
 * Session options as the bench's ort-node cells: 2 threads, all graph optimisations, CPU arena off (`arena`: on,
 * so that no run faults fresh pages in and only the kernels' work is compared). With `profile`, each session also
 * writes onnxruntime's per-node profile (JSON) to the working directory.
 */
import { ntXent, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { gaussians } from '../src/loss-samples.test-support.js';
import { encodeModel } from '../src/onnx-schema.js';
import { traceLoss } from '../src/export-onnx.js';

const [beforePath, ...rest] = process.argv.slice(2);
const [pairs, d, rounds] = [Number(rest[0] ?? 4096), Number(rest[1] ?? 128), Number(rest[2] ?? 7)];
const [low, standard] = [Number(rest[3] ?? 0.01), Number(rest[4] ?? 0.5)];
const flags = new Set(rest.slice(5));
const profile = flags.has('profile');
const before = (await import(beforePath!)) as { traceLoss: typeof traceLoss };
const loss = ntXent as unknown as LossDefinition<string, object>;
const shapes = { anchors: [pairs, d], positives: [pairs, d] };
const model = (trace: typeof traceLoss, temperature: number) => encodeModel(trace(loss, { temperature }, shapes).model);
const cells = [
  { name: `constant shift, T=${standard}`, bytes: model(traceLoss, standard) },
  { name: `row maxima (before), T=${low}`, bytes: model(before.traceLoss, low) },
  { name: `preset row shift (after), T=${low}`, bytes: model(traceLoss, low) },
];
const options = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all', enableCpuMemArena: flags.has('arena') } as const;
const sessions = await Promise.all(cells.map((cell, index) => ort.InferenceSession.create(cell.bytes, { ...options, enableProfiling: profile, profileFilePrefix: `row-shift-${index}` })));
const feeds = {
  anchors: new ort.Tensor('float32', Float32Array.from(gaussians(pairs * d, 1)), [pairs, d]),
  positives: new ort.Tensor('float32', Float32Array.from(gaussians(pairs * d, 2)), [pairs, d]),
};
const losses = [];
for (const session of sessions) losses.push(((await session.run(feeds))['loss']!.data as Float32Array)[0]); // first runs
const times = cells.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [...sessions.keys()] : [...sessions.keys()].reverse();
  for (const index of order) {
    const started = performance.now();
    await sessions[index]!.run(feeds);
    times[index]!.push(Math.round(performance.now() - started));
  }
}
if (profile) for (const session of sessions) session.endProfiling();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const reference = median(times[0]!);
for (const [index, cell] of cells.entries()) {
  const ms = median(times[index]!);
  console.log(JSON.stringify({ cell: cell.name, loss: losses[index], medianMs: ms, ratio: Number((ms / reference).toFixed(2)), timesMs: times[index] }));
}

/**
 * CLIP forward + backward on onnxruntime-node, the fused cross-view kernel before and after the preset line shift
 * (decision 0014), at two logit scales, alternating in one process (a measurement, not a test). "Before" is traced
 * by a second copy of this package's sources, given as the module that exports `traceLoss`, e.g.
 * `cp -r src tmp-before/src` and `git show HEAD:packages/onnxruntime/src/cross-view-kernel.ts >
 * tmp-before/src/cross-view-kernel.ts` (core is shared: passes that ignore `presetShift` take the maxima). Delete the
 * copy afterwards.
 *
 *   cd packages/onnxruntime
 *   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295 \
 *     node --import tsx --conditions=@contrastive/source scripts/clip-preset-timing.ts ./tmp-before/src/export-onnx.ts \
 *     [pairs=4096] [d=128] [rounds=7] [temperatures=0.07,0.01] [arena]
 *
 * Session options as the bench's ort-node cells: 2 threads, all graph optimisations, CPU arena off (`arena`: on).
 * The logit scale is a graph input (as CLIP's is), fed 1 / T.
 */
import { clip, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { gaussians } from '../src/loss-samples.test-support.js';
import { encodeModel } from '../src/onnx-schema.js';
import { traceLoss } from '../src/export-onnx.js';

const [beforePath, ...rest] = process.argv.slice(2);
const [pairs, d, rounds] = [Number(rest[0] ?? 4096), Number(rest[1] ?? 128), Number(rest[2] ?? 7)];
const temperatures = (rest[3] ?? '0.07,0.01').split(',').map(Number);
const arena = rest.includes('arena');
const before = (await import(beforePath!)) as { traceLoss: typeof traceLoss };
const loss = clip as unknown as LossDefinition<string, object>;
const shapes = { anchors: [pairs, d], positives: [pairs, d], logitScale: [] };
const kernels = [['before', before.traceLoss], ['after', traceLoss]] as const;
const cells = temperatures.flatMap((temperature) => kernels.map(([name, trace]) => ({ name: `${name}, T=${temperature}`, temperature, bytes: encodeModel(trace(loss, {}, shapes).model) })));
const options = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all', enableCpuMemArena: arena } as const;
const sessions = await Promise.all(cells.map((cell) => ort.InferenceSession.create(cell.bytes, options)));
const views = {
  anchors: new ort.Tensor('float32', Float32Array.from(gaussians(pairs * d, 1)), [pairs, d]),
  positives: new ort.Tensor('float32', Float32Array.from(gaussians(pairs * d, 2)), [pairs, d]),
};
const feedsOf = (temperature: number) => ({ ...views, logitScale: new ort.Tensor('float32', Float32Array.from([1 / temperature]), []) });
const losses: number[] = [];
for (const [index, session] of sessions.entries()) losses.push(((await session.run(feedsOf(cells[index]!.temperature)))['loss']!.data as Float32Array)[0]!);
const times = cells.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [...sessions.keys()] : [...sessions.keys()].reverse();
  for (const index of order) {
    const started = performance.now();
    await sessions[index]!.run(feedsOf(cells[index]!.temperature));
    times[index]!.push(Math.round(performance.now() - started));
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
for (const [index, cell] of cells.entries()) {
  console.log(JSON.stringify({ cell: cell.name, loss: losses[index], medianMs: median(times[index]!), timesMs: times[index] }));
}

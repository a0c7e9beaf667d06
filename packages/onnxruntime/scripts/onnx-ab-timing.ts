/**
 * Alternating run times of saved NT-Xent models (e.g. two versions of a kernel, exported with
 * `scripts/symmetric-pairs-memory.ts --save`) in one onnxruntime-node process, so that load drift on a shared
 * machine hits all alike (a measurement, not a test). Prints each model's run times and median.
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/onnx-ab-timing.ts <pairs> <d> <rounds> a.onnx b.onnx ...
 *
 * A path ending in `:no-pattern` runs its model with the session's memory pattern off (`enableMemPattern: false`).
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const [pairs, d, rounds] = process.argv.slice(2, 5).map(Number) as [number, number, number];
const paths = process.argv.slice(5);
function rows(seed: number): Float32Array {
  const values = new Float32Array(pairs * d);
  let state = seed;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  return values;
}
const feeds = { anchors: new ort.Tensor('float32', rows(1), [pairs, d]), positives: new ort.Tensor('float32', rows(2), [pairs, d]) };
const options = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' } as const;
const sessions = await Promise.all(
  paths.map((path) => ort.InferenceSession.create(readFileSync(path.replace(/:no-pattern$/, '')), { ...options, enableMemPattern: !path.endsWith(':no-pattern') })),
);
const times = paths.map(() => [] as number[]);
const losses = paths.map(() => Number.NaN);
for (const [index, session] of sessions.entries()) losses[index] = ((await session.run(feeds))['loss']!.data as Float32Array)[0]!; // warm-up
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [...sessions.keys()] : [...sessions.keys()].reverse();
  for (const index of order) {
    const started = performance.now();
    await sessions[index]!.run(feeds);
    times[index]!.push(Math.round(performance.now() - started));
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
for (const [index, path] of paths.entries()) console.log(JSON.stringify({ path, loss: losses[index], medianMs: median(times[index]!), timesMs: times[index] }));

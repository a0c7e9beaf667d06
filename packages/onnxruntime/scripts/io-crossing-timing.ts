/**
 * What onnxruntime-node's binding costs around a graph whose inputs and outputs are large: a graph that only
 * scales a [n, m, d] input by 2 (one Mul), timed per `session.run` (a measurement, not a test; medians). Compare
 * with the model_run time ORT's profile reports for the same graph: the difference is feeding and fetching.
 * Measured (2-core VM, onnxruntime-node 1.30): large output ~115 ms against ~2.5 ms of model_run; with
 * `GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295` ~10 ms. The cost is
 * not the binding's copy but the fresh 32 MiB ArrayBuffer it copies into: glibc unmaps such blocks on free, and a
 * first touch costs ~13 us per 4 KiB page on this VM (a plain `new Float32Array(8 << 20).set(...)` takes as long).
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/io-crossing-timing.ts [n=4096] [m=16] [d=128] [runs=9]
 */
import * as ort from 'onnxruntime-node';
import { buildModel } from '../src/model-builder.js';
import { encodeModel } from '../src/onnx-schema.js';
import { createTracingBackend } from '../src/tracing-backend.js';

const [n, m, d, runs] = [4096, 16, 128, 9].map((fallback, i) => Number(process.argv[2 + i] ?? fallback)) as [number, number, number, number];
const b = createTracingBackend();
const x = b.placeholder('x', [n, m, d]);
const y = b.mul(x, b.fill([1, 1, 1], 2));
const small = b.sum(x, 2, false);
const bytes = (output: typeof y) => encodeModel(buildModel({ outputs: [{ name: 'y', tensor: output }], dataAs: 'initializer', inputs: [x] }).model);
const options = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' } as const;
const feeds = { x: new ort.Tensor('float32', new Float32Array(n * m * d).fill(0.5), [n, m, d]) };
const sessions = { 'large output': await ort.InferenceSession.create(bytes(y), options), 'small output': await ort.InferenceSession.create(bytes(small), options) };
// The same large output into a tensor allocated once (onnxruntime-common's pre-allocated fetches).
const reused = new ort.Tensor('float32', new Float32Array(n * m * d), [n, m, d]);
const runs_ = {
  'large output': () => sessions['large output'].run(feeds),
  'large output, pre-allocated': () => sessions['large output'].run(feeds, { y: reused }),
  'small output': () => sessions['small output'].run(feeds),
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(runs_).map((k) => [k, []]));
for (const f of Object.values(runs_)) await f();
for (let run = 0; run < runs; run++) {
  for (const [name, f] of Object.entries(runs_)) {
    const start = performance.now();
    await f();
    times[name]!.push(performance.now() - start);
  }
}
console.log(`pre-allocated output filled: ${reused.data[0]} (expected 1)`);
const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)]!;
for (const [name, v] of Object.entries(times)) console.log(`${name} (input [${n}, ${m}, ${d}], ${((n * m * d * 4) / 2 ** 20).toFixed(0)} MiB): median ${median(v).toFixed(1)} ms (${v.map((t) => t.toFixed(0)).join(', ')})`);

/**
 * InfoNCE with paired negatives ([N, M, D]) forward + backward on onnxruntime-node, as the bench's paired cell runs
 * it (one traced graph, 2 intra-op threads, inputs uniform in [-1, 1)), against a baseline definition of `infoNce`
 * (e.g. an older copy of core's info-nce.ts) in the same process: runs alternate, medians reported. A measurement,
 * not a test. With `profile` the current graph runs with ORT profiling and the slowest nodes are printed.
 *
 *   cd packages/onnxruntime
 *   node --import tsx --conditions=@contrastive/source scripts/paired-timing.ts [n=4096] [d=128] [runs=7] [temperature=0.1] [baseline-module|profile|profile=module]
 *
 * A baseline: `git show <rev>:packages/core/src/losses/info-nce.ts` saved outside the tree with its relative imports
 * made absolute (`/…/packages/core/src/…`), passed by its absolute path. `TOP=<k>` prints k nodes of the profile.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { infoNce, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { encodeModel, traceLoss } from '../src/index.js';

const [n, d, runs, temperature] = [4096, 128, 7, 0.1].map((fallback, i) => Number(process.argv[2 + i] ?? fallback)) as [number, number, number, number];
const extra = process.argv[6];
const m = 16;
let state = 1;
const uniform = (length: number) => Float32Array.from({ length }, () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
const host = { anchors: { values: uniform(n * d), shape: [n, d] }, positives: { values: uniform(n * d), shape: [n, d] }, negatives: { values: uniform(n * m * d), shape: [n, m, d] } };
const feeds = Object.fromEntries(Object.entries(host).map(([name, t]) => [name, new ort.Tensor('float32', t.values, t.shape)]));
const sessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' } as const;

async function session(definition: unknown, profile = false) {
  const shapes = Object.fromEntries(Object.entries(host).map(([name, t]) => [name, t.shape]));
  const traced = traceLoss(definition as LossDefinition<string, object>, { temperature }, shapes);
  const options = profile ? { ...sessionOptions, enableProfiling: true, profileFilePrefix: `paired-profile-${process.pid}` } : sessionOptions;
  return ort.InferenceSession.create(encodeModel(traced.model), options);
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

if (extra?.startsWith('profile')) {
  const profiled = extra.startsWith('profile=') ? ((await import(extra.slice('profile='.length))) as { infoNce: unknown }).infoNce : infoNce;
  const current = await session(profiled, true);
  for (let run = 0; run < runs + 2; run++) await current.run(feeds);
  const file = current.endProfiling() ?? `paired-profile-${process.pid}`;
  await current.release();
  const found = readdirSync('.').find((name) => name.startsWith(file));
  type Event = { cat: string; name: string; ts: number; dur: number; args: { op_name?: string; output_type_shape?: unknown } };
  const events = JSON.parse(readFileSync(found!, 'utf8')) as Event[];
  rmSync(found!);
  // The first two runs allocate; only the later ones count.
  const warm = events.filter((e) => e.name === 'model_run').sort((x, y) => x.ts - y.ts)[2]!.ts;
  const byNode = new Map<string, { op: string; shape: string; times: number[]; total: number }>();
  for (const e of events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= warm)) {
    const entry = byNode.get(e.name) ?? { op: e.args.op_name ?? '?', shape: JSON.stringify(e.args.output_type_shape), times: [], total: 0 };
    entry.times.push(e.dur / 1000);
    byNode.set(e.name, entry);
  }
  // Medians per node: on a shared machine a preempted run inflates a mean.
  for (const entry of byNode.values()) entry.total = median(entry.times);
  const sorted = [...byNode.entries()].sort((x, y) => y[1].total - x[1].total);
  const runTimes = events.filter((e) => e.name === 'model_run' && e.ts >= warm).map((e) => e.dur / 1000);
  console.log(`paired InfoNCE N=${n} M=${m} D=${d} T=${temperature}: ${byNode.size} nodes, ${sorted.reduce((s, [, v]) => s + v.total, 0).toFixed(1)} ms per run in nodes (sum of per-node medians over ${runs} runs after two warm-ups), model_run median ${median(runTimes).toFixed(1)} ms`);
  const size = (shape: string) => (shape.match(/\d+/g) ?? []).reduce((p, v) => p * Number(v), 1);
  const groups = new Map<string, number>();
  for (const [, v] of sorted) {
    const key = size(v.shape) >= n * m * d ? '[N, M, D]' : size(v.shape) >= n * d ? '[N, D]' : 'smaller';
    groups.set(key, (groups.get(key) ?? 0) + v.total);
  }
  console.log([...groups].map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', '));
  for (const [name, v] of sorted.slice(0, Number(process.env.TOP ?? 25))) console.log(`${v.total.toFixed(2).padStart(7)} ms  ${v.op.padEnd(10)} ${name.replace(/_kernel_time$/, '').padEnd(16)} ${v.shape}`);
  process.exit(0);
}

const cases: [string, Awaited<ReturnType<typeof session>>][] = [['current', await session(infoNce)]];
if (extra) cases.push(['baseline', await session(((await import(extra)) as { infoNce: unknown }).infoNce)]);
const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
const losses = new Map<string, number>();
for (const [name, s] of cases) losses.set(name, ((await s.run(feeds))['loss']!.data as Float32Array)[0]!);
for (let run = 0; run < runs; run++) {
  for (const [name, s] of run % 2 ? [...cases].reverse() : cases) {
    const start = performance.now();
    await s.run(feeds);
    times.get(name)!.push(performance.now() - start);
  }
}
for (const [name, values] of times) {
  const ratio = name === 'current' ? '' : `, current/baseline ${(median(times.get('current')!) / median(values)).toFixed(2)}`;
  console.log(`${name} N=${n} M=${m} D=${d} T=${temperature}: median ${median(values).toFixed(1)} ms, min ${Math.min(...values).toFixed(1)} ms (${values.map((v) => v.toFixed(0)).join(', ')}), loss ${losses.get(name)}${ratio}`);
}
await Promise.all(cases.map(([, s]) => s.release()));

/**
 * Core's L2 normalisation on onnxruntime-node, the current `l2-normalize.ts` against the previous one (decision
 * 0003's division by the row maximum, kept below as text) in one process: core's sources are copied to a temporary
 * folder with the old file swapped in, and both copies trace the same graph: the normalisation alone (`normalize`:
 * forward and backward of [2N, D] rows) or a whole loss cell as the bench runs it (inputs uniform in [-1, 1), 2
 * intra-op threads, arena on). Runs alternate; reported: wall-clock medians, each graph's node count and the op
 * types whose counts differ, and from ORT's profile the sum over nodes of each node's median kernel time (less
 * sensitive to preemption on a shared machine than the wall clock). A measurement, not a test. With the
 * GLIBC_TUNABLES below glibc keeps freed memory, so first-touch page faults do not drown the difference:
 *
 *   cd packages/onnxruntime
 *   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295 \
 *     node --import tsx --conditions=@contrastive/source scripts/normalize-timing.ts [n=4096] [d=128] [runs=7] [cells=normalize,nt-xent,clip]
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as current from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { buildModel, createTracingBackend, encodeModel, traceLoss } from '../src/index.js';

const [n, d, runs] = [4096, 128, 7].map((fallback, i) => Number(process.argv[2 + i] ?? fallback)) as [number, number, number];
const losses = (process.argv[5] ?? 'normalize,nt-xent,clip').split(',');

// The normalisation before this change, verbatim in behaviour (its doc comments dropped).
const previousNormalize = `import type { TensorBackend } from '../tensor-backend.js';
export const normalizeEpsilon = 1e-12;
export interface L2NormalizeSaved<T> { readonly normalized: T; readonly scaledNorm: T; readonly rowScale: T; readonly unclamped: T }
export function l2NormalizeForward<T>(backend: TensorBackend<T>, x: T): L2NormalizeSaved<T> {
  const b = backend;
  const zero = b.fill([], 0);
  const one = b.fill([], 1);
  const magnitude = b.max(b.abs(x), 1, true);
  const nonzero = b.greater(magnitude, zero);
  const rowScale = b.where(nonzero, magnitude, one);
  const scaled = b.div(x, rowScale);
  const scaledNorm = b.sqrt(b.sum(b.mul(scaled, scaled), 1, true));
  const safeScaledNorm = b.where(nonzero, scaledNorm, one);
  const unclamped = b.greater(b.mul(scaledNorm, rowScale), b.fill([], normalizeEpsilon));
  const normalized = b.where(unclamped, b.div(scaled, safeScaledNorm), b.div(x, b.fill([], normalizeEpsilon)));
  return { normalized, scaledNorm: safeScaledNorm, rowScale, unclamped };
}
export function l2NormalizeBackward<T>(backend: TensorBackend<T>, saved: L2NormalizeSaved<T>, dy: T): T {
  const b = backend;
  const y = saved.normalized;
  const projection = b.sum(b.mul(dy, y), 1, true);
  const tangent = b.div(b.div(b.sub(dy, b.mul(y, projection)), saved.scaledNorm), saved.rowScale);
  return b.where(saved.unclamped, tangent, b.div(dy, b.fill([], normalizeEpsilon)));
}
`;

const source = fileURLToPath(new URL('../../core/src', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'previous-normalize-'));
cpSync(source, copy, { recursive: true, filter: (path) => !path.endsWith('.test.ts') });
writeFileSync(join(copy, 'math', 'l2-normalize.ts'), previousNormalize);
const previous = (await import(join(copy, 'index.ts'))) as typeof current;
rmSync(copy, { recursive: true });

let state = 1;
const uniform = (length: number) => Float32Array.from({ length }, () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
const host: Record<string, { values: Float32Array; shape: number[] }> = { anchors: { values: uniform(n * d), shape: [n, d] }, positives: { values: uniform(n * d), shape: [n, d] } };
const sessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' } as const;
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

type Node = { op_type: string; attribute?: { g?: { node: Node[] } }[] };
/** Node counts by op type, Loop and If bodies included. */
function opCounts(nodes: readonly Node[], counts = new Map<string, number>()): Map<string, number> {
  for (const node of nodes) {
    counts.set(node.op_type, (counts.get(node.op_type) ?? 0) + 1);
    for (const attribute of node.attribute ?? []) if (attribute.g) opCounts(attribute.g.node, counts);
  }
  return counts;
}

/**
 * From ORT's profile file (removed), the warm-up runs left out: the sum over nodes of each node's median kernel
 * time, over all nodes and over the row-sized ones: inputs and outputs of at most [2N, D], and neither a matrix
 * product, a loop nor the inputs' concatenation (the normalisation's share of a cell, with the few other row-sized
 * passes both graphs have alike).
 */
function nodeTime(prefix: string): { all: number; rowSized: number } {
  // onnxruntime-node's endProfiling does not return the file's name; it starts with the prefix.
  const file = join(tmpdir(), readdirSync(tmpdir()).find((name) => name.startsWith(prefix))!);
  type Event = { cat: string; name: string; ts: number; dur: number; args: { op_name?: string; input_type_shape?: { [type: string]: number[] }[]; output_type_shape?: { [type: string]: number[] }[] } };
  const events = JSON.parse(readFileSync(file, 'utf8')) as Event[];
  rmSync(file);
  const warm = events.filter((e) => e.name === 'model_run').sort((x, y) => x.ts - y.ts)[2]!.ts;
  const byNode = new Map<string, { times: number[]; rowSized: boolean; op: string }>();
  for (const e of events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= warm)) {
    const size = Math.max(...[...(e.args.input_type_shape ?? []), ...(e.args.output_type_shape ?? [])].map((o) => Object.values(o)[0]!.reduce((p, v) => p * v, 1)));
    const rowSized = size <= 2 * n * d && !['MatMul', 'Gemm', 'FusedMatMul', 'Loop', 'Concat'].includes(e.args.op_name ?? '');
    byNode.set(e.name, { times: [...(byNode.get(e.name)?.times ?? []), e.dur / 1000], rowSized, op: e.args.op_name ?? '?' });
  }
  // TOP=<k>: the k slowest row-sized nodes.
  const top = [...byNode].filter(([, v]) => v.rowSized).sort((x, y) => median(y[1].times) - median(x[1].times)).slice(0, Number(process.env.TOP ?? 0));
  for (const [name, v] of top) console.log(`    ${median(v.times).toFixed(2).padStart(7)} ms ${v.op} ${name}`);
  const sum = (filter: (v: { rowSized: boolean }) => boolean) => [...byNode.values()].filter(filter).reduce((s, v) => s + median(v.times), 0);
  return { all: sum(() => true), rowSized: sum((v) => v.rowSized) };
}

const cells = { 'nt-xent': { name: 'ntXent', options: { temperature: 0.5 }, extra: {} }, clip: { name: 'clip', options: {}, extra: { logitScale: { values: Float32Array.of(1 / 0.07), shape: [] } } } } as const;

/** The loss cell's graph, or with `normalize` the normalisation alone: [2N, D] rows and an upstream gradient in, y and dx out. */
function graph(loss: string, core: typeof current) {
  if (loss === 'normalize') {
    const b = createTracingBackend({ name: 'onnxruntime' });
    const [x, dy] = [b.placeholder('anchors', [2 * n, d]), b.placeholder('positives', [2 * n, d])];
    const saved = core.l2NormalizeForward(b, x);
    return buildModel({ dataAs: 'initializer', inputs: [x, dy], outputs: [{ name: 'loss', tensor: saved.normalized }, { name: 'dx', tensor: core.l2NormalizeBackward(b, saved, dy) }] }).model;
  }
  const cell = cells[loss as keyof typeof cells];
  const shapes = Object.fromEntries(Object.entries({ ...host, ...cell.extra }).map(([name, t]) => [name, t.shape]));
  return traceLoss((core as Record<string, unknown>)[cell.name] as current.LossDefinition<string, object>, cell.options, shapes).model;
}

console.log(`load average ${(await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' ')}`);
for (const loss of losses) {
  const rows = loss === 'normalize' ? { anchors: { values: uniform(2 * n * d), shape: [2 * n, d] }, positives: { values: uniform(2 * n * d), shape: [2 * n, d] } } : host;
  const inputs = { ...rows, ...(cells[loss as keyof typeof cells]?.extra ?? {}) };
  const feeds = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, new ort.Tensor('float32', t.values, t.shape)]));
  const variants = [['new', current], ['old', previous]] as const;
  const built = variants.map(([label, core]) => {
    const model = graph(loss, core);
    return { label, bytes: encodeModel(model), counts: opCounts(model.graph.node as unknown as Node[]) };
  });
  const total = (counts: Map<string, number>) => [...counts.values()].reduce((s, v) => s + v, 0);
  const ops = [...new Set(built.flatMap((b) => [...b.counts.keys()]))].filter((op) => built[0]!.counts.get(op) !== built[1]!.counts.get(op));
  console.log(`${loss} N=${n} D=${d}: nodes new ${total(built[0]!.counts)}, old ${total(built[1]!.counts)}; differing ops (new/old): ${ops.map((op) => `${op} ${built[0]!.counts.get(op) ?? 0}/${built[1]!.counts.get(op) ?? 0}`).join(', ')}`);
  const prefix = (label: string) => `normalize-timing-${loss}-${label}-${process.pid}`;
  const profiled = (label: string) => ({ ...sessionOptions, enableProfiling: true, profileFilePrefix: join(tmpdir(), prefix(label)) });
  const sessions = await Promise.all(built.map(async (b) => ({ ...b, session: await ort.InferenceSession.create(b.bytes, profiled(b.label)), times: [] as number[], loss: 0 })));
  // Two warm-ups each (the arena grows in the first runs).
  for (const s of sessions) for (let i = 0; i < 2; i++) s.loss = ((await s.session.run(feeds))['loss']!.data as Float32Array)[0]!;
  for (let run = 0; run < runs; run++) {
    for (const s of run % 2 ? [...sessions].reverse() : sessions) {
      const start = performance.now();
      await s.session.run(feeds);
      s.times.push(performance.now() - start);
    }
  }
  const nodeTimes = sessions.map((s) => (s.session.endProfiling(), nodeTime(prefix(s.label))));
  sessions.forEach((s, i) => console.log(`  ${s.label}: median ${median(s.times).toFixed(1)} ms, min ${Math.min(...s.times).toFixed(1)} ms (${s.times.map((v) => v.toFixed(0)).join(', ')}), nodes ${nodeTimes[i]!.all.toFixed(1)} ms (row-sized ${nodeTimes[i]!.rowSized.toFixed(1)} ms), output[0] ${s.loss}`));
  console.log(`  new/old: wall ${(median(sessions[0]!.times) / median(sessions[1]!.times)).toFixed(3)}, nodes ${(nodeTimes[0]!.all / nodeTimes[1]!.all).toFixed(3)}, row-sized nodes ${(nodeTimes[0]!.rowSized / nodeTimes[1]!.rowSized).toFixed(3)}`);
  await Promise.all(sessions.map((s) => s.session.release()));
}
console.log(`load average ${(await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' ')}`);

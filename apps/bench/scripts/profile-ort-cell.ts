/**
 * Where a bench cell's time goes on onnxruntime-node: the cell's graph (as `run-ort-cell.ts` builds it) run with
 * ORT's profiler, node times of the last run summed by op type (a measurement, not a test).
 *
 *   cd apps/bench
 *   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295 \
 *     node --conditions=@contrastive/source --import tsx scripts/profile-ort-cell.ts <loss> [n=4096] [d=128] [T=default] [runs=4]
 *
 * `MAX_BLOCK_BYTES=16777216` traces with that `maxBlockBytes` (the `--large` cells' blocks at a smaller N);
 * `PROFILE_NODES=Gemm,MatMul` also lists those nodes with their shapes.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cellTemperature, lossInputs, lossSpecs } from '../src/loss-specs.js';
import type { BenchLoss } from '../src/cli-options.js';
import { feedsFor, loadOrt, traceGraph } from '../src/ort-setup.js';

const loss = process.argv[2] as BenchLoss;
const [n, d] = [Number(process.argv[3] ?? 4096), Number(process.argv[4] ?? 128)];
const temperature = cellTemperature(loss, process.argv[5] && process.argv[5] !== 'default' ? Number(process.argv[5]) : undefined);
const runs = Number(process.argv[6] ?? 4);
const { ort, sessionOptions } = await loadOrt('ort-node');
const host = lossInputs(loss, n, d, temperature);
const maxBlockBytes = process.env['MAX_BLOCK_BYTES'] ? Number(process.env['MAX_BLOCK_BYTES']) : undefined;
const graph = traceGraph(lossSpecs[loss].definition, lossSpecs[loss].options(temperature), host, undefined, maxBlockBytes);
const prefix = `/tmp/profile-${loss}-${process.pid}`; // ORT appends a date and .json
const session = await ort.InferenceSession.create(graph.bytes, { ...sessionOptions, enableProfiling: true, profileFilePrefix: prefix } as object);
const feeds = feedsFor(ort, host, graph);
const wall: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  await session.run(feeds);
  wall.push(performance.now() - start);
}
(session as unknown as { endProfiling(): void }).endProfiling();
const file = `/tmp/${readdirSync('/tmp').find((f) => f.startsWith(prefix.slice(5)) && f.endsWith('.json'))!}`;
type Event = { cat: string; name: string; dur: number; args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] } };
const events = JSON.parse(readFileSync(file, 'utf8')) as Event[];
rmSync(file);
const runsAt = events.flatMap((e, i) => (e.name === 'model_run' ? [i] : []));
const last = events.slice(runsAt.length > 1 ? runsAt[runsAt.length - 2]! + 1 : 0, runsAt[runsAt.length - 1]);
const byOp = new Map<string, { ms: number; count: number }>();
for (const e of last.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))) {
  const op = e.args?.op_name ?? '?';
  const entry = byOp.get(op) ?? { ms: 0, count: 0 };
  byOp.set(op, { ms: entry.ms + e.dur / 1000, count: entry.count + 1 });
}
const modelRun = events[runsAt[runsAt.length - 1]!]!.dur / 1000;
console.log(`${loss} N=${n} D=${d} T=${temperature}: wall ${wall.map((w) => w.toFixed(0)).join(', ')} ms; last model_run ${modelRun.toFixed(1)} ms`);
for (const [op, { ms, count }] of [...byOp].sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${op.padEnd(20)} ${ms.toFixed(1).padStart(7)} ms  x${count}`);
if (process.env['PROFILE_NODES']) {
  const wanted = process.env['PROFILE_NODES'].split(',');
  for (const e of last.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && wanted.includes(e.args?.op_name ?? ''))) {
    const shapes = (list?: Record<string, number[]>[]) => (list ?? []).map((o) => `[${Object.values(o)[0]!.join(', ')}]`).join(' ');
    console.log(`  ${(e.dur / 1000).toFixed(1).padStart(6)} ms ${e.name.replace('_kernel_time', '')}: ${shapes(e.args?.input_type_shape)} -> ${shapes(e.args?.output_type_shape)}`);
  }
}

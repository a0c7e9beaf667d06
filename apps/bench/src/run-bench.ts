/** Runs a plan cell by cell (each in its own process) and collects rows, matmul rates and floors. */
import os from 'node:os';
import { cellBackend, checksBackend, engineModels, estimateSeconds, fusedModel, pytorchFactor, type Cell, type SkippedCell } from './bench-plan.js';
import { floorFor, measuredRowsFor, sortRows, type Floor, type Row } from './bench-results.js';
import { runCellProcess } from './child-process.js';
import { lossSpecs, pairedNegatives } from './loss-specs.js';
import { runPytorchScript } from './pytorch-runner.js';
import type { MatmulRate, MatmulShape } from './run-matmul-cell.js';
import { similarityEntries, similarityRows, warmupRuns } from './statistics.js';

export interface BenchProgress {
  (message: string): void;
}

/** Every matmul shape the floors of these cells need (paired InfoNCE: its batched dot products, `negatives` set). */
export function matmulShapes(cells: readonly { loss: Cell['loss']; pairs: number; dimension: number }[]): MatmulShape[] {
  const keys = new Set(cells.map((c) => `${measuredRowsFor(similarityRows(c.loss, c.pairs))}x${c.dimension}x${lossSpecs[c.loss].products === 'paired' ? pairedNegatives : ''}`));
  return [...keys].map((k) => {
    const [rows, dimension, negatives] = k.split('x');
    return { rows: Number(rows), dimension: Number(dimension), ...(negatives ? { negatives: Number(negatives) } : {}) };
  }).sort((a, b) => a.rows - b.rows || a.dimension - b.dimension || (a.negatives ?? 0) - (b.negatives ?? 0));
}

/** One sample of the matmul rates at `shapes` on `engines` (each engine in its own child process). */
export async function measureMatmulRates(
  shapes: readonly MatmulShape[],
  log: BenchProgress,
  env: NodeJS.ProcessEnv,
  engines: readonly ('ort-node' | 'tfjs-wasm')[] = ['ort-node', 'tfjs-wasm'],
): Promise<Record<string, MatmulRate[]>> {
  const rates: Record<string, MatmulRate[]> = {};
  for (const engine of engines) {
    log(`matmul rates on ${engine}: ${shapes.map((s) => `${s.rows}x${s.dimension}`).join(', ')}`);
    const outcome = await runCellProcess({ matmul: engine, shapes }, 20 * 60_000, env);
    if (outcome.ok) rates[engine] = outcome.result['rates'] as MatmulRate[];
    else log(`  failed: ${outcome.error}`);
  }
  return rates;
}

function baseRow(cell: Cell): Pick<Row, 'backend' | 'ours' | 'loss' | 'pairs' | 'dimension' | 'temperature'> {
  return { backend: cellBackend(cell), ours: cell.kind === 'loss', loss: cell.loss, pairs: cell.pairs, dimension: cell.dimension, temperature: cell.temperature };
}

async function runPytorch(cell: Extract<Cell, { kind: 'pytorch' }>, budgetSeconds: number) {
  const seconds = estimateSeconds(engineModels.pytorch, cell.loss, similarityEntries(cell.loss, cell.pairs), cell.dimension, false) * pytorchFactor[cell.allocator];
  const runs = seconds < 2 ? 5 : seconds * 3 < budgetSeconds ? 3 : 1;
  const warmup = warmupRuns(budgetSeconds * 1000, seconds * 1000);
  const args = ['--loss', cell.loss, '--n', String(cell.pairs), '--d', String(cell.dimension), '--temperature', String(cell.temperature), '--runs', String(runs), '--warmup', String(warmup), '--threads', '2'];
  return runPytorchScript(cell.allocator, args, Math.max(10 * 60_000, seconds * 20_000));
}

/**
 * Runs one cell and returns its rows: one, or two for a call-check pair (failures become rows with their reason).
 * `env`: the environment of Node cell processes (`nodeCellEnvironment`); PyTorch rows set up their own.
 */
export async function runCellRows(cell: Cell, budgetSeconds: number, env: NodeJS.ProcessEnv): Promise<Row[]> {
  return cell.kind === 'checks' ? runChecksPair(cell, budgetSeconds, env) : [await runCell(cell, budgetSeconds, env)];
}

/** A call-check pair in one child process: the `(checks on)` and `(checks off)` rows, timed interleaved. */
async function runChecksPair(cell: Extract<Cell, { kind: 'checks' }>, budgetSeconds: number, env: NodeJS.ProcessEnv): Promise<Row[]> {
  const loadAverage = os.loadavg();
  const estimate = 2 * estimateSeconds(fusedModel(engineModels[cell.engine]), cell.loss, similarityEntries(cell.loss, cell.pairs), cell.dimension, false);
  const outcome = await runCellProcess({ cell, budgetMs: budgetSeconds * 1000 }, Math.max(10 * 60_000, estimate * 30_000), env);
  const base = { ours: true, loss: cell.loss, pairs: cell.pairs, dimension: cell.dimension, temperature: cell.temperature, loadAverage } as const;
  const rows = (['on', 'off'] as const).map((checks): Row => {
    const backend = checksBackend(cell.engine, checks);
    if (!outcome.ok) return { ...base, backend, checks, status: 'failed', reason: outcome.error };
    const r = outcome.result[checks] as Partial<Row>;
    const note = `${cell.note}; interleaved with the (checks ${checks === 'on' ? 'off' : 'on'}) row in one process, ${String(outcome.result['rounds'])} rounds; host check alone ${r.checkMs?.toFixed(3)} ms (median of ${r.checkRuns} calls)`;
    return {
      ...base, backend, checks, status: 'ok', note,
      medianMs: r.medianMs, runs: r.runs, timesMs: r.timesMs, warmupMs: r.warmupMs, lossValue: r.lossValue,
      checkMs: r.checkMs, checkMinMs: r.checkMinMs, checkRuns: r.checkRuns,
    };
  });
  return rows;
}

/** Runs one cell and returns its row (failures become rows with their reason). */
export async function runCell(cell: Exclude<Cell, { kind: 'checks' }>, budgetSeconds: number, env: NodeJS.ProcessEnv): Promise<Row> {
  const loadAverage = os.loadavg();
  const model = cell.kind === 'pytorch' ? engineModels.pytorch : cell.kind === 'naive' ? engineModels.naive : engineModels[cell.engine];
  const estimate = estimateSeconds(model, cell.loss, similarityEntries(cell.loss, cell.pairs), cell.dimension, cell.kind === 'loss' && cell.blockRows !== undefined);
  const timeoutMs = Math.max(10 * 60_000, estimate * 15_000);
  const outcome = cell.kind === 'pytorch' ? await runPytorch(cell, budgetSeconds) : await runCellProcess({ cell, budgetMs: budgetSeconds * 1000 }, timeoutMs, env);
  const extra = cell.kind === 'loss' ? { blockRows: cell.blockRows, note: cell.note } : cell.kind === 'naive' ? { note: `origin document's ${cell.variant === 'simclr-info-nce' ? 'info_nce_loss + CrossEntropyLoss' : 'contrastive_loss'}, tf.grads` } : { note: 'pytorch/loss_bench.py: stable form, float32, autograd, 2 threads' };
  if (!outcome.ok) return { ...baseRow(cell), ...extra, status: 'failed', reason: outcome.error, loadAverage };
  const r = outcome.result as Partial<Row>;
  return {
    ...baseRow(cell), ...extra, status: 'ok', loadAverage,
    medianMs: r.medianMs, runs: r.runs, timesMs: r.timesMs, warmupMs: r.warmupMs,
    traceMs: r.traceMs, sessionMs: r.sessionMs, firstRunMs: r.firstRunMs,
    rssDeltaBytes: r.rssDeltaBytes, peakRssBytes: r.peakRssBytes, tfjsPeakBytes: r.tfjsPeakBytes, wasmHeapBytes: r.wasmHeapBytes,
    lossValue: r.lossValue, ...(r.pairedFloor ? { pairedFloor: r.pairedFloor } : {}),
    ...(cell.kind === 'pytorch' ? pytorchFields(outcome.result) : {}),
  };
}

/** What a PyTorch row ran with: the setup it asked for and what the process loaded (BLAS, allocator). */
function pytorchFields(result: Record<string, unknown>): Pick<Row, 'note' | 'blas' | 'allocator'> {
  const blas = Array.isArray(result['blas']) ? (result['blas'] as string[]).join(', ') : undefined;
  const allocator = typeof result['allocator'] === 'string' ? result['allocator'] : undefined;
  return { note: `pytorch/loss_bench.py: stable form, float32, autograd, ${String(result['threads'])} threads, torch ${String(result['torch'])}; asked for ${String(result['setup'])}; loaded ${allocator} and ${blas || 'no BLAS library found in /proc/self/maps'}`, blas, allocator };
}

export function skippedRow(skipped: SkippedCell): Row {
  const ours = !skipped.backend.startsWith('naive') && !skipped.backend.startsWith('pytorch');
  return { backend: skipped.backend, ours, loss: skipped.loss, pairs: skipped.pairs, dimension: skipped.dimension, temperature: skipped.temperature, status: 'skipped', reason: skipped.reason };
}

export function floorsFor(rows: readonly Row[], rates: Readonly<Record<string, readonly MatmulRate[]>>): Floor[] {
  const keys = [...new Set(sortRows(rows.filter((r) => r.status === 'ok')).map((r) => `${r.loss}|${r.pairs}|${r.dimension}`))];
  return keys.flatMap((key) => {
    const [loss, pairs, dimension] = key.split('|');
    const floor = floorFor(loss as Row['loss'], Number(pairs), Number(dimension), rates);
    return floor ? [floor] : [];
  });
}

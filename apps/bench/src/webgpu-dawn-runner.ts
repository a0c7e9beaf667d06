/**
 * The WebGPU bench on Dawn in Node: each probe and each cell in its own `run-webgpu-cell.ts` process (a Dawn abort
 * is that cell's recorded failure; every cell starts with an empty buffer pool).
 */
import { resultMarker } from './cell-request.js';
import { runProcess, summarizeFailure } from './child-process.js';
import type { DawnRequest } from './run-webgpu-cell.js';
import type { WebGpuBenchOptions } from './webgpu-bench-options.js';
import type { AdapterReport, WebGpuCellOutcome, WebGpuPairCell, WebGpuPath } from './webgpu-cell.js';

async function runDawn(request: DawnRequest, timeoutMs: number): Promise<{ ok: true; result: Record<string, unknown> } | { ok: false; error: string }> {
  const args = ['--conditions=@contrastive/source', '--import', 'tsx', 'src/run-webgpu-cell.ts', JSON.stringify(request)];
  const out = await runProcess(process.execPath, args, process.env, timeoutMs);
  if (out.timedOut) return { ok: false, error: `timed out after ${(timeoutMs / 1000).toFixed(0)} s` };
  const line = out.stdout.split('\n').find((l) => l.startsWith(resultMarker));
  if (out.code === 0 && line) return { ok: true, result: JSON.parse(line.slice(resultMarker.length)) as Record<string, unknown> };
  return { ok: false, error: summarizeFailure(out.stderr, out.code, out.signal) };
}

export type PathOutcomes = Partial<Record<WebGpuPath, WebGpuCellOutcome>>;

/** Probes a runner's adapter and measures the given paths of a cell on it (interleaved when more than one). */
export interface WebGpuCellRunner {
  probe(): Promise<AdapterReport>;
  measure(cell: WebGpuPairCell, paths: readonly WebGpuPath[]): Promise<PathOutcomes>;
}

/**
 * Runs `paths` together; when that fails as a whole (the process or page died), each path alone, so that one
 * path's crash is its own row's failure and not the other's.
 */
export async function measureOrSplit(paths: readonly WebGpuPath[], attempt: (paths: readonly WebGpuPath[]) => Promise<PathOutcomes | string>): Promise<PathOutcomes> {
  const together = await attempt(paths);
  if (typeof together !== 'string') return together;
  if (paths.length === 1) return { [paths[0]!]: { status: 'failed', reason: together } };
  const alone: PathOutcomes = {};
  for (const path of paths) Object.assign(alone, await measureOrSplit([path], attempt)); // one at a time: never two measurements at once
  return alone;
}

export function dawnRunner(options: Pick<WebGpuBenchOptions, 'dawnOptions' | 'powerPreference' | 'budgetSeconds'>): WebGpuCellRunner {
  const base = { dawnOptions: options.dawnOptions, adapterOptions: { powerPreference: options.powerPreference } };
  return {
    async probe() {
      const outcome = await runDawn({ ...base, probe: true }, 120_000);
      return outcome.ok ? (outcome.result['adapter'] as AdapterReport) : { ok: false, error: `probe process failed: ${outcome.error}` };
    },
    measure(cell, paths) {
      const budgetMs = options.budgetSeconds * 1000;
      return measureOrSplit(paths, async (some) => {
        const outcome = await runDawn({ ...base, cell, paths: some, budgetMs }, Math.max(10 * 60_000, 20 * budgetMs));
        return outcome.ok ? (outcome.result as PathOutcomes) : outcome.error;
      });
    },
  };
}


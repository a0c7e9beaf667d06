/**
 * The WebGPU bench's plan: per runner, loss, temperature and D, every N (both paths of each measured together), and
 * the skip rule, per path: a cell whose single run, predicted from the same path's previous N (time grows as N^2), exceeds
 * the budget is skipped with that prediction as its reason.
 */
import { cellTemperature } from './loss-specs.js';
import type { WebGpuBenchOptions } from './webgpu-bench-options.js';
import type { WebGpuCell, WebGpuPairCell, WebGpuRow } from './webgpu-cell.js';

export function webGpuCells(options: Pick<WebGpuBenchOptions, 'runners' | 'losses' | 'sizes' | 'dimensions' | 'temperatures'>): WebGpuPairCell[] {
  const sizes = [...new Set(options.sizes)].sort((a, b) => a - b);
  const cells = options.runners.flatMap((runner) =>
    options.losses.flatMap((loss) =>
      options.temperatures.flatMap((t) =>
        options.dimensions.flatMap((dimension) =>
          sizes.map((pairs): WebGpuPairCell => ({ runner, loss, pairs, dimension, temperature: cellTemperature(loss, t) })),
        ),
      ),
    ),
  );
  // `--temperature default,0.5` names NT-Xent's default twice: one cell each.
  const keys = cells.map((c) => JSON.stringify(c));
  return cells.filter((_, i) => keys.indexOf(keys[i]!) === i);
}

const sameSeries = (a: WebGpuCell, b: WebGpuCell) =>
  a.runner === b.runner && a.loss === b.loss && a.path === b.path && a.dimension === b.dimension && a.temperature === b.temperature;

/** The predicted time of one run of `cell` from the largest smaller N measured on the same series, if any. */
export function predictedMs(cell: WebGpuCell, done: readonly WebGpuRow[]): number | undefined {
  const previous = done.filter((row) => row.status === 'ok' && sameSeries(row, cell) && row.pairs < cell.pairs).sort((a, b) => b.pairs - a.pairs)[0];
  if (!previous || previous.status !== 'ok') return undefined;
  return Math.min(previous.medianMs, previous.warmupMs) * (cell.pairs / previous.pairs) ** 2;
}

/** Why `cell` is skipped (its predicted single run is over the budget), or undefined to run it. */
export function skipReason(cell: WebGpuCell, done: readonly WebGpuRow[], budgetSeconds: number): string | undefined {
  const predicted = predictedMs(cell, done);
  if (predicted === undefined || predicted <= budgetSeconds * 1000) return undefined;
  return `one run predicted at ${(predicted / 1000).toFixed(1)} s (N^2 from the previous N), over --budget ${budgetSeconds} s`;
}

/**
 * Matmul rates sampled several times in one bench run, merged into the fastest seen. On a shared VM the rate of
 * the same product moves by ~30% within minutes (330-339 GFLOP/s in one run, 236-268 in one 15 minutes earlier),
 * so rates measured once, at the start, gave floors up to 1.4x off, some below the cells' own times. A floor is a
 * lower bound: each product shape keeps its fastest forward and fastest backward rate over every sample (taken
 * between the cells), and the slowest beside them, so the spread is on record.
 */
import type { MatmulRate, MatmulShape } from './run-matmul-cell.js';

/** The rates of one engine's shapes, per engine (`ort-node`, `tfjs-wasm`). */
export type MatmulRates = Readonly<Record<string, readonly MatmulRate[]>>;

const sameShape = (a: MatmulShape, b: MatmulShape) => a.rows === b.rows && a.dimension === b.dimension && a.negatives === b.negatives;

/**
 * One shape's rates after another sample: the faster forward (with its time) and the faster backward, the slower
 * of each as `slowest*`, runs summed, `samples` counted.
 *
 * @example
 * mergeRate(first, second).forwardFlopsPerSecond; // the larger of the two
 */
export function mergeRate(kept: MatmulRate, sample: MatmulRate): MatmulRate {
  const forward = sample.forwardFlopsPerSecond > kept.forwardFlopsPerSecond ? sample : kept;
  const backward = sample.backwardFlopsPerSecond > kept.backwardFlopsPerSecond ? sample : kept;
  return {
    ...kept,
    forwardFlopsPerSecond: forward.forwardFlopsPerSecond,
    forwardMs: forward.forwardMs,
    backwardFlopsPerSecond: backward.backwardFlopsPerSecond,
    backwardMs: backward.backwardMs,
    runs: kept.runs + sample.runs,
    samples: (kept.samples ?? 1) + (sample.samples ?? 1),
    slowestForwardFlopsPerSecond: Math.min(kept.slowestForwardFlopsPerSecond ?? kept.forwardFlopsPerSecond, sample.slowestForwardFlopsPerSecond ?? sample.forwardFlopsPerSecond),
    slowestBackwardFlopsPerSecond: Math.min(kept.slowestBackwardFlopsPerSecond ?? kept.backwardFlopsPerSecond, sample.slowestBackwardFlopsPerSecond ?? sample.backwardFlopsPerSecond),
  };
}

/**
 * Every engine's rates after a new sample: shapes in both merge (`mergeRate`), shapes in one are kept as they are.
 *
 * @example
 * let rates = await measureMatmulRates(shapes, log, env);
 * rates = mergeRates(rates, await measureMatmulRates(shapes, log, env, ['ort-node']));
 */
export function mergeRates(kept: MatmulRates, sample: MatmulRates): Record<string, MatmulRate[]> {
  const merged: Record<string, MatmulRate[]> = Object.fromEntries(Object.entries(kept).map(([engine, list]) => [engine, [...list]]));
  for (const [engine, list] of Object.entries(sample)) {
    const target = (merged[engine] ??= []);
    for (const rate of list) {
      const index = target.findIndex((r) => sameShape(r, rate));
      if (index < 0) target.push(rate);
      else target[index] = mergeRate(target[index]!, rate);
    }
  }
  return merged;
}

/**
 * Whether the rates are sampled again after the `cellsRun`-th cell: every `every` cells, so a run of C cells takes
 * about C / every extra samples (ort-node only: its products are the fast ones; ~10 s each at N = 4096).
 *
 * @example
 * resampleAfter(12, 6); // true
 */
export function resampleAfter(cellsRun: number, every: number): boolean {
  return cellsRun > 0 && cellsRun % every === 0;
}

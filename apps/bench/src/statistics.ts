import type { BenchLoss } from './cli-options.js';

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The median of the per-round differences `a[i] - b[i]` of two interleaved series (round i ran both): steadier
 * than the difference of the medians when the load drifts during the run.
 */
export function medianPairedDifference(a: readonly number[], b: readonly number[]): number | undefined {
  const n = Math.min(a.length, b.length);
  return n === 0 ? undefined : median(Array.from({ length: n }, (_, i) => a[i]! - b[i]!));
}

/** Rows of the similarity matrix: 2N for the two-view losses (NT-Xent, SupCon with 2 views), N for CLIP. */
export function similarityRows(loss: BenchLoss, pairs: number): number {
  return loss === 'clip' ? pairs : 2 * pairs;
}

export interface FlopCount {
  /** The similarity matmul `R x D @ D x R`: `2 R^2 D`. */
  readonly forward: number;
  /** The gradient matmuls: `2 R^2 D` when the similarity is symmetric (one `(G + G^T) z`), else two: `4 R^2 D`. */
  readonly backward: number;
  readonly total: number;
  readonly formula: string;
}

/**
 * The floating-point work of a loss's forward and backward: only the matmuls (everything else is O(R^2), not
 * O(R^2 D)), counted as 2 flops per multiply-add, at the least the math needs (what autodiff or chunking
 * recomputes is not counted). NT-Xent and SupCon, R = 2N: forward `2 (2N)^2 D`, backward `2 (2N)^2 D` (the
 * similarity is symmetric, one `(G + G^T) z` product), total `16 N^2 D`. CLIP, R = N: forward `2 N^2 D`,
 * backward `d anchors = G p` and `d positives = G^T a`, `4 N^2 D`, total `6 N^2 D`.
 */
export function flopCount(loss: BenchLoss, pairs: number, dimension: number): FlopCount {
  const rows = similarityRows(loss, pairs);
  const forward = 2 * rows * rows * dimension;
  const backward = loss === 'clip' ? 2 * forward : forward;
  const formula = loss === 'clip' ? 'fwd 2N^2D + bwd 4N^2D = 6N^2D' : 'fwd 2(2N)^2D + bwd 2(2N)^2D = 16N^2D';
  return { forward, backward, total: forward + backward, formula };
}

/** Milliseconds the loss's matmuls take at `flopsPerSecond` (the floor no implementation can beat). */
export function floorMilliseconds(flops: FlopCount, forwardRate: number, backwardRate: number): number {
  return (flops.forward / forwardRate + flops.backward / backwardRate) * 1000;
}

/**
 * Untimed warm-up runs for a step whose first run took `firstMs`: 3 when cheap (all three fit in a tenth of the
 * budget), else 1. Engines allocate their arenas and fault in fresh pages over the first runs (measured:
 * onnxruntime-node NT-Xent N = 4096 ran 312, 660, then 140-144 ms), so one warm-up under-reports steady speed.
 * Every engine gets the same rule, PyTorch included.
 */
export function warmupRuns(budgetMs: number, firstMs: number): number {
  return budgetMs > 0 && 3 * firstMs <= budgetMs / 10 ? 3 : 1;
}

/** How many timed runs fit a budget after a warm-up run took `warmupMs` (at least 1, at most 5). */
export function runsWithin(budgetMs: number, warmupMs: number): number {
  return Math.max(1, Math.min(5, Math.floor(budgetMs / Math.max(warmupMs, 1))));
}

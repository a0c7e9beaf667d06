import type { BenchLoss } from './cli-options.js';
import { lossSpecs, pairedNegatives } from './loss-specs.js';

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

/** Rows of the similarity matrix: 2N for the two-view self-similarity losses (NT-Xent, SupCon, DCL, SimCLR), N for the cross ones. */
export function similarityRows(loss: BenchLoss, pairs: number): number {
  return lossSpecs[loss].similarity(pairs).rows;
}

/** Entries of the similarity (logit) matrix: what the elementwise passes touch. */
export function similarityEntries(loss: BenchLoss, pairs: number): number {
  const { rows, columns } = lossSpecs[loss].similarity(pairs);
  return rows * columns;
}

export interface FlopCount {
  /** The similarity product(s) of the forward. */
  readonly forward: number;
  /** The gradient products of the backward. */
  readonly backward: number;
  readonly total: number;
  readonly formula: string;
}

/**
 * The floating-point work of a loss's forward and backward: only the products with a D-long inner dimension
 * (everything else is O(R C), not O(R C D)), counted as 2 flops per multiply-add, at the least the math needs
 * (what autodiff or chunking recomputes is not counted).
 * - `self` (NT-Xent, SupCon, DCL, SimCLR n-view; R = 2N): forward `2 R^2 D`, backward `2 R^2 D` (the similarity
 *   is symmetric: one `(G + G^T) z` product), total `16 N^2 D`.
 * - `cross` (CLIP, InfoNCE in-batch, contrastive_loss, SigLIP; C = N): forward `2 N C D`, backward `G k` and
 *   `G^T a`, `4 N C D`, total `6 N^2 D`. InfoNCE with a queue of M = N negatives: the same with C = M, plus the
 *   positives' row dots (O(N D), not counted).
 * - `paired` (InfoNCE with [N, M, D] negatives): the same `6 N M D` as batched dot products (no matmul), whose
 *   floor uses their own rate (`MatmulShape.negatives`: onnxruntime-node Mul + ReduceSum at those shapes); its
 *   paired floor times those products as one graph beside the loss (`paired-negatives-floor.ts`).
 */
export function flopCount(loss: BenchLoss, pairs: number, dimension: number): FlopCount {
  const spec = lossSpecs[loss];
  if (spec.products === 'self') {
    const rows = spec.similarity(pairs).rows;
    const forward = 2 * rows * rows * dimension;
    return { forward, backward: forward, total: 2 * forward, formula: 'fwd 2(2N)^2D + bwd 2(2N)^2D = 16N^2D' };
  }
  const columns = loss === 'info-nce-paired' ? pairedNegatives : pairs;
  const forward = 2 * pairs * columns * dimension;
  const formula = loss === 'info-nce-paired'
    ? `fwd 2NMD + bwd 4NMD = 6NMD, M = ${pairedNegatives}, batched dot products at their own measured rate`
    : loss === 'info-nce-queue' ? 'fwd 2NMD + bwd 4NMD = 6NMD, M = N' : 'fwd 2N^2D + bwd 4N^2D = 6N^2D';
  return { forward, backward: 2 * forward, total: 3 * forward, formula };
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

import type { SigmoidPairwiseInputs } from './sigmoid-pairwise.js';

/**
 * The backend's part of the fused {@link SigmoidPairwise} kernel: the passes over the [n, n] logits
 * `x = scaledAnchors positives^T + bias` (the diagonal left out: core forms `x_ii` in O(n D)).
 *
 * @example
 * const passes: SigmoidPairwisePasses<T> = { forward, products, workingMatrices: () => 3 };
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export interface SigmoidPairwisePasses<T> {
  /**
   * Forms `x` ([n, n]) and returns `offDiagonalSums` ([n, 1], `sum_{j != i} softplus(x_ij)`, each term in a stable
   * form, never `rowSum - softplus(x_ii)`) and a `state` holding `sigmoid(x)` with a zero diagonal for `products`.
   */
  forward(scaledAnchors: T, positives: T, bias: T, rows: number): { offDiagonalSums: T; state: unknown };
  /** With `S = sigmoid(x)`, zero on the diagonal: `rows = S left`, `columns = S^T right`, `rowSums = S 1` ([n, 1]). */
  products(left: T, right: T, state: unknown): { rows: T; columns: T; rowSums: T };
  /** Live [n, n] matrices at the peak for `rows` pairs (the composed count where the path does not apply). */
  workingMatrices(rows: number): number;
  /** Backend-specific reasons not to take the path (float16 storage, a matrix over a size limit). Default: none. */
  readonly applicable?: (inputs: SigmoidPairwiseInputs<T>) => boolean;
}

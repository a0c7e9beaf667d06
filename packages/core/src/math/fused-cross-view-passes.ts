import type { CrossViewInputs } from './cross-view-cross-entropy.js';

/**
 * What the cross-view passes are given: the size, and the shift they use.
 *
 * @example
 * const plan: CrossViewPlan = { rows: 4096, constantShift: false };
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export interface CrossViewPlan {
  /** `n`, the pairs (rows of each view). */
  readonly rows: number;
  /**
   * The scale when known before the run and the constant shift applies (rows of norm at most 1, `0 < scale <=
   * maximumConstantShift`): every exponential is `exp(s - scale)`, one matrix for both directions. Absent: each row
   * `i` is shifted by its own maximum `h_i` and each column `j` by its maximum `g_j` (two matrices).
   */
  readonly constantShift?: number;
}

/**
 * What the forward pass returns, all [n, 1]: the diagonal logits and, per direction, the shift and the shifted
 * sum over the negatives (the diagonal left out).
 *
 * @example
 * const { positiveLogits, rowShift, rowRest, columnShift, columnRest, state } = passes.forward(a, p, scale, plan);
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export interface CrossViewForwardPass<T> {
  /** `s_ii`, taken from the same product as the rest of `s` (no separate rounding). */
  readonly positiveLogits: T;
  /** `h_i = max_j s_ij` (the constant shift, or the row maxima, diagonal included). */
  readonly rowShift: T;
  /** `sum_{j != i} exp(s_ij - h_i)`. */
  readonly rowRest: T;
  /** `g_j = max_i s_ij`, as [n, 1] (the constant shift, or the column maxima). */
  readonly columnShift: T;
  /** `sum_{i != j} exp(s_ij - g_j)`, as [n, 1]. */
  readonly columnRest: T;
  /** Whatever `products` needs (the shifted exponentials, or nothing). */
  readonly state: unknown;
}

/**
 * The backend's part of the fused cross-view kernel: the passes over the [n, n] matrix.
 *
 * @example
 * const passes: CrossViewPasses<T> = { knownValues, forward, products };
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export interface CrossViewPasses<T> {
  /** The values of a tensor fixed before the computation runs (constants, host data), else `undefined`. */
  knownValues(x: T): ArrayLike<number> | undefined;
  /** `s = scale * anchors @ keys^T` and the statistics of both directions (see {@link CrossViewForwardPass}). */
  forward(anchors: T, keys: T, scale: T, plan: CrossViewPlan): CrossViewForwardPass<T>;
  /**
   * With `R = E_r` (`exp(s_ij - h_i)`) and `C = E_c` (`exp(s_ij - g_j)`), both with a zero diagonal, and [n, 1]
   * weights `u` (rows) and `v` (columns): `anchors = u * (R keys) + C (v * keys)` and
   * `keys = R^T (u * anchors) + v * (C^T anchors)`, each [n, D].
   */
  products(anchors: T, keys: T, plan: CrossViewPlan, u: T, v: T, state: unknown): { anchors: T; keys: T };
  /** Backend-specific reasons not to take the path (float16 storage, ...). Default: none. */
  readonly applicable?: (inputs: CrossViewInputs<T>) => boolean;
}

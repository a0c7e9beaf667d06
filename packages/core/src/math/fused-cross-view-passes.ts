import type { CrossViewInputs } from './cross-view-cross-entropy.js';

/**
 * What the cross-view passes are given: the size, and the shift they use.
 *
 * @example
 * const plan: CrossViewPlan = { rows: 4096, directions: 1, positivesInDenominator: true, constantShift: 10 };
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export interface CrossViewPlan {
  /** `n`, the pairs (rows of each view). */
  readonly rows: number;
  /**
   * 2: both directions (rows and columns of `s`, CLIP); 1: the rows only (in-batch InfoNCE, the contrastive loss),
   * then no column statistics are formed and `products` gets no column weights. Absent: 2.
   */
  readonly directions?: 1 | 2;
  /**
   * False for the decoupled form (the positive left out of each denominator): each shift is then the maximum over
   * the line's negatives only (the diagonal excluded), so the sum over them is at least 1. Absent: true.
   */
  readonly positivesInDenominator?: boolean;
  /**
   * `|scale|` when the scale is known before the run; absent otherwise (CLIP's logit scale, a graph input). Passes
   * may form the diagonal apart from the product when it is at most `maximumRowShift` (decision 0004: the two
   * roundings then differ by less than the float32 loss tolerance).
   */
  readonly knownScale?: number;
  /**
   * The scale when known before the run and the constant shift applies (rows of norm at most 1, `0 < scale <=
   * maximumConstantShift`): every exponential is `exp(s - scale)`, one matrix for both directions. Absent: each row
   * `i` is shifted by its own maximum `h_i` and each column `j` by its maximum `g_j` (two matrices).
   */
  readonly constantShift?: number;
  /**
   * True on rows of norm at most 1, both directions, the positives in the denominators, without the constant shift,
   * when the scale is a graph input or at most `maximumPresetShift`: the passes may shift row `i` and column `i` by
   * one value chosen before the product from [n, D] dots, checking its denominators at run time (decision 0014).
   * Passes that ignore it shift by the maxima. Absent: false.
   */
  readonly presetShift?: boolean;
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
  /**
   * `s_ii`, taken from the same product as the rest of `s` (no separate rounding), or from row dot products when
   * `plan.knownScale <= maximumRowShift`.
   */
  readonly positiveLogits: T;
  /**
   * `h_i = max_j s_ij` (the constant shift, or the row maxima, diagonal included; with `positivesInDenominator:
   * false` the maxima over `j != i`).
   */
  readonly rowShift: T;
  /** `sum_{j != i} exp(s_ij - h_i)`. */
  readonly rowRest: T;
  /** `g_j = max_i s_ij`, as [n, 1] (the constant shift, or the column maxima); absent with `directions: 1`. */
  readonly columnShift?: T;
  /** `sum_{i != j} exp(s_ij - g_j)`, as [n, 1]; absent with `directions: 1`. */
  readonly columnRest?: T;
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
   * `keys = R^T (u * anchors) + v * (C^T anchors)`, each [n, D]. With `directions: 1` (`v` absent):
   * `anchors = u * (R keys)`, `keys = R^T (u * anchors)`, two products and no [n, n] elementwise pass.
   */
  products(anchors: T, keys: T, plan: CrossViewPlan, u: T, v: T | undefined, state: unknown): { anchors: T; keys: T };
  /** Whether the passes honour `plan.directions: 1`; without it one-direction calls run the composed kernel. */
  readonly oneDirection?: boolean;
  /** Whether the passes honour `plan.positivesInDenominator: false`; without it decoupled calls run composed. */
  readonly decoupled?: boolean;
  /**
   * Live [n, n] matrices at the passes' peak (for the resource guard), by plan; `undefined` where the passes would
   * not apply (`applicable` false: a block too large, float16 storage), so the composed kernel is counted.
   */
  readonly workingMatrices?: (plan: CrossViewPlan) => number | undefined;
  /** Backend-specific reasons not to take the path (float16 storage, ...). Default: none. */
  readonly applicable?: (inputs: CrossViewInputs<T>) => boolean;
}

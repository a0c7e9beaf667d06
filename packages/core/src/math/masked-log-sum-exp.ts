import type { TensorBackend } from '../tensor-backend.js';

/**
 * Row-wise `log sum_{j in mask} exp(x_ij)` over a [n, m] matrix, max-subtracted and in log1p form:
 * `lse = max + log1p(rest)` where `rest` sums `exp(x - max)` over every masked entry but one copy of the maximum,
 * so `rest` is exact when one entry dominates and tiny losses keep their digits. Every row needs at least one
 * masked entry (callers validate that). Masked-out entries never reach `exp` results (selected away by `where`).
 *
 * @param b - The tensor backend.
 * @param x - [n, m] the values.
 * @param mask - [n, m] (or broadcastable) mask from `equal`/`greater`: the entries to sum.
 *
 * @example
 * const { logSumExp } = maskedRowLogSumExp(b, logits, b.greater(positiveWeight, b.fill([], -1)));
 *
 * @see [Decision 0002: log1p log-sum-exp](/contributing/decisions/0002-log1p-log-sum-exp)
 */
export function maskedRowLogSumExp<T>(
  b: TensorBackend<T>,
  x: T,
  mask: T,
): {
  /** [n, 1] `max + log1p(rest)`. */
  logSumExp: T;
  /** [n, 1] the row maxima over the mask. */
  rowMax: T;
  /** [n, 1] `log1p(rest)`. */
  log1pRest: T;
} {
  const { masked: _masked, ...result } = rowLogSumExpOfMasked(b, b.where(mask, x, b.fill([], -Infinity)));
  return result;
}

/**
 * The same for a matrix whose left-out entries are already `-Infinity` (`masked = where(mask, x, -inf)`), in
 * the fewest passes over the [n, m] matrix and two `where`s: `shifted = masked - max` keeps `-inf` where left
 * out (the row max is finite, or replaced by 0 in a row with nothing in its mask), so `exp(shifted)` is an exact
 * zero there; `exp(0) = 1` exactly at the maxima, so subtracting the maxima's indicator leaves the other
 * entries' sum. Returns `masked` too, for a backward that reuses it.
 */
export function rowLogSumExpOfMasked<T>(b: TensorBackend<T>, masked: T): { logSumExp: T; rowMax: T; log1pRest: T; masked: T } {
  const zero = b.fill([], 0);
  const one = b.fill([], 1);
  const rowMax = b.max(masked, 1, true);
  // A row with nothing in its mask shifts by 0 (all `-inf`, so `rest = -1` and `lse = -inf`, never NaN).
  const shifted = b.sub(masked, b.where(b.greater(rowMax, b.fill([], -Infinity)), rowMax, zero));
  const atMax = b.where(b.equal(shifted, zero), one, zero);
  const maxCount = b.sum(atMax, 1, true);
  const others = b.sum(b.sub(b.exp(shifted), atMax), 1, true);
  const rest = b.add(others, b.sub(maxCount, one));
  const log1pRest = b.log1p(rest);
  return { logSumExp: b.add(rowMax, log1pRest), rowMax, log1pRest, masked };
}

import type { TensorBackend } from '../tensor-backend.js';

/**
 * Row-wise `log sum_{j in mask} exp(x_ij)` over a [n, m] matrix, max-subtracted and in log1p form:
 * `lse = max + log1p(rest)` where `rest` sums `exp(x - max)` over every masked entry but one copy of the maximum,
 * so `rest` is exact when one entry dominates and tiny losses keep their digits. Every row needs at least one
 * masked entry (callers validate that). Masked-out entries never reach `exp` results (selected away by `where`).
 */
export function maskedRowLogSumExp<T>(b: TensorBackend<T>, x: T, mask: T): { logSumExp: T; rowMax: T; log1pRest: T } {
  const zero = b.fill([], 0);
  const rowMax = b.max(b.where(mask, x, b.fill([], -Infinity)), 1, true);
  const shifted = b.where(mask, b.sub(x, rowMax), b.fill([], -Infinity));
  const isMax = b.equal(shifted, zero);
  const maxCount = b.sum(b.where(isMax, b.fill([], 1), zero), 1, true);
  const others = b.sum(b.where(isMax, zero, b.where(mask, b.exp(shifted), zero)), 1, true);
  const rest = b.add(others, b.sub(maxCount, b.fill([], 1)));
  const log1pRest = b.log1p(rest);
  return { logSumExp: b.add(rowMax, log1pRest), rowMax, log1pRest };
}

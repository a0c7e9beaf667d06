import type { Reduction } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';

/**
 * Reduces per-row losses [n]: `mean` divides by `count` (default n), `sum` adds, `none` keeps them.
 * `count` may be a scalar tensor (for example the number of anchors that have a positive).
 */
export function reduceRows<T>(b: TensorBackend<T>, rows: T, reduction: Reduction, count?: T): T {
  if (reduction === 'none') return rows;
  const total = b.sum(rows, 0, false);
  if (reduction === 'sum') return total;
  return b.div(total, count ?? b.fill([], b.shape(rows)[0]!));
}

/** The gradient of `reduceRows` with respect to the rows, for an upstream gradient of the reduced loss. */
export function reduceRowsBackward<T>(b: TensorBackend<T>, upstream: T, rowCount: number, reduction: Reduction, count?: T): T {
  if (reduction === 'none') return upstream;
  const perRow = b.mul(b.fill([rowCount], 1), upstream);
  if (reduction === 'sum') return perRow;
  return b.div(perRow, count ?? b.fill([], rowCount));
}

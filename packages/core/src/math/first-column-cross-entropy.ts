import type { TensorBackend } from '../tensor-backend.js';
import { maskedRowLogSumExp } from './masked-log-sum-exp.js';

export interface FirstColumnCrossEntropySaved<T> {
  readonly logits: T;
  /** [n, 1] */
  readonly logSumExp: T;
}

/**
 * Row-wise cross-entropy of [n, c] logits with target column 0: `l_i = -x_i0 + log sum_j exp(x_ij)`, computed as
 * `(max_i - x_i0) + log1p(rest_i)` (max-subtracted; a dominant target gives an exact 0 plus a small log1p, so tiny
 * losses keep their digits). Returns the rows [n].
 */
export function firstColumnCrossEntropyForward<T>(b: TensorBackend<T>, logits: T): { rowLosses: T; saved: FirstColumnCrossEntropySaved<T> } {
  const rows = b.shape(logits)[0]!;
  const everything = b.greater(b.fill([1, 1], 1), b.fill([], 0));
  const { logSumExp, rowMax, log1pRest } = maskedRowLogSumExp(b, logits, everything);
  const target = b.slice(logits, [0, 0], [rows, 1]);
  const rowLosses = b.reshape(b.add(b.sub(rowMax, target), log1pRest), [rows]);
  return { rowLosses, saved: { logits, logSumExp } };
}

/** Gradient with respect to the logits for upstream row weights `w` [n]: `w_i (softmax(x_i)_j - [j == 0])`. */
export function firstColumnCrossEntropyBackward<T>(b: TensorBackend<T>, saved: FirstColumnCrossEntropySaved<T>, rowWeights: T): T {
  const [rows, columns] = b.shape(saved.logits) as [number, number];
  const softmax = b.exp(b.sub(saved.logits, saved.logSumExp));
  const target = b.fromArray(Array.from({ length: columns }, (_, j) => (j === 0 ? 1 : 0)), [1, columns]);
  return b.mul(b.sub(softmax, target), b.reshape(rowWeights, [rows, 1]));
}

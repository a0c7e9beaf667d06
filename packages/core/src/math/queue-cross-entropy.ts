import type { TensorBackend } from '../tensor-backend.js';
import { maximumConstantShift } from './constant-shift-passes.js';

/**
 * Live [n, m] matrices of {@link queueCrossEntropyForward} at its peak: the product, its shifted copy (row maxima) and
 * the exponentials; the backward keeps only the exponentials.
 *
 * @example
 * const bytes = queueWorkingMatrices * rows * (1 + queueLength) * 4; // float32
 *
 * @see [InfoNCE](/losses/info-nce)
 */
export const queueWorkingMatrices = 3;

/**
 * What {@link queueCrossEntropyBackward} needs.
 *
 * @example
 * const { saved } = queueCrossEntropyForward(b, queries, keys, queue, 1 / 0.07, true); // a QueueCrossEntropySaved
 *
 * @see [InfoNCE](/losses/info-nce)
 */
export interface QueueCrossEntropySaved<T> {
  readonly anchors: T;
  readonly positives: T;
  readonly negatives: T;
  /** `scale` as a scalar tensor. */
  readonly scale: T;
  /** [n, m] `exp(s_im - h_i)`, the shifted exponentials of the negatives. */
  readonly exponentials: T;
  /** [n, 1] `rest_i = sum_m exp(s_im - h_i)`. */
  readonly rest: T;
  /** [n, 1] `R_i = rest_i + exp(s_i0 - h_i)`. */
  readonly denominator: T;
}

/**
 * InfoNCE's cross-entropy over a positive and a shared negatives matrix (a MoCo queue): row `i` has the logits
 * `s_i0 = scale a_i . p_i` (the target) and `s_im = scale a_i . n_m`, `l_i = -s_i0 + log(exp(s_i0) + sum_m exp(s_im))`,
 * with no [n, 1 + m] concatenation and no softmax matrix.
 *
 * Forward: each row is shifted by `h_i`, the constant `scale` when the rows have norm at most 1 and `0 < scale <=
 * maximumConstantShift` (folded into the product as `[scale a, -scale] [n, 1]^T`), else its maximum over the
 * negatives and the positive. `rest_i` is the shifted sum over the negatives and `e_i = exp(s_i0 - h_i)`; the loss is
 * `log1p(rest_i / e_i)` when the positive dominates (digits of a loss near 0 kept), else `log(rest_i + e_i) + h_i - s_i0`.
 * Live [n, m] matrices: {@link queueWorkingMatrices}.
 *
 * @param b - The tensor backend.
 * @param anchors - [n, D].
 * @param positives - [n, D], row `i` the positive of anchor `i`.
 * @param negatives - [m, D], shared by every anchor.
 * @param scale - `1 / temperature`, known on the host.
 * @param rowNormsAtMostOne - Whether every row has an L2 norm of at most 1 (the loss normalised them).
 * @returns The [n] row losses and what the backward needs.
 *
 * @example
 * const { rowLosses, saved } = queueCrossEntropyForward(b, queries, keys, queue, 1 / 0.07, true);
 *
 * @see [InfoNCE](/losses/info-nce)
 */
export function queueCrossEntropyForward<T>(
  b: TensorBackend<T>,
  anchors: T,
  positives: T,
  negatives: T,
  scale: number,
  rowNormsAtMostOne: boolean,
): { rowLosses: T; saved: QueueCrossEntropySaved<T> } {
  const [n] = b.shape(anchors) as [number, number];
  const m = b.shape(negatives)[0]!;
  const scaleTensor = b.fill([], scale);
  const positiveLogits = b.mul(b.sum(b.mul(anchors, positives), 1, true), scaleTensor);
  let shift: T;
  let exponentials: T;
  if (rowNormsAtMostOne && scale > 0 && scale <= maximumConstantShift) {
    shift = b.fill([n, 1], scale);
    const left = b.concat([b.mul(anchors, scaleTensor), b.fill([n, 1], -scale)], 1);
    exponentials = b.exp(b.matmul(left, b.concat([negatives, b.fill([m, 1], 1)], 1), { transposeB: true }));
  } else {
    const logits = b.matmul(b.mul(anchors, scaleTensor), negatives, { transposeB: true });
    shift = b.maximum(b.max(logits, 1, true), positiveLogits);
    exponentials = b.exp(b.sub(logits, shift));
  }
  const { rest, denominator, losses } = positiveApartLosses(b, positiveLogits, shift, exponentials);
  const saved = { anchors, positives, negatives, scale: scaleTensor, exponentials, rest, denominator };
  return { rowLosses: b.reshape(losses, [n]), saved };
}

/**
 * Row losses `log(exp(x_0 - h) + rest) + h - x_0` with the positive's logit `x_0` [n, 1] apart from the negatives'
 * shifted exponentials [n, m] (shift `h` [n, 1]): where the positive dominates, `log1p(rest / exp(x_0 - h))`, so a
 * tiny loss keeps its digits. Shared by the queue and the paired negatives.
 *
 * @example
 * const { rest, denominator, losses } = positiveApartLosses(b, positiveLogits, shift, exponentials);
 */
export function positiveApartLosses<T>(b: TensorBackend<T>, positiveLogits: T, shift: T, exponentials: T): { rest: T; denominator: T; losses: T } {
  const rest = b.sum(exponentials, 1, true);
  const positive = b.exp(b.sub(positiveLogits, shift));
  const denominator = b.add(rest, positive);
  const general = b.sub(b.add(b.log(denominator), shift), positiveLogits);
  return { rest, denominator, losses: b.where(b.greater(positive, rest), b.log1p(b.div(rest, positive)), general) };
}

/**
 * Gradients of {@link queueCrossEntropyForward} for upstream row weights `w` [n]. With `u = w / R`: the positive's
 * coefficient is `G_i0 = -u_i rest_i` (from the negatives' mass, never `softmax - 1`), the negatives' `G_im = u_i
 * E_im`; `d a = scale (u * (E n) + G_0 * p)`, `d p = scale G_0 * a`, `d n = scale E^T (u * a)`: two products and no
 * [n, m] elementwise pass.
 *
 * @param b - The tensor backend.
 * @param saved - From the forward.
 * @param rowWeights - [n] upstream weights of the row losses.
 * @returns The gradients of the anchors, positives and negatives (before any normalisation).
 *
 * @example
 * const { anchors, positives, negatives } = queueCrossEntropyBackward(b, saved, weights);
 *
 * @see [InfoNCE](/losses/info-nce)
 */
export function queueCrossEntropyBackward<T>(
  b: TensorBackend<T>,
  saved: QueueCrossEntropySaved<T>,
  rowWeights: T,
): { anchors: T; positives: T; negatives: T } {
  const { anchors: a, positives: p, negatives, scale, exponentials, rest, denominator } = saved;
  const n = b.shape(a)[0]!;
  const u = b.div(b.reshape(rowWeights, [n, 1]), denominator);
  const positiveCoefficient = b.neg(b.mul(u, rest));
  const anchors = b.mul(b.add(b.mul(u, b.matmul(exponentials, negatives)), b.mul(positiveCoefficient, p)), scale);
  const positives = b.mul(b.mul(positiveCoefficient, a), scale);
  const negativesGradient = b.mul(b.matmul(exponentials, b.mul(u, a), { transposeA: true }), scale);
  return { anchors, positives, negatives: negativesGradient };
}

/**
 * One block of anchor rows against all keys, composed from primitives: the forward (logits, masks, per-row
 * statistics) and the gradient with respect to the scaled similarities. The composed kernel runs it once over all
 * rows, the chunked kernel once per block.
 */
import type { TensorBackend } from '../tensor-backend.js';
import { rowLogSumExpOfMasked } from './masked-log-sum-exp.js';
import type { Pairing } from './similarity-cross-entropy.js';

/**
 * `positiveWeight` (1 for a positive, else 0) and `excluded` (keys outside the denominator), from the ids.
 * With positives in the denominator only the anchor itself is excluded, one comparison.
 */
function masks<T>(b: TensorBackend<T>, pairing: Pairing<T>) {
  const self = b.equal(pairing.anchorIds, pairing.keyIds);
  const zero = b.fill([], 0);
  const one = b.fill([], 1);
  const positiveWeight = b.where(self, zero, b.where(b.equal(pairing.anchorGroups, pairing.keyGroups), one, zero));
  const excluded = pairing.positivesInDenominator ? self : b.greater(b.where(self, one, positiveWeight), zero);
  return { positiveWeight, excluded };
}

/**
 * Everything one block of anchor rows needs, computed from the inputs (the logits are [rows, m]).
 *
 * @example
 * const block = similarityBlockForward(b, anchorRows, keys, scale, pairing);
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface SimilarityBlock<T> {
  /** [rows, m] `scale * anchors @ keys^T`. */
  readonly logits: T;
  /** The logits with every key outside the denominator set to `-Infinity` (so `exp` zeroes it exactly). */
  readonly maskedLogits: T;
  /** [rows, m] 1 for a positive, else 0. */
  readonly positiveWeight: T;
  /** [rows, 1] the positive counts, at least 1 (a safe divisor). */
  readonly safeCounts: T;
  /** [rows, 1] 1 for rows with a positive, else 0. */
  readonly hasPositive: T;
  /** [rows, 1] log of each denominator. */
  readonly logSumExp: T;
  /** [rows, 1] the losses `l_i`. */
  readonly rowLosses: T;
  /** [rows, 1] the positive counts `|pos(i)|`. */
  readonly positiveCounts: T;
}

/**
 * Forward of one block of anchors against all keys: logits, masks and per-row statistics.
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 *
 * @example
 * const block = similarityBlockForward(b, b.slice(anchors, [first, 0], [rows, d]), keys, scale, blockPairing);
 *
 */
export function similarityBlockForward<T>(b: TensorBackend<T>, anchors: T, keys: T, scale: T, pairing: Pairing<T>): SimilarityBlock<T> {
  const logits = b.matmul(b.mul(anchors, scale), keys, { transposeB: true });
  const rows = b.shape(logits)[0]!;
  const { positiveWeight, excluded } = masks(b, pairing);
  const counts = b.sum(positiveWeight, 1, true);
  const zero = b.fill([], 0);
  const hasPositive = b.greater(counts, zero);
  const safeCounts = b.maximum(counts, b.fill([], 1));
  const maskedLogits = b.where(excluded, b.fill([], -Infinity), logits);
  const { logSumExp, rowMax, log1pRest } = rowLogSumExpOfMasked(b, maskedLogits);
  // mean_p (max - s_ip), each gap formed before the mean: at temperature 1e-6 the logits are ~1e6 and averaging
  // them first would cancel away the digits of the (small) gaps. Weighting by 0/1 selects the positives exactly
  // (the gaps are finite: an empty denominator's -Infinity max is replaced by 0, and its row has loss 0 anyway).
  const finiteMax = b.where(b.greater(rowMax, b.fill([], -Infinity)), rowMax, zero);
  const positiveGap = b.div(b.sum(b.mul(b.sub(finiteMax, logits), positiveWeight), 1, true), safeCounts);
  // mean gap + log1p(rest): exact zero plus a small log1p when the positive dominates.
  const rowValues = b.add(b.add(positiveGap, b.sub(rowMax, finiteMax)), log1pRest);
  const rowLosses = b.reshape(b.where(hasPositive, rowValues, zero), [rows]);
  const positiveCounts = b.reshape(counts, [rows]);
  return { logits, maskedLogits, positiveWeight, safeCounts, hasPositive, logSumExp, rowLosses, positiveCounts };
}

/**
 * `G = w (softmax_den(s) - positives / |positives|)` for one block; rows without a positive get zeros.
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 *
 * @example
 * const g = similarityBlockGradient(b, block, block.logSumExp, rowWeights);
 *
 */
export function similarityBlockGradient<T>(b: TensorBackend<T>, block: SimilarityBlock<T>, logSumExp: T, rowWeights: T): T {
  const zero = b.fill([], 0);
  // exp(-inf) = 0: keys outside the denominator get an exact zero without a `where` pass.
  // A row with an empty denominator (lse = -inf) subtracts 0 instead, so its softmax is zeros, not NaN.
  const safeLogSumExp = b.where(b.greater(logSumExp, b.fill([], -Infinity)), logSumExp, zero);
  const softmax = b.exp(b.sub(block.maskedLogits, safeLogSumExp));
  const weights = b.where(block.hasPositive, b.reshape(rowWeights, [b.shape(block.logits)[0]!, 1]), zero);
  return b.mul(b.sub(softmax, b.div(block.positiveWeight, block.safeCounts)), weights);
}

import type { TensorBackend } from '../tensor-backend.js';
import { rowLogSumExpOfMasked } from './masked-log-sum-exp.js';

/**
 * Which key is a positive and which keys form the denominator of anchor `i`, stated by ids so that a tiled
 * kernel can rebuild the masks on the fly:
 * - key `j` is excluded entirely when `anchorIds[i] == keyIds[j]` (the anchor itself);
 * - key `j` is a positive when `anchorGroups[i] == keyGroups[j]` and it is not excluded;
 * - the denominator holds every key that is not excluded, minus the positives when `positivesInDenominator`
 *   is false (the decoupled form).
 * Id tensors are [n, 1] for anchors and [1, m] for keys; use ids that never match to exclude nothing.
 */
export interface Pairing<T> {
  readonly anchorIds: T;
  readonly keyIds: T;
  readonly anchorGroups: T;
  readonly keyGroups: T;
  readonly positivesInDenominator: boolean;
}

export interface SimilarityCrossEntropyInputs<T> {
  /** [n, D] */
  readonly anchors: T;
  /** [m, D]; ignored when `keysAreAnchors` (the keys are then the anchors themselves). */
  readonly keys: T;
  /** Scalar multiplier of the similarities (1 / temperature, or CLIP's logit scale). */
  readonly scale: T;
  readonly pairing: Pairing<T>;
  readonly keysAreAnchors: boolean;
  /** Whether the backward returns the gradient of `scale` (CLIP's learnable logit scale). */
  readonly learnableScale: boolean;
  /**
   * A promise from the loss that every row of `anchors` and `keys` has an L2 norm of at most 1 (up to rounding;
   * the loss L2-normalised them), so `|s_ij| <= |scale|`. A fused kernel may then shift its exponentials by the
   * constant `|scale|` instead of each row's maximum. Absent means no such promise.
   */
  readonly rowNormsAtMostOne?: boolean;
}

/** What the forward keeps for the backward. Fused kernels may keep only per-row statistics. */
export interface SimilarityCrossEntropySaved<T> {
  readonly inputs: SimilarityCrossEntropyInputs<T>;
  /** [n, 1] log of the denominator, `log sum_{j in den(i)} exp(s_ij)`. */
  readonly logSumExp: T;
  /** Kernel-private state (the composed kernel keeps the logits; fused ones keep nothing of size N x N). */
  readonly extra: unknown;
}

export interface SimilarityCrossEntropyGradients<T> {
  readonly anchors: T;
  /** Absent when `keysAreAnchors` (its contribution is folded into `anchors`). */
  readonly keys?: T;
  /** Present when `learnableScale`. */
  readonly scale?: T;
}

/**
 * Per-anchor loss `l_i = mean_{p in pos(i)} (-s_ip) + log sum_{j in den(i)} exp(s_ij)` with
 * `s = scale * anchors @ keys^T`; anchors without a positive get `l_i = 0` and no gradient.
 * Backward, for upstream weights `w_i`: `G_ij = w_i (softmax_den(s)_ij - [j in pos(i)] / |pos(i)|)`,
 * `d anchors = scale G keys`, `d keys = scale G^T anchors`, `d scale = sum(G * s) / scale`.
 */
export interface SimilarityCrossEntropy<T> {
  forward(backend: TensorBackend<T>, inputs: SimilarityCrossEntropyInputs<T>): {
    rowLosses: T;
    positiveCounts: T;
    saved: SimilarityCrossEntropySaved<T>;
  };
  backward(backend: TensorBackend<T>, saved: SimilarityCrossEntropySaved<T>, rowWeights: T): SimilarityCrossEntropyGradients<T>;
  /**
   * How many matrices of the similarity's size (`rows x columns`) this kernel keeps alive at once, for the
   * resource guard; `constantShift` says whether the constant-shift criteria hold. Absent: the composed count (16).
   */
  workingMatrices?(set: WorkingSetQuery): number;
}

/** What `workingMatrices` is asked about. */
export interface WorkingSetQuery {
  readonly rows: number;
  readonly columns: number;
  readonly selfSimilarity: boolean;
  readonly normalized: boolean;
  readonly scale?: number;
  readonly constantShift: boolean;
}

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

/** Everything one block of anchor rows needs, computed from the inputs (the logits are [rows, m]). */
export interface SimilarityBlock<T> {
  readonly logits: T;
  /** The logits with every key outside the denominator set to `-Infinity` (so `exp` zeroes it exactly). */
  readonly maskedLogits: T;
  readonly positiveWeight: T;
  readonly safeCounts: T;
  readonly hasPositive: T;
  readonly logSumExp: T;
  readonly rowLosses: T;
  readonly positiveCounts: T;
}

/** Forward of one block of anchors against all keys: logits, masks and per-row statistics. */
export function similarityBlockForward<T>(b: TensorBackend<T>, anchors: T, keys: T, scale: T, pairing: Pairing<T>): SimilarityBlock<T> {
  const logits = b.matmul(b.mul(anchors, scale), keys, { transposeB: true });
  const rows = b.shape(logits)[0]!;
  const { positiveWeight, excluded } = masks(b, pairing);
  const counts = b.sum(positiveWeight, 1, true);
  const zero = b.fill([], 0);
  const hasPositive = b.greater(counts, zero);
  const safeCounts = b.maximum(counts, b.fill([], 1));
  // The logits are finite, so weighting by 0/1 selects the positives exactly (one pass, no `where`).
  const positiveMean = b.div(b.sum(b.mul(logits, positiveWeight), 1, true), safeCounts);
  const maskedLogits = b.where(excluded, b.fill([], -Infinity), logits);
  const { logSumExp, rowMax, log1pRest } = rowLogSumExpOfMasked(b, maskedLogits);
  // (max - mean positive) + log1p(rest): exact zero plus a small log1p when the positive dominates.
  const rowValues = b.add(b.sub(rowMax, positiveMean), log1pRest);
  const rowLosses = b.reshape(b.where(hasPositive, rowValues, zero), [rows]);
  const positiveCounts = b.reshape(counts, [rows]);
  return { logits, maskedLogits, positiveWeight, safeCounts, hasPositive, logSumExp, rowLosses, positiveCounts };
}

/** `G = w (softmax_den(s) - positives / |positives|)` for one block; rows without a positive get zeros. */
export function similarityBlockGradient<T>(b: TensorBackend<T>, block: SimilarityBlock<T>, logSumExp: T, rowWeights: T): T {
  const zero = b.fill([], 0);
  // exp(-inf) = 0: keys outside the denominator get an exact zero without a `where` pass.
  // A row with an empty denominator (lse = -inf) subtracts 0 instead, so its softmax is zeros, not NaN.
  const safeLogSumExp = b.where(b.greater(logSumExp, b.fill([], -Infinity)), logSumExp, zero);
  const softmax = b.exp(b.sub(block.maskedLogits, safeLogSumExp));
  const weights = b.where(block.hasPositive, b.reshape(rowWeights, [b.shape(block.logits)[0]!, 1]), zero);
  return b.mul(b.sub(softmax, b.div(block.positiveWeight, block.safeCounts)), weights);
}

/** The composed reference: builds the whole [n, m] similarity matrix with primitives. */
export function composedSimilarityCrossEntropy<T>(): SimilarityCrossEntropy<T> {
  return {
    forward(b, inputs) {
      const keys = inputs.keysAreAnchors ? inputs.anchors : inputs.keys;
      const block = similarityBlockForward(b, inputs.anchors, keys, inputs.scale, inputs.pairing);
      return {
        rowLosses: block.rowLosses,
        positiveCounts: block.positiveCounts,
        saved: { inputs, logSumExp: block.logSumExp, extra: { ...block } },
      };
    },
    backward(b, saved, rowWeights) {
      const block = saved.extra as SimilarityBlock<T>;
      const grad = similarityBlockGradient(b, block, saved.logSumExp, rowWeights);
      return similarityGradients(b, saved.inputs, grad, block.logits);
    },
  };
}

/** Chains a gradient `G` with respect to the scaled similarities into anchors, keys and scale. */
export function similarityGradients<T>(
  b: TensorBackend<T>,
  inputs: SimilarityCrossEntropyInputs<T>,
  grad: T,
  logits: T,
): SimilarityCrossEntropyGradients<T> {
  const scaleGrad = inputs.learnableScale
    ? b.div(b.sum(b.sum(b.mul(grad, logits), 1, false), 0, false), inputs.scale)
    : undefined;
  if (inputs.keysAreAnchors) {
    const symmetric = b.add(grad, b.transpose(grad));
    const anchors = b.mul(b.matmul(symmetric, inputs.anchors), inputs.scale);
    return scaleGrad ? { anchors, scale: scaleGrad } : { anchors };
  }
  const anchors = b.mul(b.matmul(grad, inputs.keys), inputs.scale);
  const keys = b.mul(b.matmul(grad, inputs.anchors, { transposeA: true }), inputs.scale);
  return scaleGrad ? { anchors, keys, scale: scaleGrad } : { anchors, keys };
}

/** The backend's fused override when it has one, else the composed reference. */
export function similarityCrossEntropyKernel<T>(backend: TensorBackend<T>): SimilarityCrossEntropy<T> {
  return backend.fused?.similarityCrossEntropy ?? composedSimilarityCrossEntropy<T>();
}

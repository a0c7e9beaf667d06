import type { TensorBackend } from '../tensor-backend.js';
import { similarityBlockForward, similarityBlockGradient, type SimilarityBlock } from './similarity-block.js';

/**
 * Which key is a positive and which keys form the denominator of anchor `i`, stated by ids so that a tiled
 * kernel can rebuild the masks on the fly:
 * - key `j` is excluded entirely when `anchorIds[i] == keyIds[j]` (the anchor itself);
 * - key `j` is a positive when `anchorGroups[i] == keyGroups[j]` and it is not excluded;
 * - the denominator holds every key that is not excluded, minus the positives when `positivesInDenominator`
 *   is false (the decoupled form).
 * Id tensors are [n, 1] for anchors and [1, m] for keys; use ids that never match to exclude nothing.
 *
 * @example
 * // NT-Xent over z = [anchors; positives] (2N rows): exclude self, positive = the other view of the sample.
 * const pairing = {
 *   anchorIds: b.fromArray(ids, [2 * n, 1]), keyIds: b.fromArray(ids, [1, 2 * n]),
 *   anchorGroups: b.fromArray(samples, [2 * n, 1]), keyGroups: b.fromArray(samples, [1, 2 * n]),
 *   positivesInDenominator: true,
 * };
 *
 * @see [Decision 0001: pairing by ids](/contributing/decisions/0001-pairing-by-ids)
 */
export interface Pairing<T> {
  /** [n, 1] anchor ids; key `j` is excluded from anchor `i`'s row when the ids are equal. */
  readonly anchorIds: T;
  /** [1, m] key ids, compared with `anchorIds`. */
  readonly keyIds: T;
  /** [n, 1] anchor groups; a key of the same group (not excluded) is a positive. */
  readonly anchorGroups: T;
  /** [1, m] key groups, compared with `anchorGroups`. */
  readonly keyGroups: T;
  /** Whether the positives are part of the denominator (false: the decoupled form, as DCL). */
  readonly positivesInDenominator: boolean;
  /**
   * A promise that `keyGroups` holds the values of `anchorGroups` (self-similarity, as SupCon without memory), so a
   * kernel may read the groups from `anchorGroups` alone when their values are known only at run time.
   */
  readonly sharedGroups?: boolean;
  /**
   * A promise that the groups repeat every `groupPeriod` rows (`anchorGroups[i] = anchorGroups[i mod groupPeriod]`,
   * SupCon's views), so a kernel reading them at run time may compare the first `groupPeriod` only.
   */
  readonly groupPeriod?: number;
}

/**
 * The inputs of a {@link SimilarityCrossEntropy} kernel.
 *
 * @example
 * const inputs: SimilarityCrossEntropyInputs<T> = {
 *   anchors: z, keys: z, scale: b.fill([], 1 / temperature), pairing, keysAreAnchors: true, learnableScale: false,
 * };
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface SimilarityCrossEntropyInputs<T> {
  /** [n, D] */
  readonly anchors: T;
  /** [m, D]; ignored when `keysAreAnchors` (the keys are then the anchors themselves). */
  readonly keys: T;
  /** Scalar multiplier of the similarities (1 / temperature, or CLIP's logit scale). */
  readonly scale: T;
  /** Which keys are positives and which form each denominator. */
  readonly pairing: Pairing<T>;
  /** True when the keys are the anchors themselves (self-similarity, as NT-Xent); `keys` is then ignored. */
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

/**
 * What the forward keeps for the backward. Fused kernels may keep only per-row statistics.
 *
 * @example
 * const { saved } = kernel.forward(backend, inputs);
 * const gradients = kernel.backward(backend, saved, rowWeights);
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface SimilarityCrossEntropySaved<T> {
  /** The forward's inputs. */
  readonly inputs: SimilarityCrossEntropyInputs<T>;
  /** [n, 1] log of the denominator, `log sum_{j in den(i)} exp(s_ij)`. */
  readonly logSumExp: T;
  /** Kernel-private state (the composed kernel keeps the logits; fused ones keep nothing of size N x N). */
  readonly extra: unknown;
}

/**
 * What a {@link SimilarityCrossEntropy} kernel's backward returns.
 *
 * @example
 * const { anchors: dAnchors, keys: dKeys } = kernel.backward(backend, saved, rowWeights);
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface SimilarityCrossEntropyGradients<T> {
  /** [n, D], the gradient of the anchors. */
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
 * The fused kernel `TensorBackend.fused.similarityCrossEntropy` implements it; {@link composedSimilarityCrossEntropy}
 * is the reference.
 *
 * @example
 * const kernel = similarityCrossEntropyKernel(backend);
 * const { rowLosses, saved } = kernel.forward(backend, inputs);
 * const { anchors: dAnchors } = kernel.backward(backend, saved, backend.fill(backend.shape(rowLosses), 1));
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface SimilarityCrossEntropy<T> {
  /** Per-anchor losses and what the backward needs. */
  forward(backend: TensorBackend<T>, inputs: SimilarityCrossEntropyInputs<T>): {
    /** [n, 1] the losses `l_i` (0 for anchors without a positive). */
    rowLosses: T;
    /** [n, 1] `|pos(i)|`, the positives of each anchor. */
    positiveCounts: T;
    /** What the backward needs. */
    saved: SimilarityCrossEntropySaved<T>;
  };
  /** The gradients for the row weights `rowWeights` ([n, 1], the upstream of each `l_i`). */
  backward(backend: TensorBackend<T>, saved: SimilarityCrossEntropySaved<T>, rowWeights: T): SimilarityCrossEntropyGradients<T>;
  /**
   * How many matrices of the similarity's size (`rows x columns`) this kernel keeps alive at once, for the
   * resource guard; `constantShift` says whether the constant-shift criteria hold. Absent: the composed count (16).
   */
  workingMatrices?(set: WorkingSetQuery): number;
}

/**
 * What `workingMatrices` is asked about.
 *
 * @example
 * const kernel = { ...myKernel, workingMatrices: (set: WorkingSetQuery) => (set.constantShift ? 3 : 16) };
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface WorkingSetQuery {
  /** Rows of the similarity matrix (anchors). */
  readonly rows: number;
  /** Columns of the similarity matrix (keys). */
  readonly columns: number;
  /** True when the keys are the anchors themselves. */
  readonly selfSimilarity: boolean;
  /** Whether rows are L2-normalised first. */
  readonly normalized: boolean;
  /** The similarity scale when known from options (`1 / temperature`). */
  readonly scale?: number;
  /** Whether the constant-shift criteria hold (normalised self-similarity, scale at most `maximumConstantShift`). */
  readonly constantShift: boolean;
  /**
   * Whether the criteria hold only with row-maximum shifts: normalised self-similarity, scale above
   * `maximumConstantShift` and at most `maximumRowShift` (kernels whose passes implement `rowShift`).
   */
  readonly rowShift?: boolean;
  /**
   * Whether the positives may come from groups read at run time (SupCon's labels, decision 0006), so a kernel with
   * a run-time-group path counts it; false or absent for pairings from positions (NT-Xent, SimCLR InfoNCE, DCL).
   */
  readonly runtimeGroups?: boolean;
}

/**
 * The composed reference: builds the whole [n, m] similarity matrix with primitives.
 *
 * @example
 * const kernel = composedSimilarityCrossEntropy<ReferenceTensor>(); // the reference a fused kernel must match
 * const { rowLosses } = kernel.forward(backend, inputs);
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
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

/**
 * Chains a gradient `G` with respect to the scaled similarities into anchors, keys and scale.
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 *
 * @example
 * const { anchors: dAnchors } = similarityGradients(b, inputs, g, logits);
 *
 */
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

/**
 * The backend's fused override when it has one, else the composed reference.
 *
 * @example
 * const kernel = similarityCrossEntropyKernel(backend); // backend.fused?.similarityCrossEntropy or the composed one
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export function similarityCrossEntropyKernel<T>(backend: TensorBackend<T>): SimilarityCrossEntropy<T> {
  return backend.fused?.similarityCrossEntropy ?? composedSimilarityCrossEntropy<T>();
}

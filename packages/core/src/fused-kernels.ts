/**
 * The closed list of fused kernels a backend may override. Core keeps the composed reference of each; the
 * conformance suite checks every override against it. Add an entry only for a measured win.
 */
import type { CrossViewCrossEntropy } from './math/cross-view-cross-entropy.js';
import type { SigmoidPairwise } from './math/sigmoid-pairwise.js';
import type { SimilarityCrossEntropy } from './math/similarity-cross-entropy.js';

/**
 * The closed list of fused kernels a backend may override (`TensorBackend.fused`). Core keeps the composed reference
 * of each; the conformance suite checks every override against it.
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 *
 * @example
 * const backend: TensorBackend<MyTensor> = { ...base, fused: { similarityCrossEntropy: myFusedKernel } };
 *
 */
export interface FusedKernels<T> {
  /** Row-wise InfoNCE over `scale * anchors @ keys^T` with id-based positive and denominator masks. */
  readonly similarityCrossEntropy: SimilarityCrossEntropy<T>;
  /** Both directions of the cross-view cross-entropy over one `scale * anchors @ keys^T` (CLIP), learnable scale included. */
  readonly crossViewCrossEntropy: CrossViewCrossEntropy<T>;
  /** SigLIP's pairwise sigmoid loss over `t anchors @ positives^T + bias`, labels +1 on the diagonal, -1 off it. */
  readonly sigmoidPairwise: SigmoidPairwise<T>;
}

/**
 * The names of {@link FusedKernels}, as a runtime list.
 *
 * @example
 * fusedKernelNames; // ['similarityCrossEntropy', 'crossViewCrossEntropy', 'sigmoidPairwise']
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export const fusedKernelNames = ['similarityCrossEntropy', 'crossViewCrossEntropy', 'sigmoidPairwise'] as const satisfies readonly (keyof FusedKernels<unknown>)[];

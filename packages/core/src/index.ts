export { specificationVersion } from './tensor-backend.js';
export type {
  BackendCapabilities,
  FloatPrecision,
  FusedKernelName,
  MatmulOptions,
  Shape,
  SpecificationVersion,
  StaticIndices,
  TensorBackend,
} from './tensor-backend.js';
export { ContrastiveInputError, formatShape } from './errors.js';
export type { FusedKernels } from './fused-kernels.js';
export { fusedKernelNames } from './fused-kernels.js';
export {
  composedSimilarityCrossEntropy,
  similarityCrossEntropyKernel,
  similarityGradients,
} from './math/similarity-cross-entropy.js';
export type {
  Pairing,
  SimilarityCrossEntropy,
  SimilarityCrossEntropyGradients,
  SimilarityCrossEntropyInputs,
  SimilarityCrossEntropySaved,
} from './math/similarity-cross-entropy.js';
export { maskedRowLogSumExp } from './math/masked-log-sum-exp.js';
export { l2NormalizeBackward, l2NormalizeForward, normalizeEpsilon } from './math/l2-normalize.js';
export type { L2NormalizeSaved } from './math/l2-normalize.js';
export { computeLoss, computeLossAndGradients, disposeAll } from './loss-definition.js';
export type { InputNameOf, LossDefinition, LossForward, LossGradients, LossInputs, OptionsOf } from './loss-definition.js';
export { reductions } from './options.js';
export type { Reduction } from './options.js';
export { expectFiniteValuesAsync } from './validation.js';
export { createReferenceBackend, ReferenceTensor } from './reference/reference-backend.js';
export { TensorTracker, collectTensors } from './reference/tensor-tracker.js';
export { ntXent } from './losses/nt-xent.js';
export type { NtXentOptions } from './losses/nt-xent.js';

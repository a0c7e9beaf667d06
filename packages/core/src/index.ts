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
export { ContrastiveInputError, ContrastiveResourceError, formatBytes, formatShape } from './errors.js';
export { checkDeviceRead, flagOutputs } from './contract/device-check.js';
export type { DeviceCandidate } from './contract/device-check.js';
export { checkLossCall } from './loss-definition.js';
export { checkBackend, checkLoss, checkUpstreamValues } from './contract/check-call.js';
export { checkHostCall } from './contract/check-host-call.js';
export type { HostCallTarget, HostValues } from './contract/check-host-call.js';
export { precisionLimits } from './contract/precision-limits.js';
export type { PrecisionLimits } from './contract/precision-limits.js';
export { checkLossMemory, checkMemoryBudget, checkValuesOption, composedWorkingMatrices, defaultMemoryBudgetBytes, memoryBudgetBytes } from './contract/working-set.js';
export { checkKnownValues } from './contract/input-facts.js';
export type { InputFacts, InputRole, LossContract, Magnitude, WorkingSet } from './contract/loss-contract.js';
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
  WorkingSetQuery,
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
export type { ReferenceBackendOptions } from './reference/reference-backend.js';
export { TensorTracker, collectTensors } from './reference/tensor-tracker.js';
export * as rowMajor from './reference/row-major.js';
export type { HostArray, RowMajorValues } from './reference/row-major.js';
// Every export of every loss file (its definition, options type and helpers), listed by the generator.
export * from './losses/exports.generated.js';
export { topKAccuracy } from './losses/top-k-accuracy.js';
export type { TopKAccuracyOptions } from './losses/top-k-accuracy.js';
export { losses } from './losses/registry.js';
export type { LossName } from './losses/registry.js';
export { chunkedSimilarityCrossEntropy, withChunking } from './math/chunked-similarity-cross-entropy.js';
export { similarityBlockForward, similarityBlockGradient } from './math/similarity-block.js';
export type { SimilarityBlock } from './math/similarity-block.js';
export { localClip, localNtXent, localSupCon } from './distributed/index.js';
export type {
  LocalClipInput,
  LocalClipOptions,
  LocalNtXentInput,
  LocalNtXentOptions,
  LocalSupConInput,
  LocalSupConOptions,
} from './distributed/index.js';
export { constantShiftSimilarityCrossEntropy, maximumConstantShift, maximumRowShift } from './math/constant-shift-similarity-cross-entropy.js';
export type { ConstantShiftPasses, ConstantShiftPlan } from './math/constant-shift-similarity-cross-entropy.js';
export { maximumPresetShift, maximumShiftedLogit, minimumPresetDenominator, presetRowShift, type PresetRowShift } from './math/constant-shift-similarity-cross-entropy.js';
export { fusedCrossViewCrossEntropy } from './math/fused-cross-view-cross-entropy.js';
export type { CrossViewForwardPass, CrossViewPasses, CrossViewPlan } from './math/fused-cross-view-cross-entropy.js';
export { composedCrossViewCrossEntropy } from './math/cross-view-cross-entropy.js';
export type { CrossViewCrossEntropy, CrossViewGradients, CrossViewInputs, CrossViewQuery } from './math/cross-view-cross-entropy.js';
export { symmetricPairing } from './math/symmetric-pairing.js';
export type { SymmetricPairing, Values as PairingValues } from './math/symmetric-pairing.js';
export { createNegativeQueue } from './training/negative-queue.js';
export type { NegativeQueue, NegativeQueueOptions } from './training/negative-queue.js';
export { composedSigmoidPairwise, composedSigmoidPairwiseMatrices } from './math/sigmoid-pairwise.js';
export type { SigmoidPairwise, SigmoidPairwiseGradients, SigmoidPairwiseInputs } from './math/sigmoid-pairwise.js';
export { fusedSigmoidPairwise } from './math/fused-sigmoid-pairwise.js';
export type { SigmoidPairwisePasses } from './math/fused-sigmoid-pairwise.js';
export { constantShiftPlan } from './math/constant-shift-similarity-cross-entropy.js';
export type { RuntimeGroupPasses } from './math/constant-shift-similarity-cross-entropy.js';

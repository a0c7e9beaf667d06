export { createTfjsBackend } from './tfjs-backend.js';
export type { TfjsBackendOptions } from './tfjs-backend.js';
export { defaultTfjsMemoryBudgetBytes } from './memory-budget.js';
export { detectPrecision, float16Constant, float16Max, float16MinNormal } from './tfjs-precision.js';
export type { TfjsModule } from './tfjs-precision.js';
export { TfjsBackendError, selectTfjsBackend } from './backend-errors.js';
export { Reduction, toCoreReduction } from './reduction.js';
export type { ReductionInput } from './reduction.js';
export { tfjsLoss, tfjsLossBackend } from './tfjs-loss.js';
export type { TensorInput, TfjsLoss, TfjsLossOptions } from './tfjs-loss.js';
export {
  alignment,
  clip,
  contrastiveLoss,
  dcl,
  hcl,
  infoNce,
  ntXent,
  sigLip,
  simclrInfoNce,
  supCon,
  tripletMargin,
  uniformity,
} from './losses.js';
export { simclrInfoNceLogits, topKAccuracy } from './metrics.js';
export { layersLoss } from './layers-loss.js';
export type { AnyTfjsLoss, LayersLossFunction } from './layers-loss.js';
export { cachedGradients, cachedGradientStep } from './training/cached-gradients.js';
export type { CachedGradients } from './training/cached-gradients.js';
export type { CachedGradientOptions } from './training/cached-gradient-options.js';
export type { Encoder, EncoderModel } from './training/encoder.js';
export { momentumUpdate } from './training/momentum-update.js';
export type { LayerWeight, MomentumWeights } from './training/momentum-update.js';

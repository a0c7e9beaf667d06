import { ContrastiveInputError } from '../errors.js';
import type { LossDefinition, LossInputs } from '../loss-definition.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { idRange } from '../math/pairing-ids.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { similarityCrossEntropyKernel, type SimilarityCrossEntropySaved } from '../math/similarity-cross-entropy.js';
import { checkBoolean, checkIntegerAtLeast, checkOneOf, checkPositiveFinite, resolveOptions, type OptionCheck } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectRank } from '../validation.js';
import { expectGatheredPair } from './gathered-inputs.js';

/**
 * Options of {@link localClip}; every one is optional in a call.
 *
 * @example
 * computeLossAndGradients(backend, localClip, inputs, { rowOffset: rank * rowsPerWorker });
 *
 * @see [Data-parallel (local) forms](/losses/local-losses)
 */
export interface LocalClipOptions {
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** Clamp of the logit scale, or null for none; the gradient is zero when clamped. Default 100 (open_clip's). */
  readonly maxLogitScale: number | null;
  /** Where this worker's rows start in the gathered matrices; an integer >= 0. Default 0. */
  readonly rowOffset: number;
  /** `mean` (default) divides by the global normaliser 2N (so worker losses add up to the full loss); or `sum`. */
  readonly reduction: 'mean' | 'sum';
}

const defaults: LocalClipOptions = { normalize: true, maxLogitScale: 100, rowOffset: 0, reduction: 'mean' };
const checkMaxScale: OptionCheck = (value, argument) => {
  if (value !== null) checkPositiveFinite(value, argument);
};
/**
 * The names of local CLIP's inputs (exported as `LocalClipInput`).
 *
 * @example
 * const inputs: LossInputs<ReferenceTensor, LocalClipInput> = { anchors, positives, gatheredAnchors, gatheredPositives, logitScale };
 *
 * @see [Data-parallel (local) forms](/losses/local-losses)
 */
export type Name = 'anchors' | 'positives' | 'gatheredAnchors' | 'gatheredPositives' | 'logitScale';

/**
 * CLIP for data-parallel training with exact gradients: the local-loss form (as open_clip's `local_loss=True`
 * with `gather_with_grad`, but with the key gradients returned explicitly).
 *
 * Worker k holds image rows `anchors` and text rows `positives` [n_k, D], the all-gathered `gatheredAnchors`,
 * `gatheredPositives` [N, D] (its own rows at `rowOffset`) and the shared `logitScale`. Local rows
 * `i`: image-to-text `l_i = -S_ii' + lse_j S_ij'` against all gathered texts, text-to-image likewise against all
 * gathered images (i' = rowOffset + i). `loss_k = sum_i (l^{i2t}_i + l^{t2i}_i) / (2N)` (`mean`: the global
 * normaliser) or the plain sum. Worker losses add up to the full-batch loss; the full gradient of worker k's rows
 * is the local gradient plus the reduce-scattered gathered gradients, and the full gradient of `logitScale` is the
 * sum (all-reduce) of the workers' `logitScale` gradients.
 *
 * Inputs: `anchors`, `positives` [n_k, D], `gatheredAnchors`, `gatheredPositives` [N, D] and `logitScale`, a
 * scalar [] > 0.
 * Options: {@link LocalClipOptions} (`normalize` true, `maxLogitScale` 100, `rowOffset` 0, `reduction` `'mean'`).
 *
 * @example
 * const { loss, gradients } = computeLossAndGradients(backend, localClip,
 *   { anchors, positives, gatheredAnchors, gatheredPositives, logitScale }, { rowOffset });
 *
 *
 * @see [Data-parallel (local) forms](/losses/local-losses)
 */
export const localClip: LossDefinition<Name, LocalClipOptions> = {
  name: 'local-clip',
  inputs: ['anchors', 'positives', 'gatheredAnchors', 'gatheredPositives', 'logitScale'],
  gradientInputs: ['anchors', 'positives', 'gatheredAnchors', 'gatheredPositives', 'logitScale'],
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, {
      normalize: checkBoolean,
      maxLogitScale: checkMaxScale,
      rowOffset: checkIntegerAtLeast(0),
      reduction: checkOneOf(['mean', 'sum']),
    }),
  validate(backend, inputs, options) {
    expectGatheredPair(backend, inputs, options.rowOffset);
    expectRank(backend, inputs.logitScale, 'logitScale', 0);
    if (backend.capabilities.hostReadable && backend.readSync) {
      const scale = backend.readSync(inputs.logitScale!)[0]!;
      if (!(scale > 0) || !Number.isFinite(scale)) throw new ContrastiveInputError('logitScale', 'a finite number > 0', String(scale));
    }
  },
  forward: (b, inputs, options) => localClipForward(b, inputs, options),
  backward: (b, saved, upstream, options) => localClipBackward(b, saved as LocalClipSaved<typeof upstream>, upstream, options),
};

interface LocalClipSaved<T> {
  readonly directions: readonly [SimilarityCrossEntropySaved<T>, SimilarityCrossEntropySaved<T>];
  readonly normalized: readonly (L2NormalizeSaved<T> | undefined)[];
  readonly clamped: T | undefined;
  readonly rows: number;
  readonly total: number;
}

function localClipForward<T>(b: TensorBackend<T>, inputs: LossInputs<T, Name>, options: LocalClipOptions) {
  const rows = b.shape(inputs.anchors!)[0]!;
  const total = b.shape(inputs.gatheredAnchors!)[0]!;
  const { scale, clamped } = clampScale(b, inputs.logitScale!, options.maxLogitScale);
  const normalized = [inputs.anchors!, inputs.positives!, inputs.gatheredAnchors!, inputs.gatheredPositives!].map((x) =>
    maybeNormalize(b, x, options.normalize),
  );
  const [images, texts, allImages, allTexts] = normalized.map((n) => n.value) as [T, T, T, T];
  const kernel = similarityCrossEntropyKernel(b);
  const direction = (anchors: T, keys: T) =>
    kernel.forward(b, {
      anchors,
      keys,
      scale,
      pairing: {
        anchorIds: b.fill([rows, 1], -1),
        keyIds: idRange(b, total, 0, 'row'),
        anchorGroups: idRange(b, rows, options.rowOffset, 'column'),
        keyGroups: idRange(b, total, 0, 'row'),
        positivesInDenominator: true,
      },
      keysAreAnchors: false,
      learnableScale: true,
    });
  const imageToText = direction(images, allTexts);
  const textToImage = direction(texts, allImages);
  const rowLosses = b.mul(b.add(imageToText.rowLosses, textToImage.rowLosses), b.fill([], 0.5));
  const loss = reduceRows(b, rowLosses, options.reduction, b.fill([], total));
  const saved: LocalClipSaved<T> = {
    directions: [imageToText.saved, textToImage.saved],
    normalized: normalized.map((n) => n.saved),
    clamped,
    rows,
    total,
  };
  return { loss, saved };
}

function localClipBackward<T>(b: TensorBackend<T>, saved: LocalClipSaved<T>, upstream: T, options: LocalClipOptions) {
  const half = b.mul(reduceRowsBackward(b, upstream, saved.rows, options.reduction, b.fill([], saved.total)), b.fill([], 0.5));
  const kernel = similarityCrossEntropyKernel(b);
  const imageToText = kernel.backward(b, saved.directions[0], half);
  const textToImage = kernel.backward(b, saved.directions[1], half);
  const [images, texts, allImages, allTexts] = saved.normalized;
  const scaleGradient = b.add(imageToText.scale!, textToImage.scale!);
  return {
    anchors: maybeNormalizeBackward(b, images, imageToText.anchors),
    positives: maybeNormalizeBackward(b, texts, textToImage.anchors),
    gatheredAnchors: maybeNormalizeBackward(b, allImages, textToImage.keys!),
    gatheredPositives: maybeNormalizeBackward(b, allTexts, imageToText.keys!),
    logitScale: saved.clamped ? b.where(saved.clamped, b.fill([], 0), scaleGradient) : scaleGradient,
  };
}

/** `min(logitScale, max)` and the mask "clamped" (strictly above the maximum; none when there is no maximum). */
function clampScale<T>(b: TensorBackend<T>, logitScale: T, max: number | null): { scale: T; clamped: T | undefined } {
  if (max === null) return { scale: logitScale, clamped: undefined };
  const limit = b.fill([], max);
  return { scale: b.minimum(logitScale, limit), clamped: b.greater(logitScale, limit) };
}

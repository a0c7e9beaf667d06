import { normalizationGradient, type Magnitude } from '../contract/loss-contract.js';
import { crossSimilarity } from '../contract/temperature-contract.js';
import { ContrastiveInputError } from '../errors.js';
import type { LossDefinition } from '../loss-definition.js';
import { crossViewBackward, crossViewForward, type CrossViewSaved } from '../math/cross-view-cross-entropy.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { diagonalPairing } from '../math/pairing-ids.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { checkBoolean, checkReduction, describe, resolveOptions, type OptionCheck, type Reduction } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectEmbeddingPair, expectRank } from '../validation.js';

/**
 * Options of {@link clip}; every one is optional in a call (the default applies).
 *
 * @example
 * computeLoss(backend, clip, { anchors, positives, logitScale }, { maxLogitScale: null });
 *
 * @see [CLIP](/losses/clip)
 */
export interface ClipOptions {
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** Upper clamp of `logitScale` (open_clip's 100), or `null` for none. Default 100. */
  readonly maxLogitScale: number | null;
  /** `mean` over the N pairs (default), `sum`, or `none` ([N]). */
  readonly reduction: Reduction;
}

const defaults: ClipOptions = { normalize: true, maxLogitScale: 100, reduction: 'mean' };

const checkMaxLogitScale: OptionCheck = (value, argument) => {
  if (value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ContrastiveInputError(argument, 'a finite number > 0 or null', describe(value));
  }
};

interface ClipSaved<T> {
  kernel: CrossViewSaved<T>;
  anchors: L2NormalizeSaved<T> | undefined;
  positives: L2NormalizeSaved<T> | undefined;
  clamped: T | undefined;
  rows: number;
}

/**
 * The CLIP loss (Radford et al. 2021, arXiv:2103.00020), with the conventions of open_clip's `ClipLoss`.
 *
 * Forward: `a = normalize(anchors)` (images), `p = normalize(positives)` (texts), `c = min(logitScale, maxLogitScale)`
 * (no clamp when `maxLogitScale` is null), `S = c a p^T` [N, N]. Row `i` averages both directions:
 *   `l_i = ((-S_ii + log sum_j exp(S_ij)) + (-S_ii + log sum_j exp(S_ji))) / 2`.
 * `logitScale` is the multiplier itself (open_clip's `logit_scale.exp()`), a scalar > 0.
 * Backward: per direction `G_ij = (w_i / 2) (softmax_j(S_i)_j - [i == j])` (and the same over `S^T`), then
 * `d a = c G p`, `d p = c G^T a`, `d c = sum(G * S) / c`, summed over the two directions; `d logitScale = d c`
 * unless `logitScale > maxLogitScale` (clamped: 0, like `torch.clamp`), then through the normalisation.
 *
 * Inputs: `anchors` (images) and `positives` (texts), [N, D]; `logitScale`, a scalar [] > 0.
 * Options: {@link ClipOptions} (`normalize` true, `maxLogitScale` 100, `reduction` `'mean'`).
 *
 * @example
 * const logitScale = backend.fromArray([1 / 0.07], []);
 * const loss = computeLoss(backend, clip, { anchors: images, positives: texts, logitScale });
 *
 * @see [CLIP](/losses/clip)
 */
export const clip: LossDefinition<'anchors' | 'positives' | 'logitScale', ClipOptions> = {
  name: 'clip',
  inputs: ['anchors', 'positives', 'logitScale'],
  gradientInputs: ['anchors', 'positives', 'logitScale'],
  defaults,
  contract: {
    roles: { anchors: 'embeddings', positives: 'embeddings', logitScale: 'scale' },
    magnitudes(options, facts) {
      const given = facts.logitScale?.scalar;
      if (given === undefined) return [];
      const scale = Math.min(given, options.maxLogitScale ?? Infinity);
      const result: Magnitude[] = [{ argument: 'logitScale', quantity: 'logitScale (after the maxLogitScale clamp)', value: scale }];
      const [a, p] = [facts.anchors?.maxRowNorm ?? 0, facts.positives?.maxRowNorm ?? 0];
      if (options.normalize) return [...result, ...normalizationGradient({ argument: 'logitScale', value: scale }, [facts.anchors, facts.positives])];
      result.push({ argument: 'logitScale', quantity: 'the largest logit, logitScale times the row norms', value: scale * a * p });
      result.push({ argument: 'logitScale', quantity: 'the largest gradient, logitScale times the largest row norm', value: scale * Math.max(a, p) });
      return result;
    },
    workingSet: (shapes, options) => {
      const rows = shapes.anchors![0]!;
      // Both directions over one matrix; the logit scale is an input (not known from the shapes).
      const crossView = { rows, directions: 2, positivesInDenominator: true, learnableScale: true, rowNormsAtMostOne: options.normalize } as const;
      return { ...crossSimilarity(rows, rows, options.normalize), fusedKernel: 'crossViewCrossEntropy', crossView };
    },
  },
  resolveOptions: (options) =>
    resolveOptions(defaults, options, { normalize: checkBoolean, maxLogitScale: checkMaxLogitScale, reduction: checkReduction }),
  validate(backend, inputs) {
    expectEmbeddingPair(backend, inputs.anchors, inputs.positives);
    expectRank(backend, inputs.logitScale, 'logitScale', 0);
  },
  forward(b, inputs, options) {
    const rows = b.shape(inputs.anchors!)[0]!;
    const anchors = maybeNormalize(b, inputs.anchors!, options.normalize);
    const positives = maybeNormalize(b, inputs.positives!, options.normalize);
    const logitScale = inputs.logitScale!;
    const limit = options.maxLogitScale === null ? undefined : b.fill([], options.maxLogitScale);
    const scale = limit ? b.minimum(logitScale, limit) : logitScale;
    const hints = { rowNormsAtMostOne: options.normalize };
    const result = crossViewForward(b, anchors.value, positives.value, scale, diagonalPairing(b, rows, true), true, true, hints);
    const loss = reduceRows(b, result.rowLosses, options.reduction);
    const clamped = limit ? b.greater(logitScale, limit) : undefined;
    const saved: ClipSaved<typeof loss> = { kernel: result.saved, anchors: anchors.saved, positives: positives.saved, clamped, rows };
    return { loss, saved };
  },
  backward(b, saved, upstream, options) {
    const s = saved as ClipSaved<typeof upstream>;
    const weights = reduceRowsBackward(b, upstream, s.rows, options.reduction);
    const grads = crossViewBackward(b, s.kernel, weights);
    const scale = s.clamped ? b.where(s.clamped, b.fill([], 0), grads.scale!) : grads.scale!;
    return {
      anchors: maybeNormalizeBackward(b, s.anchors, grads.anchors),
      positives: maybeNormalizeBackward(b, s.positives, grads.keys),
      logitScale: scale,
    };
  },
};

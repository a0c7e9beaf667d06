import { crossSimilarity, selfSimilarity, temperatureContract } from '../contract/temperature-contract.js';
import type { LossDefinition } from '../loss-definition.js';
import { crossViewBackward, crossViewForward, type CrossViewSaved } from '../math/cross-view-cross-entropy.js';
import { l2NormalizeBackward, l2NormalizeForward, type L2NormalizeSaved } from '../math/l2-normalize.js';
import { diagonalPairing } from '../math/pairing-ids.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { checkBoolean, checkPositiveFinite, checkReduction, resolveOptions, type Reduction } from '../options.js';
import { expectEmbeddingPair } from '../validation.js';

/**
 * Options of {@link contrastiveLoss}; every one is optional in a call (the default applies).
 *
 * @example
 * computeLoss(backend, contrastiveLoss, { anchors, positives }, { temperature: 0.1, symmetric: true });
 *
 * @see [Contrastive loss](/losses/contrastive-loss)
 */
export interface ContrastiveLossOptions {
  /** Divides the cosine similarities (the original's `T`). Default 0.1. */
  readonly temperature: number;
  /** Average with the same loss of `(positives, anchors)`. Default false (the original's one direction). */
  readonly symmetric: boolean;
  /** `mean` over the N anchors (default, as the original), `sum`, or `none` ([N]). */
  readonly reduction: Reduction;
}

const defaults: ContrastiveLossOptions = { temperature: 0.1, symmetric: false, reduction: 'mean' };

interface ContrastiveLossSaved<T> {
  kernel: CrossViewSaved<T>;
  anchors: L2NormalizeSaved<T>;
  positives: L2NormalizeSaved<T>;
  rows: number;
}

/**
 * The origin document's `contrastive_loss(x, x_aug, T)`: a decoupled InfoNCE with cross-view negatives only.
 *
 * Forward: `s_ij = cos(anchors_i, positives_j) / temperature` (rows L2-normalised, [N, N]). Row `i`:
 *   `l_i = -s_ii + log sum_{j != i} exp(s_ij)`,
 * the positive left out of the denominator, equal to the original `-log(exp(s_ii) / (sum_j exp(s_ij) - exp(s_ii)))`
 * wherever that is finite, but computed with a max-subtracted log-sum-exp instead of `sum - positive` (which
 * cancels to 0 in float32 when the positive dominates, e.g. temperature 0.07). With `symmetric: true` the rows are
 * `(l_i(anchors, positives) + l_i(positives, anchors)) / 2`. N >= 2 (N = 1 has no negative).
 * Backward: `G_ij = w_i ([j != i] softmax_{j != i}(s_i)_j - [j == i])`, `d a = G p / temperature`,
 * `d p = G^T a / temperature` (each direction with half the weight when symmetric), then through the normalisation.
 * Papers: Oord et al. 2018 (InfoNCE, arXiv:1807.03748); decoupled denominator: Yeh et al. 2022 (arXiv:2110.06848).
 *
 * Inputs: `anchors` and `positives`, [N, D] (N >= 2), the two views of N samples; rows are always L2-normalised.
 * Options: {@link ContrastiveLossOptions} (`temperature` 0.1, `symmetric` false, `reduction` `'mean'`).
 *
 * @example
 * const loss = computeLoss(backend, contrastiveLoss, { anchors: x, positives: xAug }, { temperature: 0.1 });
 *
 * @see [Contrastive loss](/losses/contrastive-loss)
 */
export const contrastiveLoss: LossDefinition<'anchors' | 'positives', ContrastiveLossOptions> = {
  name: 'contrastive-loss',
  inputs: ['anchors', 'positives'],
  gradientInputs: ['anchors', 'positives'],
  contract: temperatureContract<'anchors' | 'positives', ContrastiveLossOptions>({ anchors: 'embeddings', positives: 'embeddings' }, (shapes, options) => {
    const rows = shapes.anchors![0]!;
    // The cross-view kernel, decoupled (the positive out of each denominator), on normalised rows.
    const scale = 1 / options.temperature;
    const crossView = { rows, directions: options.symmetric ? 2 : 1, positivesInDenominator: false, learnableScale: false, scale, rowNormsAtMostOne: true } as const;
    return { ...crossSimilarity(rows, rows, true), fusedKernel: 'crossViewCrossEntropy', crossView };
  }),
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, { temperature: checkPositiveFinite, symmetric: checkBoolean, reduction: checkReduction }),
  validate(backend, inputs) {
    expectEmbeddingPair(backend, inputs.anchors, inputs.positives, 2);
  },
  forward(b, inputs, options) {
    const rows = b.shape(inputs.anchors!)[0]!;
    const anchors = l2NormalizeForward(b, inputs.anchors!);
    const positives = l2NormalizeForward(b, inputs.positives!);
    const pairing = diagonalPairing(b, rows, false);
    const scale = b.fill([], 1 / options.temperature);
    const hints = { rowNormsAtMostOne: true };
    const result = crossViewForward(b, anchors.normalized, positives.normalized, scale, pairing, options.symmetric, false, hints);
    const loss = reduceRows(b, result.rowLosses, options.reduction);
    const saved: ContrastiveLossSaved<typeof loss> = { kernel: result.saved, anchors, positives, rows };
    return { loss, saved };
  },
  backward(b, saved, upstream, options) {
    const { kernel, anchors, positives, rows } = saved as ContrastiveLossSaved<typeof upstream>;
    const weights = reduceRowsBackward(b, upstream, rows, options.reduction);
    const grads = crossViewBackward(b, kernel, weights);
    return {
      anchors: l2NormalizeBackward(b, anchors, grads.anchors),
      positives: l2NormalizeBackward(b, positives, grads.keys),
    };
  },
};

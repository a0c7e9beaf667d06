import { normalizationGradient, type Magnitude } from '../contract/loss-contract.js';
import { largestRowNorm, selfSimilarity } from '../contract/temperature-contract.js';
import { ContrastiveInputError } from '../errors.js';
import type { LossDefinition } from '../loss-definition.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { checkBoolean, checkNonNegativeFinite, checkPositiveFinite, checkReduction, describe, resolveOptions, type OptionCheck, type Reduction } from '../options.js';
import { expectEmbeddingPair } from '../validation.js';
import { hclBackward, hclForward, type HclSaved } from './hcl-math.js';

/**
 * Options of {@link hcl}; every one is optional in a call (the default applies).
 *
 * @example
 * computeLoss(backend, hcl, { anchors, positives }, { temperature: 0.5, beta: 1, tauPlus: 0.1 });
 *
 * @see [HCL](/losses/hcl)
 */
export interface HclOptions {
  /** Divides the cosine similarities. Default 0.5 (the HCL code's default). */
  readonly temperature: number;
  /** Hardness concentration: negatives weighted by `exp(beta s)`; finite, >= 0, 0 weights all alike. Default 1. */
  readonly beta: number;
  /** Class prior of the debiasing (the paper's tau+, the code's `tau_plus`); in [0, 1), 0 turns it off. Default 0.1. */
  readonly tauPlus: number;
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** `mean` over the 2N anchors (default), `sum`, or `none` ([2N]). */
  readonly reduction: Reduction;
}

const defaults: HclOptions = { temperature: 0.5, beta: 1, tauPlus: 0.1, normalize: true, reduction: 'mean' };

interface HclLossSaved<T> {
  math: HclSaved<T>;
  normalized: L2NormalizeSaved<T> | undefined;
  rows: number;
  dimension: number;
}

const checkTauPlus: OptionCheck = (value, argument) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw new ContrastiveInputError(argument, 'a finite number in [0, 1)', describe(value));
  }
};

/**
 * Hard negative contrastive loss, HCL (Robinson, Chuang, Sra and Jegelka 2021, "Contrastive Learning with Hard
 * Negative Samples", arXiv:2010.04592), as the paper's code computes it for two views.
 *
 * Forward: `z = normalize([anchors; positives])` (2N rows, row `i`'s positive is `(i + N) mod 2N`),
 * `S = z z^T / temperature`, negatives `j` of row `i`: every row but `i` and its positive (M = 2N - 2 of them).
 * Hardness weights `w_ij = exp(beta S_ij) / mean_j exp(beta S_ij)`, the reweighted negative sum
 * `R_i = sum_j w_ij exp(S_ij)`, debiased and clamped
 * `Ng_i = max((R_i - tauPlus M exp(S_ip)) / (1 - tauPlus), M exp(-1 / temperature))`,
 *   `l_i = -log(exp(S_ip) / (exp(S_ip) + Ng_i)) = softplus(log Ng_i - S_ip)`.
 * All in the log domain: `log R_i = log M + lse_j((1 + beta) S_ij) - lse_j(beta S_ij)`, the debiased difference
 * as `log R + log1p(-exp(log(tauPlus M) + S_ip - log R))`, the clamp as a max of logs.
 * Backward, `q_i = sigmoid(log Ng_i - S_ip)` times the row weight: `d l / d S_ip = -q` plus, where the clamp is not
 * active, `-q tauPlus M exp(S_ip) / D_i` and `d l / d S_ij = q (R_i / D_i) ((1 + beta) a_ij - beta g_ij)` for the
 * negatives, with `D_i = R_i - tauPlus M exp(S_ip)`, `a_i = softmax_j((1 + beta) S_ij)` and `g_i = softmax_j(beta S_ij)`
 * over the negatives; then `d z = (G + G^T) z / temperature` and through the normalisation. With `beta: 0` and
 * `tauPlus: 0` the loss is NT-Xent.
 *
 * Inputs: `anchors` and `positives`, [N, D] with N >= 2.
 * Options: {@link HclOptions} (`temperature` 0.5, `beta` 1, `tauPlus` 0.1, `normalize` true, `reduction` `'mean'`).
 *
 * @example
 * const loss = computeLoss(backend, hcl, { anchors, positives }, { beta: 1, tauPlus: 0.1 });
 *
 * @see [HCL](/losses/hcl)
 */
export const hcl: LossDefinition<'anchors' | 'positives', HclOptions> = {
  name: 'hcl',
  inputs: ['anchors', 'positives'],
  gradientInputs: ['anchors', 'positives'],
  contract: {
    roles: { anchors: 'embeddings', positives: 'embeddings' },
    magnitudes(options, facts) {
      const scale = (1 + options.beta) / options.temperature;
      const result: Magnitude[] = [{ argument: 'options.temperature', quantity: '(1 + beta) / temperature', value: scale }];
      if (options.normalize) return [...result, ...normalizationGradient({ argument: 'options.temperature', value: scale }, [facts.anchors, facts.positives])];
      const largest = largestRowNorm({ anchors: 'embeddings', positives: 'embeddings' }, facts);
      if (largest) result.push({ argument: largest.argument, quantity: 'the largest exponent, (1 + beta) (largest row norm)^2 / temperature', value: scale * largest.norm * largest.norm });
      return result;
    },
    // S, the masked exponents, both softmaxes, the gradient and its transpose: about 10 [2N, 2N] matrices.
    workingSet: (shapes, options) => ({ ...selfSimilarity(2 * shapes.anchors![0]!, options), matrices: 10 }),
  },
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, {
      temperature: checkPositiveFinite,
      beta: checkNonNegativeFinite,
      tauPlus: checkTauPlus,
      normalize: checkBoolean,
      reduction: checkReduction,
    }),
  validate(backend, inputs) {
    expectEmbeddingPair(backend, inputs.anchors, inputs.positives, 2);
  },
  forward(b, inputs, options) {
    const [rows, dimension] = b.shape(inputs.anchors!) as [number, number];
    const z = maybeNormalize(b, b.concat([inputs.anchors!, inputs.positives!], 0), options.normalize);
    const { rowLosses, saved } = hclForward(b, z.value, rows, options);
    const loss = reduceRows(b, rowLosses, options.reduction);
    const lossSaved: HclLossSaved<typeof loss> = { math: saved, normalized: z.saved, rows, dimension };
    return { loss, saved: lossSaved };
  },
  backward(b, saved, upstream, options) {
    const { math, normalized, rows, dimension } = saved as HclLossSaved<typeof upstream>;
    const weights = b.reshape(reduceRowsBackward(b, upstream, 2 * rows, options.reduction), [2 * rows, 1]);
    const stacked = maybeNormalizeBackward(b, normalized, hclBackward(b, math, weights, options));
    return { anchors: b.slice(stacked, [0, 0], [rows, dimension]), positives: b.slice(stacked, [rows, 0], [rows, dimension]) };
  },
};

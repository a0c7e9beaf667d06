import { crossSimilarity, selfSimilarity, temperatureContract } from '../contract/temperature-contract.js';
import { ContrastiveInputError, formatShape } from '../errors.js';
import type { LossContract } from '../contract/loss-contract.js';
import type { LossDefinition } from '../loss-definition.js';
import { crossViewBackward, crossViewForward, type CrossViewSaved } from '../math/cross-view-cross-entropy.js';
import {
  firstColumnCrossEntropyBackward,
  firstColumnCrossEntropyForward,
  type FirstColumnCrossEntropySaved,
} from '../math/first-column-cross-entropy.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { diagonalPairing } from '../math/pairing-ids.js';
import { pairedCrossEntropyBackward, pairedCrossEntropyForward, type PairedCrossEntropySaved } from '../math/paired-cross-entropy.js';
import { queueCrossEntropyBackward, queueCrossEntropyForward, queueWorkingMatrices, type QueueCrossEntropySaved } from '../math/queue-cross-entropy.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { checkBoolean, checkNonNegativeFinite, checkPositiveFinite, checkReduction, resolveOptions, type Reduction } from '../options.js';
import type { Shape, TensorBackend } from '../tensor-backend.js';
import { expectDimension, expectEmbeddingPair } from '../validation.js';
import { hardnessBackward, hardnessForward, type InfoNceHardnessSaved } from './info-nce-hardness.js';

/**
 * Options of {@link infoNce}; every one is optional in a call (the default applies).
 *
 * @example
 * computeLoss(backend, infoNce, { anchors, positives }, { temperature: 0.07, symmetric: true });
 *
 * @see [InfoNCE](/losses/info-nce)
 */
export interface InfoNceOptions {
  /** Divides the similarities. Default 0.1. */
  readonly temperature: number;
  /** L2-normalise anchors, positives and negatives first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** Average with the loss of `(positives, anchors)`; only without `negatives`. Default false. */
  readonly symmetric: boolean;
  /** `mean` over the N anchors (default), `sum`, or `none` ([N]). */
  readonly reduction: Reduction;
  /**
   * Hardness weighting of explicit `negatives` (HCL's beta): negative `m` of anchor `i` is weighted by
   * `exp(beta x_im) / mean_m exp(beta x_im)` (`x` the similarity over the temperature); finite, >= 0. Default 0
   * (plain InfoNCE); anything else needs `negatives`.
   */
  readonly beta: number;
}

const defaults: InfoNceOptions = { temperature: 0.1, normalize: true, symmetric: false, reduction: 'mean', beta: 0 };

interface InfoNceSaved<T> {
  rows: number;
  anchors: { value: T; saved?: L2NormalizeSaved<T> };
  positives: { value: T; saved?: L2NormalizeSaved<T> };
  inBatch?: CrossViewSaved<T>;
  negatives?: { value: T; saved?: L2NormalizeSaved<T>; shape: Shape };
  logits?: FirstColumnCrossEntropySaved<T>;
  hardness?: InfoNceHardnessSaved<T>;
  queue?: QueueCrossEntropySaved<T>;
  paired?: PairedCrossEntropySaved<T>;
  scale: T;
}

const baseContract = temperatureContract<'anchors' | 'positives' | 'negatives', InfoNceOptions>(
  { anchors: 'embeddings', positives: 'embeddings', negatives: 'embeddings' },
  (shapes, options) => {
    const rows = shapes.anchors![0]!;
    const negatives = shapes.negatives;
    const columns = negatives ? 1 + negatives[negatives.length - 2]! : rows;
    const set = crossSimilarity((options.symmetric && !negatives ? 2 : 1) * rows, columns, options.normalize);
    if (!negatives) {
      // In-batch: the cross-view kernel, one direction or both (symmetric).
      const scale = 1 / options.temperature;
      const crossView = { rows, directions: options.symmetric ? 2 : 1, positivesInDenominator: true, learnableScale: false, scale, rowNormsAtMostOne: options.normalize } as const;
      return { ...set, fusedKernel: 'crossViewCrossEntropy', crossView };
    }
    // A queue without hardness runs queueCrossEntropy on every backend: its product, shifted copy and exponentials.
    return negatives?.length === 2 && options.beta === 0 ? { ...set, matrices: queueWorkingMatrices } : set;
  },
);

/** The temperature contract, plus the weighted logits' scale `(1 + beta) / temperature` under hardness weighting. */
const contract: LossContract<'anchors' | 'positives' | 'negatives', InfoNceOptions> = {
  ...baseContract,
  magnitudes(options, facts) {
    const result = [...(baseContract.magnitudes?.(options, facts) ?? [])];
    if (options.beta === 0) return result;
    return [...result, { argument: 'options.beta', quantity: '(1 + beta) / temperature', value: (1 + options.beta) / options.temperature }];
  },
};

/** Negatives [M, D] or [N, M, D] with M >= 1, the anchors' N and D, finite values. */
function expectNegatives<T>(backend: TensorBackend<T>, negatives: unknown, anchorShape: Shape): void {
  const expected = 'a rank-2 [M, D] or rank-3 [N, M, D] tensor with M >= 1';
  if (!backend.isTensor(negatives)) throw new ContrastiveInputError('negatives', `a tensor of the ${backend.name} backend`, typeof negatives);
  const shape = backend.shape(negatives);
  const paired = shape.length === 3;
  if ((shape.length !== 2 && !paired) || shape[shape.length - 2]! < 1) {
    throw new ContrastiveInputError('negatives', expected, `shape ${formatShape(shape)}`);
  }
  if (paired && shape[0] !== anchorShape[0]) {
    throw new ContrastiveInputError('negatives', `${anchorShape[0]} rows in axis 0 (the rows of anchors)`, `shape ${formatShape(shape)}`);
  }
  expectDimension(shape, anchorShape[1]!, 'negatives', 'anchors');
}

/** Normalises the last axis of [M, D] or [N, M, D] negatives (as [rows, D]), keeping the original shape. */
function normalizeNegatives<T>(b: TensorBackend<T>, negatives: T, normalize: boolean): NonNullable<InfoNceSaved<T>['negatives']> {
  const shape = b.shape(negatives);
  const dimension = shape[shape.length - 1]!;
  const flat = maybeNormalize(b, b.reshape(negatives, [shape.length === 3 ? shape[0]! * shape[1]! : shape[0]!, dimension]), normalize);
  return { value: b.reshape(flat.value, shape), ...(flat.saved ? { saved: flat.saved } : {}), shape };
}

/**
 * InfoNCE with the conventions of info-nce-pytorch: in-batch negatives, or explicit unpaired / paired negatives.
 *
 * Forward (`a`, `p`, `n` L2-normalised along the last axis when `normalize`):
 * - no `negatives`: `S = a p^T / temperature`, `l_i = -S_ii + log sum_j exp(S_ij)`; with `symmetric: true` the rows
 *   are `(l_i + l'_i) / 2`, `l'` from `S^T` (positives as anchors);
 * - `negatives` [M, D] (unpaired, e.g. a MoCo queue): `x_i = [a_i.p_i, a_i.n_1, ..., a_i.n_M] / temperature`;
 * - `negatives` [N, M, D] (paired): `x_i = [a_i.p_i, a_i.n_{i,1}, ..., a_i.n_{i,M}] / temperature`;
 *   then `l_i = -x_i0 + log sum_j exp(x_ij)`. Per-row [N].
 * - hardness weighting (`beta > 0`, explicit negatives only; Robinson et al. 2021, HCL): each negative term is
 *   weighted by `w_im = exp(beta x_im) / mean_m exp(beta x_im)` (mean 1 over the anchor's M negatives):
 *   `l_i = -x_i0 + log(exp(x_i0) + sum_m w_im exp(x_im))`, computed as the cross-entropy of
 *   `y_i = [x_i0, x_im + log M + log_softmax_m(beta x_i)]` (the log-softmax of the max-shifted `beta x`). `beta: 0`
 *   is plain InfoNCE (the same code path).
 * Backward: `G_ij = w_i (softmax(x_i)_j - [j == 0]) / temperature` (in-batch: over `S`), then
 * `d a_i = G_i0 p_i + sum_m G_im n_m` (paired: `n_{i,m}`), `d p_i = G_i0 a_i`, `d n_m = sum_i G_im a_i`
 * (paired: `d n_{i,m} = G_im a_i`), then through the normalisation. With hardness weighting the weights are
 * differentiated, not detached (as HCL's code): the cross-entropy gradient `H` over `y` gives `G_i0 = H_i0`,
 * `G_im = (1 + beta) H_im - beta g_im sum_m' H_im'` with `g_i = softmax_m(beta x_i)`.
 * Paper: Oord et al. 2018, Representation Learning with Contrastive Predictive Coding (arXiv:1807.03748).
 *
 * Inputs: `anchors` and `positives`, [N, D]; optional `negatives`, [M, D] (unpaired) or [N, M, D] (paired).
 * Options: {@link InfoNceOptions} (`temperature` 0.1, `normalize` true, `symmetric` false, `reduction` `'mean'`,
 * `beta` 0).
 *
 * @example
 * const loss = computeLoss(backend, infoNce, { anchors: queries, positives: keys, negatives: queue }, { temperature: 0.07 });
 * // Hard negatives weighted up (HCL's reweighting of the queue):
 * const hard = computeLoss(backend, infoNce, { anchors: queries, positives: keys, negatives: queue }, { temperature: 0.07, beta: 1 });
 *
 * @see [InfoNCE](/losses/info-nce)
 */
export const infoNce: LossDefinition<'anchors' | 'positives' | 'negatives', InfoNceOptions> = {
  name: 'info-nce',
  inputs: ['anchors', 'positives', 'negatives'],
  optionalInputs: ['negatives'],
  gradientInputs: ['anchors', 'positives', 'negatives'],
  contract,
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, {
      temperature: checkPositiveFinite,
      normalize: checkBoolean,
      symmetric: checkBoolean,
      reduction: checkReduction,
      beta: checkNonNegativeFinite,
    }),
  validate(backend, inputs, options) {
    const shape = expectEmbeddingPair(backend, inputs.anchors, inputs.positives);
    if (inputs.negatives === undefined) {
      if (options.beta !== 0) throw new ContrastiveInputError('options.beta', '0 when no negatives are given (it weights explicit negatives)', String(options.beta));
      return;
    }
    if (options.symmetric) throw new ContrastiveInputError('options.symmetric', 'false when negatives are given', 'true');
    expectNegatives(backend, inputs.negatives, shape);
  },
  forward(b, inputs, options) {
    const [rows, dimension] = b.shape(inputs.anchors!) as [number, number];
    const anchors = maybeNormalize(b, inputs.anchors!, options.normalize);
    const positives = maybeNormalize(b, inputs.positives!, options.normalize);
    const scale = b.fill([], 1 / options.temperature);
    if (inputs.negatives === undefined) {
      const hints = { rowNormsAtMostOne: options.normalize };
      const result = crossViewForward(b, anchors.value, positives.value, scale, diagonalPairing(b, rows, true), options.symmetric, false, hints);
      const saved: InfoNceSaved<typeof scale> = { rows, anchors, positives, inBatch: result.saved, scale };
      return { loss: reduceRows(b, result.rowLosses, options.reduction), saved };
    }
    if (b.shape(inputs.negatives).length === 3 && options.beta === 0) {
      const paired = pairedCrossEntropyForward(b, anchors.value, positives.value, inputs.negatives, 1 / options.temperature, options.normalize);
      const saved: InfoNceSaved<typeof scale> = { rows, anchors, positives, paired: paired.saved, scale };
      return { loss: reduceRows(b, paired.rowLosses, options.reduction), saved };
    }
    const negatives = normalizeNegatives(b, inputs.negatives, options.normalize);
    if (negatives.shape.length === 2 && options.beta === 0) {
      const queue = queueCrossEntropyForward(b, anchors.value, positives.value, negatives.value, 1 / options.temperature, options.normalize);
      const saved: InfoNceSaved<typeof scale> = { rows, anchors, positives, negatives, queue: queue.saved, scale };
      return { loss: reduceRows(b, queue.rowLosses, options.reduction), saved };
    }
    const positiveLogits = b.sum(b.mul(anchors.value, positives.value), 1, true);
    const negativeLogits =
      negatives.shape.length === 2
        ? b.matmul(anchors.value, negatives.value, { transposeB: true })
        : b.sum(b.mul(b.reshape(anchors.value, [rows, 1, dimension]), negatives.value), 2, false);
    const logits = b.mul(b.concat([positiveLogits, negativeLogits], 1), scale);
    const hardness = options.beta === 0 ? undefined : hardnessForward(b, logits, options.beta);
    const result = firstColumnCrossEntropyForward(b, hardness ? hardness.logits : logits);
    const saved: InfoNceSaved<typeof scale> = { rows, anchors, positives, negatives, logits: result.saved, scale, ...(hardness ? { hardness: hardness.saved } : {}) };
    return { loss: reduceRows(b, result.rowLosses, options.reduction), saved };
  },
  backward(b, saved, upstream, options) {
    const s = saved as InfoNceSaved<typeof upstream>;
    const weights = reduceRowsBackward(b, upstream, s.rows, options.reduction);
    if (s.inBatch) {
      const grads = crossViewBackward(b, s.inBatch, weights);
      return {
        anchors: maybeNormalizeBackward(b, s.anchors.saved, grads.anchors),
        positives: maybeNormalizeBackward(b, s.positives.saved, grads.keys),
      };
    }
    if (s.queue || s.paired) {
      // The paired path differentiates through the negatives' normalisation itself.
      const grads = s.queue ? queueCrossEntropyBackward(b, s.queue, weights) : pairedCrossEntropyBackward(b, s.paired!, weights);
      return {
        anchors: maybeNormalizeBackward(b, s.anchors.saved, grads.anchors),
        positives: maybeNormalizeBackward(b, s.positives.saved, grads.positives),
        negatives: s.queue ? maybeNormalizeBackward(b, s.negatives!.saved, grads.negatives) : grads.negatives,
      };
    }
    const logitGrad = firstColumnCrossEntropyBackward(b, s.logits!, weights);
    const similarityGrad = s.hardness ? hardnessBackward(b, s.hardness, logitGrad, options.beta) : logitGrad;
    const grads = explicitNegativesBackward(b, s, b.mul(similarityGrad, s.scale));
    return {
      anchors: maybeNormalizeBackward(b, s.anchors.saved, grads.anchors),
      positives: maybeNormalizeBackward(b, s.positives.saved, grads.positives),
      negatives: grads.negatives,
    };
  },
};

/** Chains `G` [N, 1+M] (gradient of the similarities, temperature applied) into the three inputs. */
function explicitNegativesBackward<T>(b: TensorBackend<T>, s: InfoNceSaved<T>, grad: T): { anchors: T; positives: T; negatives: T } {
  const [rows, columns] = b.shape(grad) as [number, number];
  const { value: n, saved: normalized, shape } = s.negatives!;
  const [a, p] = [s.anchors.value, s.positives.value];
  const dimension = shape[shape.length - 1]!;
  const positiveGrad = b.slice(grad, [0, 0], [rows, 1]);
  const negativeGrad = b.slice(grad, [0, 1], [rows, columns - 1]);
  const positives = b.mul(positiveGrad, a);
  if (shape.length === 2) {
    const anchors = b.add(b.mul(positiveGrad, p), b.matmul(negativeGrad, n));
    const negatives = maybeNormalizeBackward(b, normalized, b.matmul(negativeGrad, a, { transposeA: true }));
    return { anchors, positives, negatives };
  }
  const perNegative = b.reshape(negativeGrad, [rows, columns - 1, 1]);
  const anchors = b.add(b.mul(positiveGrad, p), b.sum(b.mul(perNegative, n), 1, false));
  const flatGrad = b.reshape(b.mul(perNegative, b.reshape(a, [rows, 1, dimension])), [rows * (columns - 1), dimension]);
  return { anchors, positives, negatives: b.reshape(maybeNormalizeBackward(b, normalized, flatGrad), shape) };
}

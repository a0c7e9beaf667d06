import type { InputFacts, Magnitude } from '../contract/loss-contract.js';
import { ContrastiveInputError } from '../errors.js';
import type { LossDefinition } from '../loss-definition.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { checkBoolean, checkNonNegativeFinite, checkOneOf, checkReduction, resolveOptions, type Reduction } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectEmbeddingPair, expectRank, expectSameShape } from '../validation.js';
import {
  cosineBackward,
  cosineDistance,
  euclideanBackward,
  euclideanDistance,
  normalizeTriplet,
  type DistanceWeights,
  type NormalizedTriplet,
  type ScaledDifference,
} from './triplet-distances.js';

/**
 * How `tripletMargin` measures distance: `'euclidean'` (`||u - v + eps||`) or `'cosine'` (`1 - cos(u, v)`).
 *
 * @example
 * const distance: TripletDistance = 'cosine';
 *
 * @see [Triplet margin](/losses/triplet-margin)
 */
export type TripletDistance = 'euclidean' | 'cosine';

/**
 * Options of {@link tripletMargin}; every one is optional in a call (the default applies).
 *
 * @example
 * computeLoss(backend, tripletMargin, { anchors, positives, negatives }, { margin: 0.2, distance: 'cosine' });
 *
 * @see [Triplet margin](/losses/triplet-margin)
 */
export interface TripletMarginOptions {
  /** How far the negative must be beyond the positive; finite, >= 0. Default 1 (PyTorch's default). */
  readonly margin: number;
  /** `euclidean` (default, `||u - v + eps||`, no normalisation) or `cosine` (`1 - cos(u, v)`). */
  readonly distance: TripletDistance;
  /**
   * Added to every component of the difference in the euclidean distance, `||u - v + eps||`; finite, >= 0.
   * Default 1e-6 (PyTorch's `pairwise_distance` and `triplet_margin_loss`); 0 gives the exact distance (whose
   * gradient at a zero difference is 0). Only for `distance: 'euclidean'`: another value with `'cosine'` is rejected.
   */
  readonly eps: number;
  /**
   * PyTorch's `swap` (Balntas et al. 2016): the negative distance is `min(d(a, n), d(p, n))`. Default false.
   */
  readonly swap: boolean;
  /** `mean` over the N triplets (default), `sum`, or `none` ([N]). */
  readonly reduction: Reduction;
}

const defaults: TripletMarginOptions = { margin: 1, distance: 'euclidean', eps: 1e-6, swap: false, reduction: 'mean' };

function resolveTripletOptions(given: Partial<TripletMarginOptions> | undefined): TripletMarginOptions {
  const options = resolveOptions(defaults, given, {
    margin: checkNonNegativeFinite,
    distance: checkOneOf(['euclidean', 'cosine']),
    eps: checkNonNegativeFinite,
    swap: checkBoolean,
    reduction: checkReduction,
  });
  if (options.distance === 'cosine' && options.eps !== defaults.eps) {
    throw new ContrastiveInputError('options.eps', "no eps with distance 'cosine' (it is part of the euclidean distance)", `eps ${options.eps}`);
  }
  return options;
}

/**
 * Triplet margin loss (Schroff et al. 2015, FaceNet, arXiv:1503.03832), with the conventions of
 * `torch.nn.functional.triplet_margin_loss`.
 *
 * Forward: for each row `i` of `anchors`, `positives`, `negatives` ([N, D]),
 *   `l_i = max(d(a_i, p_i) - d_neg,i + margin, 0)`, reduced over the N rows, where `d_neg = d(a, n)`, or with
 *   `swap: true` `d_neg = min(d(a, n), d(p, n))` (Balntas et al. 2016, PyTorch's `swap`), and
 * - `distance: 'euclidean'`: `d(u, v) = ||u - v + eps||_2` (`eps` 1e-6 as PyTorch's `pairwise_distance`, or 0 for
 *   the exact distance), no normalisation; the norm is taken of the row divided by its largest magnitude, so it
 *   neither overflows nor underflows;
 * - `distance: 'cosine'`: `d(u, v) = 1 - normalize(u).normalize(v)`.
 * Backward: rows with `h_i = d(a_i, p_i) - d_neg,i + margin <= 0` get zero gradient (also at exactly 0); the
 * others, with row weight `w_i` from the reduction, split `w` between `d(a, n)` and `d(p, n)` under `swap`: all of
 * it to the smaller, half each at an exact tie (as PyTorch's `min`):
 * - euclidean, with unit differences `e_ap = (a - p + eps) / d(a, p)` (0 where the distance is 0, PyTorch's
 *   subgradient of the norm), `e_an`, `e_pn`: `d a = w e_ap - w_an e_an`, `d p = -w e_ap - w_pn e_pn`,
 *   `d n = w_an e_an + w_pn e_pn`;
 * - cosine, on normalised rows `a^, p^, n^`: `d a^ = w_an n^ - w p^`, `d p^ = w_pn n^ - w a^`,
 *   `d n^ = w_an a^ + w_pn p^`, then through the normalisation.
 *
 * Inputs: `anchors`, `positives` and `negatives`, [N, D], one triplet per row.
 * Options: {@link TripletMarginOptions} (`margin` 1, `distance` `'euclidean'`, `eps` 1e-6, `swap` false,
 * `reduction` `'mean'`).
 *
 * @example
 * const loss = computeLoss(backend, tripletMargin, { anchors, positives, negatives }, { margin: 0.5 });
 * const exact = computeLoss(backend, tripletMargin, { anchors, positives, negatives }, { eps: 0, swap: true });
 *
 * @see [Triplet margin](/losses/triplet-margin)
 */
export const tripletMargin: LossDefinition<'anchors' | 'positives' | 'negatives', TripletMarginOptions> = {
  name: 'triplet-margin',
  inputs: ['anchors', 'positives', 'negatives'],
  gradientInputs: ['anchors', 'positives', 'negatives'],
  contract: {
    roles: { anchors: 'embeddings', positives: 'embeddings', negatives: 'embeddings' },
    magnitudes(options, facts) {
      const result: Magnitude[] = [{ argument: 'options.margin', quantity: 'margin', value: options.margin }];
      if (options.distance === 'cosine') return result;
      return [...result, largestDifference(options, facts)];
    },
  },
  defaults,
  resolveOptions: resolveTripletOptions,
  validate(backend, inputs) {
    const shape = expectEmbeddingPair(backend, inputs.anchors, inputs.positives);
    expectSameShape(expectRank(backend, inputs.negatives, 'negatives', 2), shape, 'negatives', 'anchors');
  },
  forward(b, inputs, options) {
    const rows = b.shape(inputs.anchors!)[0]!;
    const state = options.distance === 'euclidean' ? euclideanForward(b, inputs, options) : cosineForward(b, inputs, options.swap);
    const negativeDistance = state.swappedDistance ? b.minimum(state.negativeDistance, state.swappedDistance) : state.negativeDistance;
    const hinge = b.add(b.sub(state.positiveDistance, negativeDistance), b.fill([], options.margin));
    const zero = b.fill([], 0);
    const loss = reduceRows(b, b.maximum(hinge, zero), options.reduction);
    return { loss, saved: { state, active: b.greater(hinge, zero), rows } };
  },
  backward(b, saved, upstream, options) {
    const { state, active, rows } = saved as TripletSaved<typeof upstream>;
    const perRow = b.where(active, reduceRowsBackward(b, upstream, rows, options.reduction), b.fill([], 0));
    const weights = distanceWeights(b, b.reshape(perRow, [rows, 1]), state);
    if (state.kind === 'euclidean') return euclideanBackward(b, state.differences, weights);
    return cosineBackward(b, state.normalized, weights);
  },
};

type TripletInputs<T> = { readonly anchors?: T; readonly positives?: T; readonly negatives?: T };

interface DistanceState<T> {
  readonly positiveDistance: T;
  readonly negativeDistance: T;
  /** `d(p, n)`, with `swap` only. */
  readonly swappedDistance?: T;
}

interface EuclideanState<T> extends DistanceState<T> {
  readonly kind: 'euclidean';
  readonly differences: { positive: ScaledDifference<T>; negative: ScaledDifference<T>; swapped?: ScaledDifference<T> };
}

interface CosineState<T> extends DistanceState<T> {
  readonly kind: 'cosine';
  readonly normalized: NormalizedTriplet<T>;
}

function euclideanForward<T>(b: TensorBackend<T>, inputs: TripletInputs<T>, options: TripletMarginOptions): EuclideanState<T> {
  const positive = euclideanDistance(b, inputs.anchors!, inputs.positives!, options.eps);
  const negative = euclideanDistance(b, inputs.anchors!, inputs.negatives!, options.eps);
  const swapped = options.swap ? euclideanDistance(b, inputs.positives!, inputs.negatives!, options.eps) : undefined;
  return {
    kind: 'euclidean',
    differences: { positive: positive.difference, negative: negative.difference, ...(swapped ? { swapped: swapped.difference } : {}) },
    positiveDistance: positive.distance,
    negativeDistance: negative.distance,
    ...(swapped ? { swappedDistance: swapped.distance } : {}),
  };
}

function cosineForward<T>(b: TensorBackend<T>, inputs: TripletInputs<T>, swap: boolean): CosineState<T> {
  const normalized = normalizeTriplet(b, inputs.anchors!, inputs.positives!, inputs.negatives!);
  return {
    kind: 'cosine',
    normalized,
    positiveDistance: cosineDistance(b, normalized.anchors, normalized.positives),
    negativeDistance: cosineDistance(b, normalized.anchors, normalized.negatives),
    ...(swap ? { swappedDistance: cosineDistance(b, normalized.positives, normalized.negatives) } : {}),
  };
}

/** `w` on `d(a, p)`; under `swap`, `w` to the smaller of `d(a, n)` and `d(p, n)`, half each at an exact tie. */
function distanceWeights<T>(b: TensorBackend<T>, weights: T, state: DistanceState<T>): DistanceWeights<T> {
  if (!state.swappedDistance) return { anchorPositive: weights, anchorNegative: weights };
  const [anchorNegative, swapped] = [state.negativeDistance, state.swappedDistance].map((d) => b.reshape(d, [b.shape(d)[0]!, 1])) as [T, T];
  const share = b.where(b.greater(swapped, anchorNegative), b.fill([], 1), b.where(b.equal(swapped, anchorNegative), b.fill([], 0.5), b.fill([], 0)));
  const toAnchorNegative = b.mul(weights, share);
  return { anchorPositive: weights, anchorNegative: toAnchorNegative, positiveNegative: b.sub(weights, toAnchorNegative) };
}

/** The largest per-element difference the euclidean distance forms (`a - p`, `a - n`, and `p - n` under `swap`). */
function largestDifference(options: TripletMarginOptions, facts: { readonly [K in 'anchors' | 'positives' | 'negatives']?: InputFacts }): Magnitude {
  const size = (name: 'anchors' | 'positives' | 'negatives') => facts[name]?.maxAbs ?? 0;
  const pairs: ['anchors' | 'positives' | 'negatives', 'positives' | 'negatives'][] = [['anchors', 'positives'], ['anchors', 'negatives']];
  if (options.swap) pairs.push(['positives', 'negatives']);
  let largest = { argument: 'anchors', value: 0 };
  for (const [u, v] of pairs) {
    const value = size(u) + size(v);
    if (value > largest.value) largest = { argument: size(u) >= size(v) ? u : v, value };
  }
  const quantity = `the largest difference |a - p| or |a - n|${options.swap ? ' or |p - n|' : ''} per element, plus eps and margin`;
  return { argument: largest.argument, quantity, value: largest.value + options.eps + options.margin };
}

interface TripletSaved<T> {
  state: EuclideanState<T> | CosineState<T>;
  active: T;
  rows: number;
}

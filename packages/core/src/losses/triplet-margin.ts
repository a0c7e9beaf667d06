import type { Magnitude } from '../contract/loss-contract.js';
import type { LossDefinition } from '../loss-definition.js';
import { l2NormalizeBackward, l2NormalizeForward, type L2NormalizeSaved } from '../math/l2-normalize.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { checkNonNegativeFinite, checkOneOf, checkReduction, resolveOptions, type Reduction } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectEmbeddingPair, expectRank, expectSameShape } from '../validation.js';

/**
 * How `tripletMargin` measures distance: `'euclidean'` (`||u - v + 1e-6||`) or `'cosine'` (`1 - cos(u, v)`).
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
  /** `euclidean` (default, `||u - v + 1e-6||`, no normalisation) or `cosine` (`1 - cos(u, v)`). */
  readonly distance: TripletDistance;
  /** `mean` over the N triplets (default), `sum`, or `none` ([N]). */
  readonly reduction: Reduction;
}

/** PyTorch's `pairwise_distance` eps, added to every component of the difference. */
const pairwiseDistanceEpsilon = 1e-6;

const defaults: TripletMarginOptions = { margin: 1, distance: 'euclidean', reduction: 'mean' };

/**
 * Triplet margin loss (Schroff et al. 2015, FaceNet, arXiv:1503.03832), with the conventions of
 * `torch.nn.functional.triplet_margin_loss`.
 *
 * Forward: for each row `i` of `anchors`, `positives`, `negatives` ([N, D]),
 *   `l_i = max(d(a_i, p_i) - d(a_i, n_i) + margin, 0)`, reduced over the N rows, with
 * - `distance: 'euclidean'`: `d(u, v) = ||u - v + 1e-6||_2` (PyTorch's `pairwise_distance` eps), no normalisation;
 *   the norm is taken of the row divided by its largest magnitude, so it neither overflows nor underflows;
 * - `distance: 'cosine'`: `d(u, v) = 1 - normalize(u).normalize(v)`.
 * Backward: rows with `h_i = d(a_i, p_i) - d(a_i, n_i) + margin <= 0` get zero gradient (also at exactly 0);
 * the others, with row weight `w_i` from the reduction:
 * - euclidean, with unit differences `e_ap = (a - p + 1e-6) / d(a, p)` (0 where the distance is 0) and `e_an`:
 *   `d a = w (e_ap - e_an)`, `d p = -w e_ap`, `d n = w e_an`;
 * - cosine, on normalised rows `a^, p^, n^`: `d a^ = w (n^ - p^)`, `d p^ = -w a^`, `d n^ = w a^`, then through
 *   the normalisation.
 *
 * Inputs: `anchors`, `positives` and `negatives`, [N, D], one triplet per row.
 * Options: {@link TripletMarginOptions} (`margin` 1, `distance` `'euclidean'`, `reduction` `'mean'`).
 *
 * @example
 * const loss = computeLoss(backend, tripletMargin, { anchors, positives, negatives }, { margin: 0.5 });
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
      const anchors = facts.anchors?.maxAbs ?? 0;
      const other = Math.max(facts.positives?.maxAbs ?? 0, facts.negatives?.maxAbs ?? 0);
      const blame = anchors >= other ? 'anchors' : (facts.positives?.maxAbs ?? 0) >= (facts.negatives?.maxAbs ?? 0) ? 'positives' : 'negatives';
      result.push({ argument: blame, quantity: 'the largest difference |a - p| or |a - n| per element, plus margin', value: anchors + other + options.margin });
      return result;
    },
  },
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, {
      margin: checkNonNegativeFinite,
      distance: checkOneOf(['euclidean', 'cosine']),
      reduction: checkReduction,
    }),
  validate(backend, inputs) {
    const shape = expectEmbeddingPair(backend, inputs.anchors, inputs.positives);
    expectSameShape(expectRank(backend, inputs.negatives, 'negatives', 2), shape, 'negatives', 'anchors');
  },
  forward(b, inputs, options) {
    const rows = b.shape(inputs.anchors!)[0]!;
    const state = options.distance === 'euclidean' ? euclideanForward(b, inputs) : cosineForward(b, inputs);
    const hinge = b.add(b.sub(state.positiveDistance, state.negativeDistance), b.fill([], options.margin));
    const zero = b.fill([], 0);
    const loss = reduceRows(b, b.maximum(hinge, zero), options.reduction);
    return { loss, saved: { state, active: b.greater(hinge, zero), rows } };
  },
  backward(b, saved, upstream, options) {
    const { state, active, rows } = saved as TripletSaved<typeof upstream>;
    const perRow = b.where(active, reduceRowsBackward(b, upstream, rows, options.reduction), b.fill([], 0));
    const weights = b.reshape(perRow, [rows, 1]);
    if (state.kind === 'euclidean') {
      const toPositive = b.mul(unitDifference(b, state.positive), weights);
      const toNegative = b.mul(unitDifference(b, state.negative), weights);
      return { anchors: b.sub(toPositive, toNegative), positives: b.neg(toPositive), negatives: toNegative };
    }
    const [a, p, n] = [state.anchors.normalized, state.positives.normalized, state.negatives.normalized];
    return {
      anchors: l2NormalizeBackward(b, state.anchors, b.mul(b.sub(n, p), weights)),
      positives: l2NormalizeBackward(b, state.positives, b.neg(b.mul(a, weights))),
      negatives: l2NormalizeBackward(b, state.negatives, b.mul(a, weights)),
    };
  },
};

/** `u - v + eps` divided by its row's largest magnitude (1 for a zero row), and that row's scaled norm. */
interface ScaledDifference<T> {
  readonly scaled: T;
  readonly scaledNorm: T;
}

function scaledDifference<T>(b: TensorBackend<T>, u: T, v: T): { difference: ScaledDifference<T>; distance: T } {
  const difference = b.add(b.sub(u, v), b.fill([], pairwiseDistanceEpsilon));
  const magnitude = b.max(b.abs(difference), 1, true);
  const rowScale = b.where(b.greater(magnitude, b.fill([], 0)), magnitude, b.fill([], 1));
  const scaled = b.div(difference, rowScale);
  const scaledNorm = b.sqrt(b.sum(b.mul(scaled, scaled), 1, true));
  const distance = b.reshape(b.mul(scaledNorm, rowScale), [b.shape(u)[0]!]);
  return { difference: { scaled, scaledNorm }, distance };
}

/** `(u - v + eps) / ||u - v + eps||`, and 0 for a zero difference (the subgradient PyTorch uses). */
function unitDifference<T>(b: TensorBackend<T>, difference: ScaledDifference<T>): T {
  const nonzero = b.greater(difference.scaledNorm, b.fill([], 0));
  return b.div(difference.scaled, b.where(nonzero, difference.scaledNorm, b.fill([], 1)));
}

type TripletInputs<T> = { readonly anchors?: T; readonly positives?: T; readonly negatives?: T };

function euclideanForward<T>(b: TensorBackend<T>, inputs: TripletInputs<T>) {
  const positive = scaledDifference(b, inputs.anchors!, inputs.positives!);
  const negative = scaledDifference(b, inputs.anchors!, inputs.negatives!);
  return {
    kind: 'euclidean' as const,
    positive: positive.difference,
    negative: negative.difference,
    positiveDistance: positive.distance,
    negativeDistance: negative.distance,
  };
}

function cosineForward<T>(b: TensorBackend<T>, inputs: TripletInputs<T>) {
  const [anchors, positives, negatives] = [inputs.anchors!, inputs.positives!, inputs.negatives!].map((x) => l2NormalizeForward(b, x)) as [
    L2NormalizeSaved<T>,
    L2NormalizeSaved<T>,
    L2NormalizeSaved<T>,
  ];
  const one = b.fill([], 1);
  const distance = (other: L2NormalizeSaved<T>) => b.sub(one, b.sum(b.mul(anchors.normalized, other.normalized), 1, false));
  return {
    kind: 'cosine' as const,
    anchors,
    positives,
    negatives,
    positiveDistance: distance(positives),
    negativeDistance: distance(negatives),
  };
}

interface TripletSaved<T> {
  state: ReturnType<typeof euclideanForward<T>> | ReturnType<typeof cosineForward<T>>;
  active: T;
  rows: number;
}

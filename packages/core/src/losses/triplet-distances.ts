/**
 * The two distances of `tripletMargin`, each with its backward: the euclidean `||u - v + eps||` of PyTorch's
 * `pairwise_distance` and the cosine distance `1 - normalize(u).normalize(v)`.
 */
import { l2NormalizeBackward, l2NormalizeForward, type L2NormalizeSaved } from '../math/l2-normalize.js';
import type { TensorBackend } from '../tensor-backend.js';

/** `u - v + eps` divided by its row's largest magnitude (1 for a zero row), and that row's scaled norm. */
export interface ScaledDifference<T> {
  readonly scaled: T;
  readonly scaledNorm: T;
}

/**
 * `||u - v + eps||` per row [n], computed on the row divided by its largest magnitude, so the norm neither
 * overflows nor underflows; also what {@link unitDifference} needs.
 */
export function euclideanDistance<T>(b: TensorBackend<T>, u: T, v: T, eps: number): { difference: ScaledDifference<T>; distance: T } {
  const raw = b.sub(u, v);
  const difference = eps === 0 ? raw : b.add(raw, b.fill([], eps));
  const magnitude = b.max(b.abs(difference), 1, true);
  const rowScale = b.where(b.greater(magnitude, b.fill([], 0)), magnitude, b.fill([], 1));
  const scaled = b.div(difference, rowScale);
  const scaledNorm = b.sqrt(b.sum(b.mul(scaled, scaled), 1, true));
  const distance = b.reshape(b.mul(scaledNorm, rowScale), [b.shape(u)[0]!]);
  return { difference: { scaled, scaledNorm }, distance };
}

/**
 * `d ||u - v + eps|| / d u = (u - v + eps) / ||u - v + eps||`, and 0 where the difference is exactly zero (the
 * subgradient PyTorch's norm backward uses; only reachable with `eps: 0` or a difference of exactly `-eps`).
 */
export function unitDifference<T>(b: TensorBackend<T>, difference: ScaledDifference<T>): T {
  const nonzero = b.greater(difference.scaledNorm, b.fill([], 0));
  return b.div(difference.scaled, b.where(nonzero, difference.scaledNorm, b.fill([], 1)));
}

/** The three inputs L2-normalised, for the cosine distance. */
export interface NormalizedTriplet<T> {
  readonly anchors: L2NormalizeSaved<T>;
  readonly positives: L2NormalizeSaved<T>;
  readonly negatives: L2NormalizeSaved<T>;
}

export function normalizeTriplet<T>(b: TensorBackend<T>, anchors: T, positives: T, negatives: T): NormalizedTriplet<T> {
  return { anchors: l2NormalizeForward(b, anchors), positives: l2NormalizeForward(b, positives), negatives: l2NormalizeForward(b, negatives) };
}

/** `1 - u^.v^` per row [n], on normalised rows. */
export function cosineDistance<T>(b: TensorBackend<T>, u: L2NormalizeSaved<T>, v: L2NormalizeSaved<T>): T {
  return b.sub(b.fill([], 1), b.sum(b.mul(u.normalized, v.normalized), 1, false));
}

/** Per-row weights [n, 1] of the three distances in the hinge input `d(a, p) - [wAN d(a, n) + wPN d(p, n)]`. */
export interface DistanceWeights<T> {
  readonly anchorPositive: T;
  readonly anchorNegative: T;
  /** Absent without `swap`. */
  readonly positiveNegative?: T;
}

type Gradients<T> = { anchors: T; positives: T; negatives: T };

/** The gradients of `sum_i [w_ap d(a,p) - w_an d(a,n) - w_pn d(p,n)]_i` for the euclidean distance. */
export function euclideanBackward<T>(
  b: TensorBackend<T>,
  differences: { positive: ScaledDifference<T>; negative: ScaledDifference<T>; swapped?: ScaledDifference<T> },
  weights: DistanceWeights<T>,
): Gradients<T> {
  const toPositive = b.mul(unitDifference(b, differences.positive), weights.anchorPositive);
  const toNegative = b.mul(unitDifference(b, differences.negative), weights.anchorNegative);
  const gradients = { anchors: b.sub(toPositive, toNegative), positives: b.neg(toPositive), negatives: toNegative };
  if (!differences.swapped || !weights.positiveNegative) return gradients;
  const swapped = b.mul(unitDifference(b, differences.swapped), weights.positiveNegative);
  return { ...gradients, positives: b.sub(gradients.positives, swapped), negatives: b.add(gradients.negatives, swapped) };
}

/** The same for the cosine distance: on normalised rows (`d (1 - u^.v^) / d u^ = -v^`), then the normalisation. */
export function cosineBackward<T>(b: TensorBackend<T>, rows: NormalizedTriplet<T>, weights: DistanceWeights<T>): Gradients<T> {
  const [a, p, n] = [rows.anchors.normalized, rows.positives.normalized, rows.negatives.normalized];
  const anchors = b.sub(b.mul(n, weights.anchorNegative), b.mul(p, weights.anchorPositive));
  let positives = b.neg(b.mul(a, weights.anchorPositive));
  let negatives = b.mul(a, weights.anchorNegative);
  if (weights.positiveNegative) {
    positives = b.add(positives, b.mul(n, weights.positiveNegative));
    negatives = b.add(negatives, b.mul(p, weights.positiveNegative));
  }
  return {
    anchors: l2NormalizeBackward(b, rows.anchors, anchors),
    positives: l2NormalizeBackward(b, rows.positives, positives),
    negatives: l2NormalizeBackward(b, rows.negatives, negatives),
  };
}

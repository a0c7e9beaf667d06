import { ContrastiveInputError } from '../errors.js';
import { maybeNormalize } from '../math/maybe-normalize.js';
import { checkBoolean, checkIntegerAtLeast, resolveOptions } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectDimension, expectEmbeddings, expectFiniteValues } from '../validation.js';

/**
 * Options of {@link topKAccuracy}; every one is optional in a call (the default applies).
 *
 * @example
 * topKAccuracy(backend, { anchors, positives }, { k: 5 });
 *
 * @see [Top-k accuracy](/losses/top-k-accuracy)
 */
export interface TopKAccuracyOptions {
  /** How many candidates may score strictly higher than the positive for a hit; an integer >= 1. Default 1. */
  readonly k: number;
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
}

const defaults: TopKAccuracyOptions = { k: 1, normalize: true };

/**
 * The fraction of queries whose positive is among the top `k` candidates (ties count as hits), a scalar tensor.
 * Validates like the losses: throws `ContrastiveInputError` before creating any tensor, and releases every
 * intermediate.
 *
 * Top-k retrieval accuracy, a forward-only metric (no gradient), as used to report contrastive representations.
 *
 * Scores `s = a p^T` ([N, M]) with `a`, `p` the rows of `anchors` ([N, D], the queries) and `positives` ([M, D],
 * the candidates, M >= N), L2-normalised when `normalize`. Query `i`'s positive is candidate `i`; it is a hit when
 * fewer than `k` candidates score strictly higher than it:
 *   `hit_i = [ #{j : s_ij > s_ii} < k ]`, and the result is `mean_i hit_i` (a scalar in [0, 1]).
 * Ties count as hits (only strictly greater scores rank above), so duplicated candidates never hide a positive.
 * Extra candidates (rows N..M-1 of `positives`) are distractors without a query.
 *
 * @param backend - The tensor backend that holds the inputs and computes the result.
 * @param inputs - `anchors`, [N, D] (the queries), and `positives`, [M, D] with M >= N (the candidates; row `i` is
 * query `i`'s positive).
 * @param options - {@link TopKAccuracyOptions}: `k` (default 1), `normalize` (default true).
 * @returns A scalar tensor in [0, 1]; the caller disposes it.
 * @throws ContrastiveInputError for a bad backend, input, shape, value or option.
 *
 * @example
 * const accuracy = topKAccuracy(backend, { anchors: imageEmbeddings, positives: textEmbeddings }, { k: 5 });
 * const [fraction] = await backend.read(accuracy);
 *
 * @see [Top-k accuracy](/losses/top-k-accuracy)
 */
export function topKAccuracy<T>(
  backend: TensorBackend<T>,
  inputs: { readonly anchors: T; readonly positives: T },
  options?: Partial<TopKAccuracyOptions>,
): T {
  const resolved = resolveOptions(defaults, options, { k: checkIntegerAtLeast(1), normalize: checkBoolean });
  if (inputs === null || typeof inputs !== 'object') {
    throw new ContrastiveInputError('inputs', 'an object { anchors, positives }', inputs === null ? 'null' : typeof inputs);
  }
  const [queries, dimension] = expectEmbeddings(backend, inputs.anchors, 'anchors') as [number, number];
  const candidateShape = expectEmbeddings(backend, inputs.positives, 'positives', queries);
  expectDimension(candidateShape, dimension, 'positives', 'anchors');
  expectFiniteValues(backend, inputs.anchors, 'anchors');
  expectFiniteValues(backend, inputs.positives, 'positives');
  return backend.scope(() => topKAccuracyForward(backend, inputs.anchors, inputs.positives, resolved));
}

function topKAccuracyForward<T>(b: TensorBackend<T>, anchors: T, positives: T, options: TopKAccuracyOptions): T {
  const queries = b.shape(anchors)[0]!;
  const a = maybeNormalize(b, anchors, options.normalize).value;
  const p = maybeNormalize(b, positives, options.normalize).value;
  const scores = b.matmul(a, p, { transposeB: true });
  const diagonal = { values: Int32Array.from({ length: queries }, (_, i) => i), shape: [queries, 1] };
  const positiveScores = b.takeAlongAxis(scores, diagonal, 1);
  const [zero, one] = [b.fill([], 0), b.fill([], 1)];
  const higher = b.sum(b.where(b.greater(scores, positiveScores), one, zero), 1, false);
  const hits = b.where(b.greater(b.fill([], options.k), higher), one, zero);
  return b.div(b.sum(hits, 0, false), b.fill([], queries));
}

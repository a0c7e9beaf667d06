import type { LossDefinition } from '../loss-definition.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maskedRowLogSumExp } from '../math/masked-log-sum-exp.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { checkBoolean, checkPositiveFinite, resolveOptions } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectEmbeddingPair, expectEmbeddings } from '../validation.js';

/**
 * Options of {@link alignment}; every one is optional in a call.
 *
 * @example
 * computeLoss(backend, alignment, { anchors, positives }, { alpha: 1 });
 *
 * @see [Alignment](/losses/alignment)
 */
export interface AlignmentOptions {
  /** The power of the distance; finite, > 0. Default 2 (the paper's choice). */
  readonly alpha: number;
  /** L2-normalise rows first (points on the hypersphere). Default true. */
  readonly normalize: boolean;
}

/**
 * Options of {@link uniformity}; every one is optional in a call.
 *
 * @example
 * computeLoss(backend, uniformity, { embeddings }, { t: 2, normalize: false });
 *
 * @see [Uniformity](/losses/uniformity)
 */
export interface UniformityOptions {
  /** The scale of the Gaussian potential `exp(-t ||z_i - z_j||^2)`; finite, > 0. Default 2 (the paper's choice). */
  readonly t: number;
  /** L2-normalise rows first (points on the hypersphere). Default true. */
  readonly normalize: boolean;
}

const alignmentDefaults: AlignmentOptions = { alpha: 2, normalize: true };
const uniformityDefaults: UniformityOptions = { t: 2, normalize: true };

type Normalized<T> = { value: T; saved?: L2NormalizeSaved<T> };

/**
 * Alignment of representations on the hypersphere (Wang and Isola 2020, arXiv:2005.10242), usable both as a
 * metric and as a loss (a scalar with analytic gradients): the mean distance between positive pairs, to the
 * power alpha.
 *
 * Alignment forward: `mean_i ||a_i - p_i||^alpha` over the N rows (L2-normalised when `normalize`). The squared
 * distance is summed from the difference itself, `sq_i = sum_d (a_id - p_id)^2` (exact for near-identical rows,
 * where `2 - 2 cos` would cancel to nothing), and `||.||^alpha = exp(alpha/2 log sq)` guarded by `where`, so a zero
 * distance gives 0 (for `alpha = 2` the power is skipped).
 * Alignment backward: `d a_i = (alpha / N) sq_i^(alpha/2 - 1) (a_i - p_i) = -d p_i`, and 0 at a zero distance
 * (PyTorch's subgradient of the norm), then through the normalisation.
 *
 * Inputs: `anchors` and `positives`, [N, D], the two views of N samples.
 * Options: {@link AlignmentOptions} (`alpha` 2, `normalize` true).
 *
 * @example
 * const align = computeLoss(backend, alignment, { anchors, positives }, { alpha: 2 });
 *
 * @see [Alignment](/losses/alignment)
 */
export const alignment: LossDefinition<'anchors' | 'positives', AlignmentOptions> = {
  name: 'alignment',
  inputs: ['anchors', 'positives'],
  gradientInputs: ['anchors', 'positives'],
  contract: {
    roles: { anchors: 'embeddings', positives: 'embeddings' },
    magnitudes(options, facts) {
      const distance = options.normalize ? 2 : (facts.anchors?.maxRowNorm ?? 0) + (facts.positives?.maxRowNorm ?? 0);
      const blame = (facts.anchors?.maxRowNorm ?? 0) >= (facts.positives?.maxRowNorm ?? 0) ? 'anchors' : 'positives';
      return [
        { argument: blame, quantity: 'the largest squared distance |a - p|^2', value: distance * distance },
        { argument: 'options.alpha', quantity: 'the largest |a - p|^alpha', value: Math.pow(distance, options.alpha) },
      ];
    },
    // The gradient alpha |d|^(alpha - 1) grows without bound as a pair's distance d goes to 0 when alpha < 1.
    valueMagnitudes(options, values) {
      if (options.alpha >= 1 || !values.anchors || !values.positives) return [];
      const smallest = smallestPairDistance(values.anchors, values.positives, options.normalize);
      if (!(smallest > 0)) return [];
      const value = options.alpha * Math.pow(smallest, options.alpha - 1);
      return [{ argument: 'options.alpha', quantity: 'the largest gradient, alpha |a - p|^(alpha - 1) at the closest distinct pair', value }];
    },
  },
  defaults: alignmentDefaults,
  resolveOptions: (options) => resolveOptions(alignmentDefaults, options, { alpha: checkPositiveFinite, normalize: checkBoolean }),
  validate(backend, inputs) {
    expectEmbeddingPair(backend, inputs.anchors, inputs.positives);
  },
  forward(b, inputs, options) {
    const a = maybeNormalize(b, inputs.anchors!, options.normalize);
    const p = maybeNormalize(b, inputs.positives!, options.normalize);
    const difference = b.sub(a.value, p.value);
    if (options.alpha === 2) {
      const squared = b.sum(b.mul(difference, difference), 1, false);
      return { loss: reduceRows(b, squared, 'mean'), saved: { a, p, difference, rows: b.shape(squared)[0]!, squaredForm: true } };
    }
    // |d|^alpha in log space, the difference scaled by its largest element first: a squared distance of 1e-46
    // underflows float32, its logarithm does not.
    const zero = b.fill([], 0);
    const one = b.fill([], 1);
    const largest = b.max(b.abs(difference), 1, true);
    const positive = b.greater(largest, zero);
    const safeLargest = b.where(positive, largest, one);
    const scaled = b.div(difference, safeLargest);
    const scaledNorm = b.where(positive, b.sqrt(b.sum(b.mul(scaled, scaled), 1, true)), one);
    const logDistance = b.add(b.log(safeLargest), b.log(scaledNorm));
    const powered = b.where(positive, b.exp(b.mul(logDistance, b.fill([], options.alpha))), zero);
    // d |d|^alpha / d difference = alpha |d|^(alpha - 1) * unit, and 0 for identical rows.
    const coefficient = b.where(positive, b.mul(b.exp(b.mul(logDistance, b.fill([], options.alpha - 1))), b.fill([], options.alpha)), zero);
    const unit = b.div(scaled, scaledNorm);
    const rows = b.shape(powered)[0]!;
    return { loss: reduceRows(b, b.reshape(powered, [rows]), 'mean'), saved: { a, p, difference: b.mul(unit, coefficient), rows } };
  },
  backward(b, saved, upstream) {
    const { a, p, difference, rows } = saved as AlignmentSaved<typeof upstream>;
    const perRow = b.reshape(reduceRowsBackward(b, upstream, rows, 'mean'), [rows, 1]);
    // alpha = 2: d |d|^2 = 2 difference; otherwise `difference` already holds alpha |d|^(alpha - 1) * unit.
    const gradient = b.mul(difference, b.mul(perRow, b.fill([], (saved as AlignmentSaved<typeof upstream>).squaredForm ? 2 : 1)));
    return { anchors: maybeNormalizeBackward(b, a.saved, gradient), positives: maybeNormalizeBackward(b, p.saved, b.neg(gradient)) };
  },
};

/** The smallest nonzero row distance |a_i - p_i| (after normalisation when `normalize`), in float64 on the host. */
function smallestPairDistance(
  anchors: { readonly values: ArrayLike<number>; readonly shape: readonly number[] },
  positives: { readonly values: ArrayLike<number> },
  normalize: boolean,
): number {
  const width = anchors.shape[1]!;
  const norm = (values: ArrayLike<number>, start: number) => {
    let largest = 0;
    for (let k = start; k < start + width; k++) largest = Math.max(largest, Math.abs(values[k]!));
    let sum = 0;
    for (let k = start; k < start + width && largest > 0; k++) sum += (values[k]! / largest) ** 2;
    return normalize ? Math.max(Math.sqrt(sum) * largest, 1e-12) : 1;
  };
  let smallest = Infinity;
  for (let start = 0; start < anchors.values.length; start += width) {
    const [na, np] = [norm(anchors.values, start), norm(positives.values, start)];
    let largest = 0;
    const diffs: number[] = [];
    for (let k = start; k < start + width; k++) {
      const d = anchors.values[k]! / na - positives.values[k]! / np;
      diffs.push(d);
      largest = Math.max(largest, Math.abs(d));
    }
    if (largest === 0) continue;
    smallest = Math.min(smallest, Math.sqrt(diffs.reduce((acc, d) => acc + (d / largest) ** 2, 0)) * largest);
  }
  return smallest;
}

interface AlignmentSaved<T> {
  a: Normalized<T>;
  p: Normalized<T>;
  /** alpha = 2: the difference a - p; otherwise the gradient of |d|^alpha with respect to it. */
  difference: T;
  rows: number;
  /** True for alpha = 2 (the gradient is 2 difference). */
  squaredForm?: boolean;
}

/**
 * Uniformity of representations on the hypersphere (Wang and Isola 2020, arXiv:2005.10242), usable both as a
 * metric and as a loss (a scalar with analytic gradients): the log of the mean Gaussian potential over all pairs.
 *
 * Uniformity forward: `log mean_{i<j} exp(-t ||z_i - z_j||^2)`, z the rows of `embeddings` (normalised when
 * `normalize`), N >= 2. Squared distances come from one Gram matrix: `sq_ij = ||z_i||^2 + ||z_j||^2 - 2 z_i.z_j`,
 * clamped at 0; for normalised rows this is `2 - 2 cos(z_i, z_j)` (and it stays exact for zero rows, which
 * normalise to zero); with `normalize: false` it is the plain squared Euclidean distance of the raw rows.
 * The value is a max-subtracted log-sum-exp over the strict upper triangle, minus `log(N(N-1)/2)`.
 * Uniformity backward: `W_ij = softmax_{i<j}(-t sq)_ij`, `D = -t W` where `sq_ij > 0` (0 where clamped),
 * `S = D + D^T`: `d z_i = 2 (sum_j S_ij) z_i - 2 (S z)_i`, then through the normalisation.
 *
 * Inputs: `embeddings`, [N, D] with N >= 2.
 * Options: {@link UniformityOptions} (`t` 2, `normalize` true).
 *
 * @example
 * const uniform = computeLoss(backend, uniformity, { embeddings }, { t: 2 });
 *
 * @see [Uniformity](/losses/uniformity)
 */
export const uniformity: LossDefinition<'embeddings', UniformityOptions> = {
  name: 'uniformity',
  inputs: ['embeddings'],
  gradientInputs: ['embeddings'],
  contract: {
    roles: { embeddings: 'embeddings' },
    magnitudes(options, facts) {
      const norm = options.normalize ? 1 : (facts.embeddings?.maxRowNorm ?? 0);
      const squared = 4 * norm * norm;
      return [
        { argument: 'embeddings', quantity: 'the largest squared distance |x_i - x_j|^2', value: squared },
        { argument: 'options.t', quantity: 't times the largest squared distance', value: options.t * squared },
        { argument: 'options.t', quantity: 't', value: options.t },
        // |z_i|^2 + |z_j|^2 - 2 z_i.z_j carries a rounding error of about 4 eps |z|^2 per distance; t multiplies
        // it into the loss, so t 4 |z|^2 must stay below 1 / eps (t <= 2.1e6 for normalised rows in float32).
        {
          argument: 'options.t',
          quantity: 't times 4 |z|^2 (the rounding error of a squared distance, in units of eps)',
          value: options.t * Math.max(squared, 4),
          limit: (limits) => 1 / limits.epsilon,
        },
      ];
    },
    // gram, distances, potentials, masks, exponentials, softmax, weights and its transpose: about 12 [N, N].
    workingSet: (shapes) => {
      const rows = shapes.embeddings![0]!;
      return { rows, columns: rows, selfSimilarity: true, normalized: true, matrices: 12 };
    },
  },
  defaults: uniformityDefaults,
  resolveOptions: (options) => resolveOptions(uniformityDefaults, options, { t: checkPositiveFinite, normalize: checkBoolean }),
  validate(backend, inputs) {
    expectEmbeddings(backend, inputs.embeddings, 'embeddings', 2);
  },
  forward(b, inputs, options) {
    const rows = b.shape(inputs.embeddings!)[0]!;
    const z = maybeNormalize(b, inputs.embeddings!, options.normalize);
    const gram = b.matmul(z.value, z.value, { transposeB: true });
    const norms = b.sum(b.mul(z.value, z.value), 1, true);
    const raw = b.sub(b.add(norms, b.reshape(norms, [1, rows])), b.mul(gram, b.fill([], 2)));
    const active = b.greater(raw, b.fill([], 0));
    const potentials = b.reshape(b.mul(b.maximum(raw, b.fill([], 0)), b.fill([], -options.t)), [1, rows * rows]);
    // The strict upper triangle (column index > row index), flattened to one row of N^2 entries.
    const mask = b.greater(flatIndices(b, rows, 'column'), flatIndices(b, rows, 'row'));
    const { logSumExp, rowMax, log1pRest } = maskedRowLogSumExp(b, potentials, mask);
    const pairs = (rows * (rows - 1)) / 2;
    // max + (log1p(rest) - log(pairs)): exactly 0 for collapsed embeddings up to one rounding.
    const loss = b.reshape(b.add(rowMax, b.sub(log1pRest, b.fill([], Math.log(pairs)))), []);
    return { loss, saved: { z, potentials, mask, logSumExp, active, rows } };
  },
  backward(b, saved, upstream, options) {
    const { z, potentials, mask, logSumExp, active, rows } = saved as UniformitySaved<typeof upstream>;
    const zero = b.fill([], 0);
    const softmax = b.where(mask, b.exp(b.sub(potentials, logSumExp)), zero);
    const weights = b.reshape(b.mul(softmax, b.mul(upstream, b.fill([], -options.t))), [rows, rows]);
    const dSquared = b.where(active, weights, zero);
    const symmetric = b.add(dSquared, b.transpose(dSquared));
    const two = b.fill([], 2);
    const dz = b.mul(b.sub(b.mul(b.sum(symmetric, 1, true), z.value), b.matmul(symmetric, z.value)), two);
    return { embeddings: maybeNormalizeBackward(b, z.saved, dz) };
  },
};

/** The row index or the column index of each entry of a row-major flattened [rows, rows] matrix, as [1, rows^2]. */
function flatIndices<T>(b: TensorBackend<T>, rows: number, which: 'row' | 'column'): T {
  const values = Array.from({ length: rows * rows }, (_, flat) => (which === 'row' ? Math.floor(flat / rows) : flat % rows));
  return b.fromArray(values, [1, rows * rows]);
}

interface UniformitySaved<T> {
  z: Normalized<T>;
  potentials: T;
  mask: T;
  logSumExp: T;
  active: T;
  rows: number;
}

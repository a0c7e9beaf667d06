/**
 * The forward and backward math of `hcl` on the stacked rows `z = [anchors; positives]` (see hcl.ts for the
 * formulas), in the log domain throughout.
 */
import { maskedRowLogSumExp } from '../math/masked-log-sum-exp.js';
import { idRange, viewMajorSampleIds } from '../math/pairing-ids.js';
import type { TensorBackend } from '../tensor-backend.js';

interface HclMathOptions {
  readonly temperature: number;
  readonly beta: number;
  readonly tauPlus: number;
}

/** What the backward needs from the forward. */
export interface HclSaved<T> {
  readonly z: T;
  /** [2N, 2N] `S_ij - m_i`, `m_i` the largest similarity of row `i` over its negatives. */
  readonly shifted: T;
  /** [2N, 2N] true at the negatives of each row. */
  readonly negatives: T;
  /** [2N, 2N] true at each row's positive. */
  readonly positives: T;
  /** [2N, 1] `lse_j (1 + beta) (S_ij - m_i)` and `lse_j beta (S_ij - m_i)` over the negatives (each in [0, log M]). */
  readonly hardLse: T;
  readonly betaLse: T;
  /** [2N, 1] `log R_i - log D_i` where the clamp is not active (0 elsewhere). */
  readonly logRatio: T;
  /** [2N, 1] true where the clamp is not active. */
  readonly unclamped: T;
  /** [2N, 1] `u = log Ng - S_ip` and the row losses `softplus(u)`. */
  readonly u: T;
  readonly rowLosses: T;
}

/**
 * Every log-domain quantity is taken relative to the row's largest negative similarity `m_i` (so `log R - m` is
 * `log M` plus two log-sum-exps of non-positive values, without cancelling two 1e6-sized log-sum-exps at a tiny
 * temperature), and the loss's argument `u` relative to the positive `S_ip`.
 */
export function hclForward<T>(b: TensorBackend<T>, z: T, rows: number, options: HclMathOptions): { rowLosses: T; saved: HclSaved<T> } {
  const total = 2 * rows;
  const logCount = Math.log(total - 2);
  const zero = b.fill([], 0);
  const similarities = b.mul(b.matmul(z, z, { transposeB: true }), b.fill([], 1 / options.temperature));
  const negatives = b.greater(b.abs(b.sub(viewMajorSampleIds(b, 2, rows, 'column'), viewMajorSampleIds(b, 2, rows, 'row'))), zero);
  const partners = b.fromArray(Array.from({ length: total }, (_, i) => (i + rows) % total), [total, 1]);
  const positives = b.equal(partners, idRange(b, total, 0, 'row'));
  const positive = b.sum(b.where(positives, similarities, zero), 1, true);
  const rowMax = b.max(b.where(negatives, similarities, b.fill([], -Infinity)), 1, true);
  const shifted = b.sub(similarities, rowMax);
  const hardLse = maskedRowLogSumExp(b, b.mul(shifted, b.fill([], 1 + options.beta)), negatives).logSumExp;
  const betaLse = maskedRowLogSumExp(b, b.mul(shifted, b.fill([], options.beta)), negatives).logSumExp;
  const positiveGap = b.sub(positive, rowMax); // S_ip - m
  const relativeR = b.add(b.sub(hardLse, betaLse), b.fill([], logCount)); // log R - m
  let relativeD = relativeR; // log D - m
  if (options.tauPlus > 0) {
    const debias = b.add(positiveGap, b.fill([], Math.log(options.tauPlus) + logCount)); // log(tauPlus M e^S_ip) - m
    const difference = b.sub(debias, relativeR);
    const valid = b.greater(zero, difference);
    const safe = b.where(valid, difference, b.fill([], -1));
    relativeD = b.where(valid, b.add(relativeR, b.log1p(b.neg(b.exp(safe)))), b.fill([], -Infinity));
  }
  // The clamp Ng >= M exp(-1 / temperature), as (1 - tauPlus) Ng = D against (1 - tauPlus) M exp(-1 / temperature).
  const floorGap = b.sub(b.fill([], Math.log(1 - options.tauPlus) + logCount - 1 / options.temperature), rowMax);
  const unclamped = b.greater(relativeD, floorGap);
  // u = log Ng - S_ip: (log D - m) - (S_ip - m) - log(1 - tauPlus), or clamped log M - 1 / temperature - S_ip.
  const u = b.where(
    unclamped,
    b.sub(b.sub(relativeD, positiveGap), b.fill([], Math.log(1 - options.tauPlus))),
    b.sub(b.fill([], logCount), b.add(positive, b.fill([], 1 / options.temperature))),
  );
  const rowLosses2d = b.add(b.maximum(u, zero), b.log1p(b.exp(b.neg(b.abs(u)))));
  const logRatio = b.where(unclamped, b.sub(relativeR, relativeD), zero);
  const saved = { z, shifted, negatives, positives, hardLse, betaLse, logRatio, unclamped, u, rowLosses: rowLosses2d };
  return { rowLosses: b.reshape(rowLosses2d, [total]), saved };
}

/** `d loss / d z` for per-row weights [2N, 1]. */
export function hclBackward<T>(b: TensorBackend<T>, saved: HclSaved<T>, weights: T, options: HclMathOptions): T {
  const zero = b.fill([], 0);
  const minusInfinity = b.fill([], -Infinity);
  // q = w sigmoid(u) = w exp(u - softplus(u)); k: the part that reaches the negatives (clamp not active).
  const q = b.mul(weights, b.exp(b.sub(saved.u, saved.rowLosses)));
  const k = b.where(saved.unclamped, q, zero);
  const softmax = (factor: number, lse: T) =>
    b.exp(b.where(saved.negatives, b.sub(b.mul(saved.shifted, b.fill([], factor)), lse), minusInfinity));
  const hard = b.mul(softmax(1 + options.beta, saved.hardLse), b.fill([], 1 + options.beta));
  const weighted = options.beta === 0 ? hard : b.sub(hard, b.mul(softmax(options.beta, saved.betaLse), b.fill([], options.beta)));
  const negativeGradient = b.mul(weighted, b.mul(k, b.exp(saved.logRatio)));
  // d l / d S_ip = -q - k tauPlus M exp(S_ip) / D = (k - q) - k R / D, and the negatives' entries sum to k R / D
  // (both softmaxes sum to 1): take that sum as computed, so a row's entries cancel to rounding (the loss is
  // invariant to a shift of a row's similarities wherever the clamp is not active).
  const positiveGradient = b.sub(b.sub(k, q), b.sum(negativeGradient, 1, true));
  const gradient = b.add(negativeGradient, b.where(saved.positives, positiveGradient, zero));
  const symmetric = b.add(gradient, b.transpose(gradient));
  // d z = H z / temperature, H = G + G^T, computed as H (z - mean) + rowsum(H) mean: exact, and for near-identical
  // rows at a tiny temperature the matmul no longer rounds large terms that cancel (what is left is parallel to the
  // mean row, which the normalisation's backward removes).
  const mean = b.div(b.sum(saved.z, 0, true), b.fill([], b.shape(saved.z)[0]!));
  const centered = b.matmul(symmetric, b.sub(saved.z, mean));
  return b.mul(b.add(centered, b.mul(b.sum(symmetric, 1, true), mean)), b.fill([], 1 / options.temperature));
}

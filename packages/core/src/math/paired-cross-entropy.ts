import type { TensorBackend } from '../tensor-backend.js';
import { maximumConstantShift } from './constant-shift-passes.js';
import { normalizeEpsilon } from './l2-normalize.js';
import { positiveApartLosses } from './queue-cross-entropy.js';

/**
 * What {@link pairedCrossEntropyBackward} needs.
 *
 * @example
 * const { saved } = pairedCrossEntropyForward(b, anchors, positives, negatives, 1 / 0.1, true);
 *
 * @see [InfoNCE](/losses/info-nce)
 */
export interface PairedCrossEntropySaved<T> {
  readonly anchors: T;
  readonly positives: T;
  /** [n, m, D] the negatives times a power of two per row (`f`: 1, or 2^-80 where the squared norm overflows). */
  readonly rescaled: T;
  /** `scale` as a scalar tensor. */
  readonly scale: T;
  /** [n, m] `exp(s_im - h_i)`, the shifted exponentials of the negatives. */
  readonly exponentials: T;
  /** [n, 1] `rest_i = sum_m exp(s_im - h_i)`. */
  readonly rest: T;
  /** [n, 1] `R_i = rest_i + exp(s_i0 - h_i)`. */
  readonly denominator: T;
  /**
   * [n, m] `k_im = 1 / max(||y_im||, f_im 1e-12)`: a rescaled row times it is the normalised negative. Absent (with
   * the two below) without normalisation.
   */
  readonly inverseNorm?: T;
  /** [n, m] `f_im / max(||y_im||, f_im 1e-12)`, i.e. `1 / max(||n_im||, 1e-12)`. */
  readonly inputInverseNorm?: T;
  /** [n, m] `c_im k_im` above the clamp (`c_im n_im = c_im k_im y_im`), 0 on clamped rows (zero derivative there). */
  readonly projection?: T;
}

// A squared norm that overflows float32 (rows from about 1.8e19) is summed again on the row times 2^-80 (exact):
// every finite row then has a finite, accurate norm. Rows too small to square (norm below about 1e-19) need no
// rescue: they are far below the clamp (1e-12), where the norm's value is not used. This skips the row maximum, the
// division by it and the [rows, D] `where` of the clamp that `l2NormalizeForward` pays on every row.
const [overflowing, rescue] = [2 ** 100, 2 ** -80];

/** Per-row sums of squares of [n, m, D] rows, robust to any finite magnitude: the rescaled rows and their squares. */
function rescaledSquares<T>(b: TensorBackend<T>, negatives: T): { rescaled: T; factor: T; squares: T } {
  const plain = b.sum(b.mul(negatives, negatives), 2, true);
  // False for NaN, which the squares below carry on.
  const factor = b.where(b.greater(plain, b.fill([], overflowing)), b.fill([], rescue), b.fill([], 1));
  const rescaled = b.mul(negatives, factor);
  return { rescaled, factor, squares: b.sum(b.mul(rescaled, rescaled), 2, true) };
}

/**
 * InfoNCE's cross-entropy with paired negatives: row `i` has the target logit `s_i0 = scale a_i . p_i` and the
 * negatives' logits `s_im = scale a_i . n_im` (`n_im` the negatives [n, m, D], L2-normalised here when `normalize`;
 * the caller normalised `anchors` and `positives` then), `l_i = -s_i0 +
 * log(exp(s_i0) + sum_m exp(s_im))`, with no [n, 1 + m] concatenation and the negatives never normalised as a
 * tensor: with `y = f x` (a power of two per row, see above) `c_im = (a_i . y_im) k_im`, `k = 1 / max(||y||, f 1e-12)`
 * (the clamp of `torch.nn.functional.normalize`, as `l2NormalizeForward`).
 *
 * Shift: the constant `scale` when every row has norm at most 1 (`normalize`) and `scale <=
 * maximumConstantShift`, else each row's maximum over its negatives and the positive. `rest_i` is the shifted sum
 * over the negatives, `e_i = exp(s_i0 - h_i)`; the loss is `log1p(rest_i / e_i)` when the positive dominates (the
 * digits of a loss near 0 kept), else `log(rest_i + e_i) + h_i - s_i0`.
 *
 * @param b - The tensor backend.
 * @param anchors - [n, D].
 * @param positives - [n, D].
 * @param negatives - [n, m, D], row `i` the negatives of anchor `i`, raw (normalised here when `normalize`).
 * @param scale - `1 / temperature`, known on the host.
 * @param normalize - Cosine logits: the caller L2-normalised `anchors` and `positives`, the negatives are normalised
 * here (every row then has norm at most 1).
 * @returns The [n] row losses and what the backward needs.
 *
 * @example
 * const { rowLosses, saved } = pairedCrossEntropyForward(b, a, p, hardNegatives, 1 / 0.1, true);
 *
 * @see [InfoNCE](/losses/info-nce)
 */
export function pairedCrossEntropyForward<T>(
  b: TensorBackend<T>,
  anchors: T,
  positives: T,
  negatives: T,
  scale: number,
  normalize: boolean,
): { rowLosses: T; saved: PairedCrossEntropySaved<T> } {
  const [n, dimension] = b.shape(anchors) as [number, number];
  const m = b.shape(negatives)[1]!;
  const scaleTensor = b.fill([], scale);
  const positiveLogits = b.mul(b.sum(b.mul(anchors, positives), 1, true), scaleTensor);
  const rows = normalize ? rescaledSquares(b, negatives) : undefined;
  const rescaled = rows ? rows.rescaled : negatives;
  const dots = b.sum(b.mul(b.reshape(anchors, [n, 1, dimension]), rescaled), 2, false);
  let norms: Pick<PairedCrossEntropySaved<T>, 'inverseNorm' | 'inputInverseNorm' | 'projection'> = {};
  let cosines = dots;
  if (rows) {
    const norm = b.reshape(b.sqrt(rows.squares), [n, m]);
    const factor = b.reshape(rows.factor, [n, m]);
    const floor = b.mul(factor, b.fill([], normalizeEpsilon));
    const inverseNorm = b.div(b.fill([], 1), b.maximum(norm, floor));
    cosines = b.mul(dots, inverseNorm);
    const projection = b.where(b.greater(norm, floor), b.mul(cosines, inverseNorm), b.fill([], 0));
    norms = { inverseNorm, inputInverseNorm: b.mul(factor, inverseNorm), projection };
  }
  const logits = b.mul(cosines, scaleTensor);
  const constantShift = normalize && scale > 0 && scale <= maximumConstantShift;
  // Without the promise of unit rows, the row maximum; the positive's logit may be it.
  const shift = constantShift ? b.fill([n, 1], scale) : b.maximum(b.max(logits, 1, true), positiveLogits);
  const exponentials = b.exp(b.sub(logits, shift));
  const { rest, denominator, losses } = positiveApartLosses(b, positiveLogits, shift, exponentials);
  const saved = { anchors, positives, rescaled, scale: scaleTensor, exponentials, rest, denominator, ...norms };
  return { rowLosses: b.reshape(losses, [n]), saved };
}

/**
 * Gradients of {@link pairedCrossEntropyForward} for upstream row weights `w` [n]. With `u = w / R`, the positive's
 * coefficient `G_i0 = -u_i rest_i` (from the negatives' mass, never `softmax - 1`) and the negatives' `G_im = u_i
 * E_im`: `d a_i = scale (G_i0 p_i + sum_m G_im n_im)`, `d p_i = scale G_i0 a_i`, and through the normalisation
 * `d x_im = scale G_im (a_i - c_im n_im) / ||x_im||` (`d x_im = scale G_im a_i / 1e-12` on clamped rows), written
 * on the rescaled rows as `(scale G_im f_im k_im) (a_i - (c_im k_im) y_im)`: the [n, m, D] work is one weighted sum
 * over `m` and three elementwise passes, whatever the magnitude of the rows.
 *
 * @param b - The tensor backend.
 * @param saved - From the forward.
 * @param rowWeights - [n] upstream weights of the row losses.
 * @returns The gradients of the anchors and positives as given to the forward, and of the raw negatives.
 *
 * @example
 * const { anchors, positives, negatives } = pairedCrossEntropyBackward(b, saved, weights);
 *
 * @see [InfoNCE](/losses/info-nce)
 */
export function pairedCrossEntropyBackward<T>(
  b: TensorBackend<T>,
  saved: PairedCrossEntropySaved<T>,
  rowWeights: T,
): { anchors: T; positives: T; negatives: T } {
  const { anchors: a, positives: p, rescaled, scale, exponentials, rest, denominator } = saved;
  const [n, dimension] = b.shape(a) as [number, number];
  const m = b.shape(exponentials)[1]!;
  const u = b.div(b.mul(b.reshape(rowWeights, [n, 1]), scale), denominator);
  const positiveCoefficient = b.neg(b.mul(u, rest));
  const cosineGrad = b.mul(u, exponentials);
  const column = (x: T) => b.reshape(x, [n, m, 1]);
  const rescaledWeights = saved.inverseNorm ? b.mul(cosineGrad, saved.inverseNorm) : cosineGrad;
  const negativesSum = b.sum(b.mul(column(rescaledWeights), rescaled), 1, false);
  const anchors = b.add(b.mul(positiveCoefficient, p), negativesSum);
  const positives = b.mul(positiveCoefficient, a);
  const anchorRows = b.reshape(a, [n, 1, dimension]);
  if (!saved.inputInverseNorm || !saved.projection) return { anchors, positives, negatives: b.mul(column(cosineGrad), anchorRows) };
  const tangent = b.sub(anchorRows, b.mul(column(saved.projection), rescaled));
  return { anchors, positives, negatives: b.mul(column(b.mul(cosineGrad, saved.inputInverseNorm)), tangent) };
}

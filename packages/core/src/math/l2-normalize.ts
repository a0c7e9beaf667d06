import type { TensorBackend } from '../tensor-backend.js';

/**
 * Rows with a norm at or below this are divided by it instead (the clamp of `torch.nn.functional.normalize`).
 *
 * @see [Decision 0003: scaled normalisation](/contributing/decisions/0003-scaled-normalization)
 *
 * @example
 * const y = b.div(x, b.maximum(norm, b.fill([], normalizeEpsilon)));
 *
 */
export const normalizeEpsilon = 1e-12;

/**
 * What {@link l2NormalizeForward} returns: the normalised rows and what {@link l2NormalizeBackward} needs.
 *
 * @example
 * const { normalized } = l2NormalizeForward(b, anchors);
 *
 * @see [Decision 0003: scaled normalisation](/contributing/decisions/0003-scaled-normalization)
 */
export interface L2NormalizeSaved<T> {
  /** [n, D] the normalised rows. */
  readonly normalized: T;
  /** Rows whose norm is above the clamp, [n]. */
  readonly unclamped: T;
  /** `1 / max(||x||, 1e-12)` per row, [n, 1]. Absent on float16 storage, which has `maximumScaled` instead. */
  readonly inverseNorm?: T;
  /**
   * float16 storage only: the row's largest magnitude `m` (1 for zero rows) and `max(||x / m||, 1e-12 / m)`, [n, 1]
   * each; there `1 / ||x||` leaves float16's range from norms of about 2^14.
   */
  readonly maximumScaled?: { readonly rowScale: T; readonly scaledNorm: T };
}

// A sum of squares above this (norm above 2^50) is taken again on the row times `rescue`: exact (a power of two), and
// finite for every finite float32 row, where the plain sum overflows from entries of about 1.8e19. Sums too small
// for float32's normal range (norm below ~1e-19) need no rescue: such rows are far below the clamp, whose branch
// never reads the norm, and a sum that far below 1e-24 cannot be mistaken for one above the clamp.
const [overflowing, rescue] = [2 ** 100, 2 ** -80];

/**
 * Row-wise L2 normalisation `y = x / max(||x||, 1e-12)`, as `torch.nn.functional.normalize`. The norm is the plain
 * sum of squares, except for rows whose sum overflows: those are summed again times 2^-80 (exact), so rows of 1e30
 * or 1e38 normalise correctly in float32, rows of 1e-30 or 0 take the clamp's branch `x / 1e-12` (zero rows give
 * zero with a finite gradient), and no row needs its maximum. Backends with float16 storage divide each row by its
 * largest magnitude first instead.
 *
 * @param backend - The tensor backend.
 * @param x - [n, D] the rows.
 * @returns The normalised rows (`normalized`) and what the backward needs.
 *
 * @example
 * const saved = l2NormalizeForward(b, anchors);
 * const dAnchors = l2NormalizeBackward(b, saved, dNormalized);
 *
 * @see [Decision 0003: scaled normalisation](/contributing/decisions/0003-scaled-normalization)
 */
export function l2NormalizeForward<T>(backend: TensorBackend<T>, x: T): L2NormalizeSaved<T> {
  const b = backend;
  const n = b.shape(x)[0]!;
  // The per-row quantities are [n] vectors, [n, 1] only to scale rows: ONNX Runtime broadcasts a scalar against
  // [n, 1] one element at a time, ~10x slower than against [n].
  const column = (v: T) => b.reshape(v, [n, 1]);
  if (b.capabilities.precision === 'float16') return maximumScaledForward(b, x, column);
  const plain = b.sum(b.mul(x, x), 1, false);
  // 1 on all but overflowing rows (and on NaN rows, whose NaN the sums below carry on).
  const factor = b.where(b.greater(plain, b.fill([], overflowing)), b.fill([], rescue), b.fill([], 1));
  const rescaled = b.mul(x, column(factor));
  const norm = b.sqrt(b.sum(b.mul(rescaled, rescaled), 1, false));
  // The clamp in the rescaled row's units; overflowing rows are far above it.
  const floor = b.mul(factor, b.fill([], normalizeEpsilon));
  const denominator = b.maximum(norm, floor);
  return {
    normalized: b.div(rescaled, column(denominator)),
    inverseNorm: column(b.div(factor, denominator)),
    unclamped: b.greater(norm, floor),
  };
}

/**
 * float16 storage (65504 at most, WebGL's half-float textures) overflows a sum of squares from norms of 256 and has
 * no room for a second scale: each row is divided by its largest magnitude first (decision 0003 before 2026-12).
 */
function maximumScaledForward<T>(b: TensorBackend<T>, x: T, column: (v: T) => T): L2NormalizeSaved<T> {
  const magnitude = b.max(b.abs(x), 1, false);
  const rowScale = b.where(b.greater(magnitude, b.fill([], 0)), magnitude, b.fill([], 1));
  const scaled = b.div(x, column(rowScale));
  const scaledNorm = b.sqrt(b.sum(b.mul(scaled, scaled), 1, false));
  const floor = b.div(b.fill([], normalizeEpsilon), rowScale);
  const denominator = column(b.maximum(scaledNorm, floor));
  return {
    normalized: b.div(scaled, denominator),
    unclamped: b.greater(scaledNorm, floor),
    maximumScaled: { rowScale: column(rowScale), scaledNorm: denominator },
  };
}

/**
 * Gradient of the normalisation: `dx = (dy - y * <dy, y>) / ||x||` for unclamped rows and `dx = dy / 1e-12` for
 * clamped ones (the clamp has zero derivative), matching PyTorch autograd. Written as `(dy - y * p) * k` with the
 * per-row coefficients `k = 1 / max(||x||, 1e-12)` and `p = <dy, y>` (0 on clamped rows): four [n, D] passes and
 * one row sum.
 *
 * @param backend - The tensor backend.
 * @param saved - What the forward returned.
 * @param dy - [n, D] the gradient of the normalised rows.
 * @returns [n, D] the gradient of the input rows.
 *
 * @see [Decision 0003: scaled normalisation](/contributing/decisions/0003-scaled-normalization)
 *
 * @example
 * const dAnchors = l2NormalizeBackward(b, l2NormalizeForward(b, anchors), dNormalized);
 *
 */
export function l2NormalizeBackward<T>(backend: TensorBackend<T>, saved: L2NormalizeSaved<T>, dy: T): T {
  const b = backend;
  const y = saved.normalized;
  const projection = b.where(saved.unclamped, b.sum(b.mul(dy, y), 1, false), b.fill([], 0));
  const tangent = b.sub(dy, b.mul(y, b.reshape(projection, [b.shape(y)[0]!, 1])));
  if (saved.inverseNorm) return b.mul(tangent, saved.inverseNorm);
  const { rowScale, scaledNorm } = saved.maximumScaled!;
  return b.div(b.div(tangent, scaledNorm), rowScale);
}

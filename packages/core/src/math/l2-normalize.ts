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
  /** The row norm divided by the row's largest magnitude (1 if the row is zero), [n, 1]. */
  readonly scaledNorm: T;
  /** The row's largest magnitude (1 if the row is zero), [n, 1]. */
  readonly rowScale: T;
  /** Rows whose norm is above the clamp, [n, 1]. */
  readonly unclamped: T;
}

/**
 * Row-wise L2 normalisation `y = x / max(||x||, 1e-12)`, as `torch.nn.functional.normalize`.
 * Each row is first divided by its largest magnitude, so the squared norm neither overflows nor underflows in
 * float32 (rows of 1e30 or 1e-30 normalise correctly) and zero rows give zero with a finite gradient.
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
  const zero = b.fill([], 0);
  const one = b.fill([], 1);
  const magnitude = b.max(b.abs(x), 1, true);
  const nonzero = b.greater(magnitude, zero);
  const rowScale = b.where(nonzero, magnitude, one);
  const scaled = b.div(x, rowScale);
  const scaledNorm = b.sqrt(b.sum(b.mul(scaled, scaled), 1, true));
  const safeScaledNorm = b.where(nonzero, scaledNorm, one);
  const unclamped = b.greater(b.mul(scaledNorm, rowScale), b.fill([], normalizeEpsilon));
  const normalized = b.where(unclamped, b.div(scaled, safeScaledNorm), b.div(x, b.fill([], normalizeEpsilon)));
  return { normalized, scaledNorm: safeScaledNorm, rowScale, unclamped };
}

/**
 * Gradient of the normalisation: `dx = (dy - y * <dy, y>) / ||x||` for unclamped rows and `dx = dy / 1e-12` for
 * clamped ones (the clamp has zero derivative), matching PyTorch autograd.
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
  const projection = b.sum(b.mul(dy, y), 1, true);
  const tangent = b.div(b.div(b.sub(dy, b.mul(y, projection)), saved.scaledNorm), saved.rowScale);
  return b.where(saved.unclamped, tangent, b.div(dy, b.fill([], normalizeEpsilon)));
}

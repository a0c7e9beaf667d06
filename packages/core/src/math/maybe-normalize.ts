import type { TensorBackend } from '../tensor-backend.js';
import { l2NormalizeBackward, l2NormalizeForward, type L2NormalizeSaved } from './l2-normalize.js';

/** Normalises rows when `normalize` is on; the saved state is `undefined` otherwise. */
export function maybeNormalize<T>(b: TensorBackend<T>, x: T, normalize: boolean): { value: T; saved?: L2NormalizeSaved<T> } {
  if (!normalize) return { value: x };
  const saved = l2NormalizeForward(b, x);
  return { value: saved.normalized, saved };
}

export function maybeNormalizeBackward<T>(b: TensorBackend<T>, saved: L2NormalizeSaved<T> | undefined, dy: T): T {
  return saved ? l2NormalizeBackward(b, saved, dy) : dy;
}

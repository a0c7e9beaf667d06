import type { TensorBackend } from '../tensor-backend.js';
import {
  similarityCrossEntropyKernel,
  type Pairing,
  type SimilarityCrossEntropySaved,
} from './similarity-cross-entropy.js';

export interface CrossViewSaved<T> {
  readonly forward: SimilarityCrossEntropySaved<T>;
  /** The swapped direction (keys as anchors), present when symmetric. */
  readonly reverse?: SimilarityCrossEntropySaved<T>;
}

export interface CrossViewGradients<T> {
  readonly anchors: T;
  readonly keys: T;
  /** Present when the scale is learnable. */
  readonly scale?: T;
}

/**
 * Row losses of the similarity cross-entropy between two separate [n, D] views, `s = scale * anchors keys^T`,
 * in one direction (`l_i` over row `i` of `s`) or, when `symmetric`, averaged with the swapped direction
 * (`(l_i + l'_i) / 2`, `l'_i` over column `i` of `s`). The same `pairing` serves both directions, so it must be
 * symmetric in its roles (as `diagonalPairing` is).
 */
export function crossViewForward<T>(
  b: TensorBackend<T>,
  anchors: T,
  keys: T,
  scale: T,
  pairing: Pairing<T>,
  symmetric: boolean,
  learnableScale: boolean,
): { rowLosses: T; saved: CrossViewSaved<T> } {
  const kernel = similarityCrossEntropyKernel(b);
  const run = (x: T, y: T) => kernel.forward(b, { anchors: x, keys: y, scale, pairing, keysAreAnchors: false, learnableScale });
  const forward = run(anchors, keys);
  if (!symmetric) return { rowLosses: forward.rowLosses, saved: { forward: forward.saved } };
  const reverse = run(keys, anchors);
  const rowLosses = b.mul(b.add(forward.rowLosses, reverse.rowLosses), b.fill([], 0.5));
  return { rowLosses, saved: { forward: forward.saved, reverse: reverse.saved } };
}

/** Gradients of `crossViewForward` for upstream row weights [n]: each direction gets half of them when symmetric. */
export function crossViewBackward<T>(b: TensorBackend<T>, saved: CrossViewSaved<T>, rowWeights: T): CrossViewGradients<T> {
  const kernel = similarityCrossEntropyKernel(b);
  if (!saved.reverse) {
    const grads = kernel.backward(b, saved.forward, rowWeights);
    return grads.scale ? { anchors: grads.anchors, keys: grads.keys!, scale: grads.scale } : { anchors: grads.anchors, keys: grads.keys! };
  }
  const half = b.mul(rowWeights, b.fill([], 0.5));
  const forward = kernel.backward(b, saved.forward, half);
  const reverse = kernel.backward(b, saved.reverse, half);
  const anchors = b.add(forward.anchors, reverse.keys!);
  const keys = b.add(forward.keys!, reverse.anchors);
  if (!forward.scale || !reverse.scale) return { anchors, keys };
  return { anchors, keys, scale: b.add(forward.scale, reverse.scale) };
}

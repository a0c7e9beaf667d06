import type { TensorBackend } from '../tensor-backend.js';
import {
  similarityCrossEntropyKernel,
  type Pairing,
  type SimilarityCrossEntropySaved,
} from './similarity-cross-entropy.js';

export interface CrossViewSaved<T> {
  readonly forward?: SimilarityCrossEntropySaved<T>;
  /** The swapped direction (keys as anchors), present when symmetric. */
  readonly reverse?: SimilarityCrossEntropySaved<T>;
  /** The two-direction kernel that ran (symmetric calls with `crossView` hints), and its state. */
  readonly kernel?: CrossViewCrossEntropy<T>;
  readonly state?: unknown;
}

/**
 * What a {@link CrossViewCrossEntropy} kernel's backward returns.
 *
 * @example
 * const { anchors: dImages, keys: dTexts, scale: dScale } = kernel.backward(backend, saved, rowWeights);
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface CrossViewGradients<T> {
  /** [n, D], the gradient of the anchors. */
  readonly anchors: T;
  /** [n, D], the gradient of the keys. */
  readonly keys: T;
  /** Present when the scale is learnable. */
  readonly scale?: T;
}

/**
 * The inputs of a {@link CrossViewCrossEntropy} kernel: two [n, D] views and a pairing symmetric in its roles.
 *
 * @example
 * const inputs: CrossViewInputs<T> = { anchors: images, keys: texts, scale, pairing: diagonalPairing(b, n, true), learnableScale: true };
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface CrossViewInputs<T> {
  /** [n, D] the first view (CLIP's images). */
  readonly anchors: T;
  /** [n, D] the second view (CLIP's texts). */
  readonly keys: T;
  /** Scalar multiplier of the similarities (CLIP's logit scale). */
  readonly scale: T;
  /** Which keys are positives and which form each denominator, the same in both directions. */
  readonly pairing: Pairing<T>;
  /** Whether the backward returns the gradient of `scale`. */
  readonly learnableScale: boolean;
  /** The loss's promise that every row has an L2 norm of at most 1 (it normalised them). Absent: no promise. */
  readonly rowNormsAtMostOne?: boolean;
  /**
   * 2 (default): rows and columns of `s`, each with half the row weight (CLIP, symmetric InfoNCE); 1: the rows of
   * `s` only, with the whole weight (in-batch InfoNCE, the contrastive loss).
   */
  readonly directions?: 1 | 2;
}

/**
 * The symmetric cross-entropy between two views, `s = scale * anchors keys^T` (n x n), row losses
 * `(l_i + l'_i) / 2` with `l_i` over row `i` of `s` and `l'_i` over column `i`, and the gradients of both
 * directions for upstream row weights `w` (each direction gets `w / 2`); with `directions: 1` the rows `l_i` alone
 * and the whole weights. CLIP's loss, InfoNCE's in-batch form, the contrastive loss. A backend may override it
 * (`TensorBackend.fused.crossViewCrossEntropy`); {@link composedCrossViewCrossEntropy} is the reference.
 *
 * @example
 * const kernel = backend.fused?.crossViewCrossEntropy ?? composedCrossViewCrossEntropy();
 * const { rowLosses, saved } = kernel.forward(backend, inputs);
 * const { anchors, keys, scale } = kernel.backward(backend, saved, rowWeights);
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface CrossViewCrossEntropy<T> {
  /** [n] row losses and what the backward needs. */
  forward(backend: TensorBackend<T>, inputs: CrossViewInputs<T>): { rowLosses: T; saved: unknown };
  /** The gradients for the row weights `rowWeights` ([n], the upstream of each row loss). */
  backward(backend: TensorBackend<T>, saved: unknown, rowWeights: T): CrossViewGradients<T>;
  /**
   * Live [n, n] matrices at the kernel's peak for a call of this kind, for the resource guard; `undefined` when the
   * composed kernel would run (the guard then counts the backend's `similarityCrossEntropy`, once per direction).
   */
  workingMatrices?(set: CrossViewQuery): number | undefined;
}

/**
 * What a {@link CrossViewCrossEntropy}'s `workingMatrices` is asked about: a call known by its shapes and options
 * (the pairing is diagonal, key `i` anchor `i`'s positive).
 *
 * @example
 * const set: CrossViewQuery = { rows: 4096, directions: 2, positivesInDenominator: true, learnableScale: true, rowNormsAtMostOne: true };
 *
 * @see [Guarantees](/guides/guarantees)
 */
export interface CrossViewQuery {
  /** `n`, the pairs (rows of each view). */
  readonly rows: number;
  /** 2: rows and columns of `s` (CLIP, symmetric InfoNCE); 1: the rows only. */
  readonly directions: 1 | 2;
  /** False for the decoupled form (the contrastive loss: the positive left out of each denominator). */
  readonly positivesInDenominator: boolean;
  /** Whether the scale is learnable (CLIP's logit scale, a run-time input). */
  readonly learnableScale: boolean;
  /** The scale when known from options (`1 / temperature`); absent when it is an input. */
  readonly scale?: number;
  /** Whether the loss L2-normalises the rows first (norms at most 1). */
  readonly rowNormsAtMostOne: boolean;
}

/**
 * The composed reference of {@link CrossViewCrossEntropy}: the backend's `similarityCrossEntropy` once per
 * direction (the second on the swapped views), each with half the row weights; once with the whole weights when
 * `directions` is 1.
 *
 * @example
 * const { rowLosses } = composedCrossViewCrossEntropy<ReferenceTensor>().forward(backend, inputs);
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export function composedCrossViewCrossEntropy<T>(): CrossViewCrossEntropy<T> {
  return {
    forward(b, inputs) {
      const kernel = similarityCrossEntropyKernel(b);
      const { scale, pairing, learnableScale } = inputs;
      const run = (x: T, y: T) => kernel.forward(b, { anchors: x, keys: y, scale, pairing, keysAreAnchors: false, learnableScale });
      const forward = run(inputs.anchors, inputs.keys);
      if (inputs.directions === 1) return { rowLosses: forward.rowLosses, saved: { forward: forward.saved } satisfies CrossViewSaved<T> };
      const reverse = run(inputs.keys, inputs.anchors);
      const rowLosses = b.mul(b.add(forward.rowLosses, reverse.rowLosses), b.fill([], 0.5));
      return { rowLosses, saved: { forward: forward.saved, reverse: reverse.saved } satisfies CrossViewSaved<T> };
    },
    backward(b, saved, rowWeights) {
      const kernel = similarityCrossEntropyKernel(b);
      const { forward: first, reverse: second } = saved as CrossViewSaved<T>;
      if (!second) {
        const grads = kernel.backward(b, first!, rowWeights);
        return grads.scale ? { anchors: grads.anchors, keys: grads.keys!, scale: grads.scale } : { anchors: grads.anchors, keys: grads.keys! };
      }
      const half = b.mul(rowWeights, b.fill([], 0.5));
      const forward = kernel.backward(b, first!, half);
      const reverse = kernel.backward(b, second!, half);
      const anchors = b.add(forward.anchors, reverse.keys!);
      const keys = b.add(forward.keys!, reverse.anchors);
      if (!forward.scale || !reverse.scale) return { anchors, keys };
      return { anchors, keys, scale: b.add(forward.scale, reverse.scale) };
    },
  };
}

/** Hints that route a call to the backend's fused `crossViewCrossEntropy` (one or two directions). */
export interface CrossViewHints {
  /** Whether the loss L2-normalised the rows (norms at most 1). */
  readonly rowNormsAtMostOne: boolean;
}

/**
 * Row losses of the similarity cross-entropy between two separate [n, D] views, `s = scale * anchors keys^T`,
 * in one direction (`l_i` over row `i` of `s`) or, when `symmetric`, averaged with the swapped direction
 * (`(l_i + l'_i) / 2`, `l'_i` over column `i` of `s`). The same `pairing` serves both directions, so it must be
 * symmetric in its roles (as `diagonalPairing` is). With `hints` (CLIP, InfoNCE, the contrastive loss) the call
 * runs the backend's fused `crossViewCrossEntropy` when it has one (`directions` 1 or 2).
 */
export function crossViewForward<T>(
  b: TensorBackend<T>,
  anchors: T,
  keys: T,
  scale: T,
  pairing: Pairing<T>,
  symmetric: boolean,
  learnableScale: boolean,
  hints?: CrossViewHints,
): { rowLosses: T; saved: CrossViewSaved<T> } {
  const fused = hints ? b.fused?.crossViewCrossEntropy : undefined;
  if (symmetric || fused) {
    const kernel = fused ?? composedCrossViewCrossEntropy<T>();
    const directions: 1 | 2 = symmetric ? 2 : 1;
    const inputs = { anchors, keys, scale, pairing, learnableScale, directions, ...(hints ? { rowNormsAtMostOne: hints.rowNormsAtMostOne } : {}) };
    const { rowLosses, saved } = kernel.forward(b, inputs);
    return { rowLosses, saved: { kernel, state: saved } };
  }
  const kernel = similarityCrossEntropyKernel(b);
  const forward = kernel.forward(b, { anchors, keys, scale, pairing, keysAreAnchors: false, learnableScale });
  return { rowLosses: forward.rowLosses, saved: { forward: forward.saved } };
}

/** Gradients of `crossViewForward` for upstream row weights [n]: each direction gets half of them when symmetric. */
export function crossViewBackward<T>(b: TensorBackend<T>, saved: CrossViewSaved<T>, rowWeights: T): CrossViewGradients<T> {
  if (saved.kernel) return saved.kernel.backward(b, saved.state, rowWeights);
  const grads = similarityCrossEntropyKernel(b).backward(b, saved.forward!, rowWeights);
  return grads.scale ? { anchors: grads.anchors, keys: grads.keys!, scale: grads.scale } : { anchors: grads.anchors, keys: grads.keys! };
}

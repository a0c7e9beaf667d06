import type { FloatPrecision } from '@contrastive/core';

/**
 * The three tolerances of one precision; see {@link tolerances} for the comparison rules.
 *
 * @example
 * const tolerance: Tolerance = tolerances.float32; // { loss: 2e-4, gradient: 2e-3, primitive: 2e-5 }
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export interface Tolerance {
  /** Relative to `max(1, |expected|)` per element. */
  readonly loss: number;
  /** Relative to `max(1, max |expected|)` over the gradient tensor. */
  readonly gradient: number;
  /** Relative to `|expected|` per element, for single primitives. */
  readonly primitive: number;
}

/**
 * Every tolerance the conformance suite uses, keyed by the backend's `capabilities.precision`. No test holds a
 * tolerance of its own.
 *
 * A value `a` passes against the expected `e` when:
 * - loss (and forward outputs such as logits): `|a_i - e_i| <= loss * max(1, |e_i|)` for every element;
 * - gradient: `|a_i - e_i| <= gradient * max(1, max_j |e_j|)` for every element, the scale taken over the whole
 *   gradient tensor (a gradient's small entries carry the absolute error of its large ones);
 * - primitive: `|a_i - e_i| <= primitive * |e_i|` (purely relative: a primitive on a tiny value must keep its
 *   digits), and non-finite expected values must match exactly (same infinity, NaN for NaN).
 *
 * Why these values (machine epsilon: float64 2.2e-16, float32 1.19e-7, float16 9.77e-4):
 * - float64: the fixtures are PyTorch float64 autograd; two float64 implementations of the same formula differ by
 *   rounding in sums of at most a few hundred terms scaled by logits up to 1/0.01 = 100, so ~1e-12 relative.
 *   1e-10 for losses leaves two digits of margin; gradients go through the L2-normalisation backward (a division
 *   by the row norm and a difference `dy - y <dy, y>`) and softmax-minus-one-hot differences, which cancel, so
 *   they get 100x more: 1e-8 relative to the tensor's largest entry.
 * - float32: logits `s = a.b / temperature` reach 100 at temperature 0.01; a dot product of D terms carries about
 *   sqrt(D) ulp, so an absolute logit error of about 100 x 16 x 1.19e-7 = 2e-4 at D = 256, and the loss inherits
 *   it (log-sum-exp is 1-Lipschitz in the logits). Gradients are 10x looser (2e-3 of the largest entry) for the
 *   same cancellations as in float64. Primitives: GLSL ES 3.00 allows exp an error of (3 + 2|x|) ulp, 163 ulp at
 *   |x| = 80, about 2e-5 relative.
 * - float16 (storage in half precision): each input rounds to 4.9e-4 relative, so logits at |s| <= 10
 *   (temperature 0.1 on unit vectors) move by about 2 x 10 x 4.9e-4 = 1e-2; gradients 5x looser. Cases at lower
 *   temperature exceed this by construction and belong in a float16 backend's `expectedFailures`.
 *
 * @example
 * const { loss, gradient } = tolerances[backend.capabilities.precision];
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export const tolerances: { readonly [P in FloatPrecision]: Tolerance } = {
  float64: { loss: 1e-10, gradient: 1e-8, primitive: 1e-12 },
  float32: { loss: 2e-4, gradient: 2e-3, primitive: 2e-5 },
  float16: { loss: 1e-2, gradient: 5e-2, primitive: 1e-2 },
};

/**
 * Central finite differences on the float64 reference backend: `(L(x + h e_k) - L(x - h e_k)) / 2h` with
 * `h = 1e-6` has truncation error `h^2 |L'''| / 6 ~ 1e-12` and rounding error `eps |L| / h ~ 2e-10`, so the
 * analytic gradient must agree within 1e-6 relative to `max(1, max |g|)` (three orders above both errors).
 *
 * @see [Adding a loss](/contributing/adding-a-loss)
 *
 * @example
 * const h = finiteDifferences.step;
 * const numeric = (lossAt(x + h) - lossAt(x - h)) / (2 * h);
 */
export const finiteDifferences = {
  /** The step `h`. */
  step: 1e-6,
  /** Agreement required, relative to `max(1, max |g|)`. */
  gradient: 1e-6,
} as const;

/**
 * Which comparison rule applies: see `tolerances`.
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 *
 * @example
 * const kind: ToleranceKind = 'gradient';
 */
export type ToleranceKind = 'loss' | 'gradient' | 'primitive';

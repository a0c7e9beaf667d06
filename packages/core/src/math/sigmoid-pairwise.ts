import type { TensorBackend } from '../tensor-backend.js';
import { idRange } from './pairing-ids.js';

/**
 * The inputs of a {@link SigmoidPairwise} kernel: two [n, D] views (row `i` of each is a pair) and two scalars.
 *
 * @example
 * const inputs: SigmoidPairwiseInputs<T> = { anchors: images, positives: texts, logTemperature, bias };
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export interface SigmoidPairwiseInputs<T> {
  /** [n, D] the first view (already L2-normalised when the loss normalises). */
  readonly anchors: T;
  /** [n, D] the second view; row `i` is anchor `i`'s positive, every other row a negative. */
  readonly positives: T;
  /** Scalar []: `t = exp(logTemperature)` multiplies the similarities. */
  readonly logTemperature: T;
  /** Scalar []: added to every logit. */
  readonly bias: T;
}

/**
 * What a {@link SigmoidPairwise} kernel's backward returns: the gradient of each input.
 *
 * @example
 * const { anchors, positives, logTemperature, bias } = kernel.backward(backend, saved, rowWeights);
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export interface SigmoidPairwiseGradients<T> {
  readonly anchors: T;
  readonly positives: T;
  readonly logTemperature: T;
  readonly bias: T;
}

/**
 * The pairwise sigmoid loss (SigLIP) over `x = t a p^T + bias`, `t = exp(logTemperature)`, with labels `+1` on
 * the diagonal and `-1` off it: row losses `l_i = sum_j softplus(-y_ij x_ij)` and, for upstream row weights `w`,
 * the gradients through `G_ij = w_i sigmoid(x_ij)` (`j != i`), `G_ii = -w_i sigmoid(-x_ii)`. A backend may override
 * it (`TensorBackend.fused.sigmoidPairwise`); {@link composedSigmoidPairwise} is the reference.
 *
 * @example
 * const kernel = backend.fused?.sigmoidPairwise ?? composedSigmoidPairwise();
 * const { rowLosses, saved } = kernel.forward(backend, inputs);
 * const gradients = kernel.backward(backend, saved, rowWeights);
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export interface SigmoidPairwise<T> {
  /** [n] row losses and what the backward needs. */
  forward(backend: TensorBackend<T>, inputs: SigmoidPairwiseInputs<T>): { rowLosses: T; saved: unknown };
  /** The gradients for the row weights `rowWeights` ([n], the upstream of each row loss). */
  backward(backend: TensorBackend<T>, saved: unknown, rowWeights: T): SigmoidPairwiseGradients<T>;
  /** Live [n, n] matrices this kernel keeps for `rows` pairs, for the resource guard. Absent: the composed count. */
  workingMatrices?(rows: number): number;
}

/**
 * Live [n, n] matrices of the composed kernel: logits, labels, `u`, the softplus parts, the sigmoid, the gradient
 * and its products (about 12).
 *
 * @example
 * const bytes = composedSigmoidPairwiseMatrices * n * n * 4; // float32
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export const composedSigmoidPairwiseMatrices = 12;

/**
 * `softplus(u) = max(u, 0) + log1p(exp(-|u|))` and `softplus(-u) = max(-u, 0) + log1p(exp(-|u|))`, sharing the
 * log1p term. `exp` only ever sees non-positive arguments, so nothing overflows and tiny terms keep their digits.
 *
 * @example
 * const { softplus, softplusOfNegative } = stableSoftplus(backend, logits);
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export function stableSoftplus<T>(b: TensorBackend<T>, u: T): { softplus: T; softplusOfNegative: T } {
  const zero = b.fill([], 0);
  const tail = b.log1p(b.exp(b.neg(b.abs(u))));
  return { softplus: b.add(b.maximum(u, zero), tail), softplusOfNegative: b.add(b.maximum(b.neg(u), zero), tail) };
}

interface ComposedSaved<T> {
  readonly inputs: SigmoidPairwiseInputs<T>;
  readonly temperature: T;
  readonly similarities: T;
  readonly labels: T;
  readonly softplusOfNegative: T;
  readonly rows: number;
}

/**
 * The composed reference of {@link SigmoidPairwise}: every [n, n] matrix formed with the backend's primitives
 * (the similarities, the labels, the logits, both softplus parts, the sigmoid and the gradient).
 *
 * @returns The kernel.
 *
 * @example
 * const { rowLosses, saved } = composedSigmoidPairwise<T>().forward(backend, inputs);
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export function composedSigmoidPairwise<T>(): SigmoidPairwise<T> {
  return {
    forward(b, inputs) {
      const rows = b.shape(inputs.anchors)[0]!;
      const temperature = b.exp(inputs.logTemperature);
      const similarities = b.matmul(inputs.anchors, inputs.positives, { transposeB: true });
      const logits = b.add(b.mul(similarities, temperature), inputs.bias);
      const labels = b.where(b.equal(idRange(b, rows, 0, 'column'), idRange(b, rows, 0, 'row')), b.fill([], 1), b.fill([], -1));
      const { softplus, softplusOfNegative } = stableSoftplus(b, b.neg(b.mul(labels, logits)));
      const saved: ComposedSaved<T> = { inputs, temperature, similarities, labels, softplusOfNegative, rows };
      return { rowLosses: b.sum(softplus, 1, false), saved };
    },
    backward(b, saved, rowWeights) {
      const { inputs, temperature, similarities, labels, softplusOfNegative, rows } = saved as ComposedSaved<T>;
      const weights = b.reshape(rowWeights, [rows, 1]);
      const sigmoid = b.exp(b.neg(softplusOfNegative));
      const grad = b.mul(b.neg(b.mul(labels, sigmoid)), weights);
      const total = (x: T) => b.sum(b.sum(x, 1, false), 0, false);
      return {
        anchors: b.mul(b.matmul(grad, inputs.positives), temperature),
        positives: b.mul(b.matmul(grad, inputs.anchors, { transposeA: true }), temperature),
        logTemperature: b.mul(total(b.mul(grad, similarities)), temperature),
        bias: total(grad),
      };
    },
    workingMatrices: () => composedSigmoidPairwiseMatrices,
  };
}

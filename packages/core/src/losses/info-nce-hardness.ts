import type { TensorBackend } from '../tensor-backend.js';

/** What the hardness backward needs: `g = softmax_m(beta x_m)` over each anchor's negatives, [N, M]. */
export interface InfoNceHardnessSaved<T> {
  readonly negativeSoftmax: T;
}

/**
 * InfoNCE's hardness weighting (HCL's reweighting, Robinson et al. 2021) applied to the logits `x` [N, 1 + M]
 * (column 0 the positive, then the M negatives, temperature applied). The weights
 * `w_im = exp(beta x_im) / mean_m exp(beta x_im)` (mean 1 over the negatives of anchor `i`) enter the cross-entropy
 * as `log(w_im exp(x_im))`, computed in the log domain:
 *   `y_i0 = x_i0`, `y_im = x_im + log M + log_softmax_m(beta x_i)_m` (= `(1 + beta) x_im + log M - lse_m(beta x_im)`),
 * so `l_i = -y_i0 + log sum_j exp(y_ij)` is the weighted InfoNCE row. The log-softmax is taken of
 * `beta (x_im - max_m x_im)`, exact in its largest entry (0) at any beta.
 */
export function hardnessForward<T>(b: TensorBackend<T>, logits: T, beta: number): { logits: T; saved: InfoNceHardnessSaved<T> } {
  const [rows, columns] = b.shape(logits) as [number, number];
  const count = columns - 1;
  const positive = b.slice(logits, [0, 0], [rows, 1]);
  const negatives = b.slice(logits, [0, 1], [rows, count]);
  // log_softmax_m(beta x) from the max-shifted logits (beta times a difference of at most 2 / temperature with
  // normalised rows), so a large beta never cancels two huge numbers; the sum holds exp(0) = 1, its log is >= 0.
  const shifted = b.mul(b.sub(negatives, b.max(negatives, 1, true)), b.fill([], beta));
  const logSoftmax = b.sub(shifted, b.log(b.sum(b.exp(shifted), 1, true)));
  const weighted = b.add(negatives, b.add(logSoftmax, b.fill([], Math.log(count))));
  return { logits: b.concat([positive, weighted], 1), saved: { negativeSoftmax: b.exp(logSoftmax) } };
}

/**
 * Chains the gradient `G` [N, 1 + M] of the weighted logits `y` into the logits `x`: the weights depend on the
 * similarities and are differentiated (not detached), as in HCL's code:
 *   `d/dx_i0 = G_i0`, `d/dx_im = (1 + beta) G_im - beta g_im sum_m' G_im'`, with `g_i = softmax_m(beta x_i)`.
 */
export function hardnessBackward<T>(b: TensorBackend<T>, saved: InfoNceHardnessSaved<T>, grad: T, beta: number): T {
  const [rows, columns] = b.shape(grad) as [number, number];
  const positive = b.slice(grad, [0, 0], [rows, 1]);
  const negatives = b.slice(grad, [0, 1], [rows, columns - 1]);
  const total = b.sum(negatives, 1, true);
  const direct = b.mul(negatives, b.fill([], 1 + beta));
  const throughWeights = b.mul(b.mul(saved.negativeSoftmax, total), b.fill([], beta));
  return b.concat([positive, b.sub(direct, throughWeights)], 1);
}

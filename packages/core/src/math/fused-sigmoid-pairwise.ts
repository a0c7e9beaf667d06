import type { TensorBackend } from '../tensor-backend.js';
import type { SigmoidPairwisePasses } from './fused-sigmoid-pairwise-passes.js';
import { composedSigmoidPairwise, stableSoftplus, type SigmoidPairwise, type SigmoidPairwiseInputs } from './sigmoid-pairwise.js';

export type { SigmoidPairwisePasses } from './fused-sigmoid-pairwise-passes.js';

interface Saved<T> {
  readonly inputs: SigmoidPairwiseInputs<T>;
  readonly temperature: T;
  /** `x_ii`, [n, 1]. */
  readonly diagonal: T;
  readonly state: unknown;
  readonly rows: number;
}

function applies<T>(b: TensorBackend<T>, passes: SigmoidPairwisePasses<T>, inputs: SigmoidPairwiseInputs<T>): boolean {
  const [n, d] = b.shape(inputs.anchors);
  const [m, e] = b.shape(inputs.positives);
  if (n === undefined || n !== m || d !== e) return false;
  return passes.applicable?.(inputs) ?? true;
}

/**
 * SigLIP's pairwise sigmoid loss, fused: the backend forms the [n, n] logits once (the scale folded into the
 * anchors, the bias into the product) and keeps only `sigmoid(x)` for the backward; core holds the O(n D) math.
 *
 * Forward: `x_ij = t a_i.p_j + bias` with `t = exp(logTemperature)`; `l_i = sum_{j != i} softplus(x_ij) +
 * softplus(-x_ii)`, the off-diagonal sum from the passes (the diagonal excluded in place, so a large `x_ii`
 * costs no digits) and `x_ii = t a_i.p_i + bias` formed here in O(n D).
 *
 * Backward, with row weights `w` and `S = sigmoid(x)` zero on the diagonal: `G = w * S + diag(c)`,
 * `c_i = -w_i sigmoid(-x_ii)` (`sigmoid(-x) = exp(-softplus(x))`, never `sigmoid - 1`). No [n, n] elementwise
 * pass: `G p = w * (S p) + c * p`, `G^T a = S^T (w * a) + c * a` and `d bias = sum(w * S 1) + sum(c)`;
 * `d a = t G p`, `d p = t G^T a` and `d logTemperature = t sum_i a_i.(G p)_i`.
 *
 * Returns a fused `sigmoidPairwise` that takes this path when both views are [n, D] and the passes apply, else
 * the composed one.
 *
 * @param passes - The backend's passes over the [n, n] matrix ({@link SigmoidPairwisePasses}).
 * @returns The `sigmoidPairwise` override.
 *
 * @example
 * const backend = { ...base, fused: { ...base.fused, sigmoidPairwise: fusedSigmoidPairwise(myPasses) } };
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export function fusedSigmoidPairwise<T>(passes: SigmoidPairwisePasses<T>): SigmoidPairwise<T> {
  const composed = composedSigmoidPairwise<T>();
  return {
    forward(b, inputs) {
      if (!applies(b, passes, inputs)) return composed.forward(b, inputs);
      const rows = b.shape(inputs.anchors)[0]!;
      const temperature = b.exp(inputs.logTemperature);
      const scaled = b.mul(inputs.anchors, temperature);
      const diagonal = b.add(b.sum(b.mul(scaled, inputs.positives), 1, true), inputs.bias);
      const pass = passes.forward(scaled, inputs.positives, inputs.bias, rows);
      const rowLosses = b.reshape(b.add(pass.offDiagonalSums, stableSoftplus(b, diagonal).softplusOfNegative), [rows]);
      const saved: Saved<T> = { inputs, temperature, diagonal, state: pass.state, rows };
      return { rowLosses, saved };
    },

    backward(b, saved, rowWeights) {
      if (!saved || typeof saved !== 'object' || !('diagonal' in saved)) return composed.backward(b, saved, rowWeights);
      const { inputs, temperature, diagonal, state, rows } = saved as Saved<T>;
      const { anchors: a, positives: p } = inputs;
      const w = b.reshape(rowWeights, [rows, 1]);
      const coefficient = b.neg(b.mul(w, b.exp(b.neg(stableSoftplus(b, diagonal).softplus))));
      const products = passes.products(p, b.mul(w, a), state);
      const anchorsProduct = b.add(b.mul(w, products.rows), b.mul(coefficient, p));
      const positivesProduct = b.add(products.columns, b.mul(coefficient, a));
      const total = (x: T) => b.sum(b.sum(x, 1, false), 0, false);
      return {
        anchors: b.mul(anchorsProduct, temperature),
        positives: b.mul(positivesProduct, temperature),
        logTemperature: b.mul(total(b.mul(a, anchorsProduct)), temperature),
        bias: total(b.add(b.mul(w, products.rowSums), coefficient)),
      };
    },

    workingMatrices: (rows) => passes.workingMatrices(rows),
  };
}

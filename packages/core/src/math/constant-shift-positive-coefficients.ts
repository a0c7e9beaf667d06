import type { TensorBackend } from '../tensor-backend.js';
import type { SymmetricPairing } from './symmetric-pairing.js';

/** What the positives' coefficients are formed from, all [n, 1] (`positiveExps` one per positive slot). */
export interface PositiveCoefficientInputs<T> {
  /** `u = w / R`: each row's weight over its shifted denominator. */
  readonly u: T;
  /** `w`: each row's upstream weight (the decoupled form's coefficients are `-(w_i + w_p) / k`). */
  readonly weights: T;
  /** `rest`: each row's shifted sum over its negatives (the denominator less its positives). */
  readonly rest: T;
  /** `e_it = exp(s_i,p(t) - shift)`: the shifted exponential of each positive slot `t`. */
  readonly positiveExps: readonly T[];
  /** [n, D] the rows `z`, and `z[positives[t], :]` for each slot `t`, with the similarity scale. */
  readonly z: T;
  readonly positiveRows: readonly T[];
  readonly scale: T;
  /** `x[rows, :]` for a [n, w] tensor (the backend's gather). */
  readonly gatherRows: (x: T, rows: Int32Array) => T;
}

/**
 * For each positive slot `t`, the slot of row `p = positives[t][i]` that points back at `i`, as flat indices
 * `p * k + t*` into a row-major [n, k] table (so the paired row's value is one gather).
 */
function backIndices(pairing: SymmetricPairing): Int32Array[] {
  const k = pairing.positives.length;
  // slotOf(row * n + key): which slot of `row` holds `key`.
  const slotOf = new Map<number, number>();
  pairing.positives.forEach((rows, t) => rows.forEach((key, row) => slotOf.set(row * pairing.rows + key, t)));
  return pairing.positives.map((rows) => Int32Array.from(rows, (p, i) => p * k + slotOf.get(p * pairing.rows + i)!));
}

/**
 * The coefficient of `z_p` in `(G + G^T) z` for each positive slot `t` (`p = positives[t][i]`), where
 * `G_ij = w_i (softmax_ij - [j positive] / k)`, in a form without cancellation when the positives dominate:
 *
 * `G_ip = u_i (e_ip - R_i / k) = u_i d_ip - u_i rest_i / k` with `d_ip = mean_q (e_ip - e_iq)` over the row's
 * positives `q` (each difference from its logits' gap, `e_ip (1 - exp(s_iq - s_ip))`): the negatives' mass `rest` enters directly instead of as `softmax - 1/k`, whose float32
 * rounding (~1e-7 of `w / k`) swamps a gradient of size `rest / R` once the loss is below ~1e-7. With one
 * positive `d = 0` and the coefficient is `-(u_i rest_i + u_p rest_p)`. `G_pi` is the same expression on row `p`.
 * In the decoupled form (positives outside the denominator) `G_ip = -w_i / k` and the coefficient is `-(w_i + w_p) / k`.
 *
 * @param b - The backend.
 * @param pairing - The symmetric pairing (the positive slots and the row count).
 * @param inputs - `u`, `rest`, the positives' exponentials and the backend's gather.
 * @returns One [n, 1] coefficient per positive slot.
 *
 * @example
 * const coefficients = positiveCoefficients(b, plan.pairing, { u, weights, rest, positiveExps, z, positiveRows, scale, gatherRows });
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export function positiveCoefficients<T>(b: TensorBackend<T>, pairing: SymmetricPairing, inputs: PositiveCoefficientInputs<T>): T[] {
  const { u, rest, positiveExps, gatherRows, z, positiveRows, scale } = inputs;
  const k = pairing.positives.length;
  const n = pairing.rows;
  const perK = b.fill([], 1 / k);
  // Decoupled: G_ip = -w_i / k and G_pi = -w_p / k, the positives being outside the softmax.
  if (!pairing.positivesInDenominator) return pairing.positives.map((rows) => b.neg(b.mul(b.add(inputs.weights, gatherRows(inputs.weights, rows)), perK)));
  const negativeMass = b.mul(u, rest);
  const restTerms = pairing.positives.map((rows) => b.neg(b.mul(b.add(negativeMass, gatherRows(negativeMass, rows)), perK)));
  if (k === 1) return restTerms;
  // d_it = sum_q (e_it - e_iq) / k, each difference from the gap of the two logits, x = scale z_i . (z_p(t) - z_p(q)),
  // formed from the difference of the rows rather than of two rounded logits (a 1e-5 error at scale 40):
  // e_it - e_iq = e_it (1 - exp(-max(x, 0))) - e_iq (1 - exp(-max(-x, 0))), where no exp can overflow.
  const zero = b.fill([], 0);
  const one = b.fill([], 1);
  const difference = (t: number, q: number) => {
    const gap = b.mul(b.sum(b.mul(z, b.sub(positiveRows[t]!, positiveRows[q]!)), 1, true), scale);
    const fromAbove = b.mul(positiveExps[t]!, b.sub(one, b.exp(b.neg(b.maximum(gap, zero)))));
    const fromBelow = b.mul(positiveExps[q]!, b.sub(one, b.exp(b.neg(b.maximum(b.neg(gap), zero)))));
    return b.sub(fromAbove, fromBelow);
  };
  const deviations = positiveExps.map((_, t) => b.mul(positiveExps.reduce((sum, _e, q) => (q === t ? sum : b.add(sum, difference(t, q))), b.fill([n, 1], 0)), perK));
  const table = b.reshape(b.concat(deviations, 1), [n * k, 1]);
  const back = backIndices(pairing);
  return pairing.positives.map((rows, t) => {
    const own = b.mul(u, deviations[t]!);
    const paired = b.mul(gatherRows(u, rows), gatherRows(table, back[t]!));
    return b.add(b.add(own, paired), restTerms[t]!);
  });
}

import type { TensorBackend } from '../tensor-backend.js';

/**
 * Largest `scale` for the preset shift (temperature 0.01). A row's denominator underflows under it only if every
 * logit of the row is below `c_i - 52.7` (`minimumPresetDenominator`); with `c_i <= max(s_ip, scale - K)`,
 * `K = 71 - 2 ln n` (53 at n = 8192), that needs every key of the row (its positive too) at a cosine below about
 * -0.06 at this scale (a row opposite to all others), while at temperature 0.005 all cosines below ~0.5 (weak
 * positives, e.g. at initialisation) suffice, and the fallback, which runs both forwards, would be the common case.
 *
 * @see [Decision 0013: preset row shift](/contributing/decisions/0013-preset-row-shift)
 */
export const maximumPresetShift = 100;

/**
 * Every shifted term is at most `exp(maximumShiftedLogit(n))`: `n` of them stay far below float32's 3.4e38 = e^88.7,
 * and, what binds, the backward's row coefficients `u = w / denominator` (a mean's `w = 1 / n`) stay at least
 * e^-71 = 2^-102, normal with 24 bits to spare: GPUs flush subnormals to zero (onnxruntime-web's WebGPU provider
 * returned DCL gradients off by 3x with `86 - ln n`, near-identical rows at T = 0.01).
 */
export function maximumShiftedLogit(rows: number): number {
  return 71 - 2 * Math.log(rows);
}

/**
 * The least denominator (in units of `exp(c_i)`) a row may have under the preset shift: terms below float32's
 * smallest normal (2^-126 = e^-87.3) are lost, at most `n` of them, and this keeps their sum below 1e-15 of the
 * denominator. Rows below it need their true maximum (the passes' fallback).
 */
export function minimumPresetDenominator(rows: number): number {
  return rows * Math.exp(-87.3 + 34.6);
}

/** A per-row shift chosen before the [n, n] product, and what the passes check it with. */
export interface PresetRowShift<T> {
  /** [n, 1] `c_i = max(max_p f_ip, scale |z_i| - K)`, `f` the floors (the positives' logits, or `-scale`). */
  readonly shift: T;
  /** [n, 1] `sum_p exp(s_ip - c_i)`: the positives' part of the denominator (0 when they are outside it). */
  readonly positiveSum: T;
  /** Rows whose `rest_i + positiveSum_i` falls below this take the row maximum instead (`minimumPresetDenominator`). */
  readonly minimumDenominator: number;
}

/**
 * The row shift below temperature 1/40 without the pass that finds each row's maximum (decision 0013): every logit
 * of row `i` is at most `scale |z_i|` (keys of norm at most 1), and at least one, the positive's, is known from an
 * [n, D] dot, so `c_i = max(s_ip, scale |z_i| - K)` keeps every `exp(s_ij - c_i) <= exp(K)` (no overflow over `n`
 * terms) and, where the positive is within `K` of the bound, equals the positive's logit: the exponentials are then
 * those of a row shifted by its positive, and anything that underflows is below 1e-38 of it. Where `c_i` lies above
 * the positive, the row's denominator may underflow; the passes check `minimumDenominator` and shift such rows by
 * their true maximum.
 *
 * @param b - The backend.
 * @param z - [n, D] the rows.
 * @param scale - The similarity scale `1 / temperature`.
 * @param floors - [n, 1] each: the positives' logits, or `-scale` when they are outside the denominator.
 * @param positivesInDenominator - Whether the floors are terms of the denominator.
 *
 * @example
 * const preset = presetRowShift(b, z, 100, positiveLogits, true);
 *
 * @see [Decision 0013: preset row shift](/contributing/decisions/0013-preset-row-shift)
 */
export function presetRowShift<T>(b: TensorBackend<T>, z: T, scale: number, floors: readonly T[], positivesInDenominator: boolean): PresetRowShift<T> {
  const rows = b.shape(z)[0]!;
  const bound = b.mul(b.sqrt(b.sum(b.mul(z, z), 1, true)), b.fill([], scale));
  const floor = floors.reduce((h, f) => b.maximum(h, f));
  const shift = b.maximum(floor, b.sub(bound, b.fill([], maximumShiftedLogit(rows))));
  const positiveSum = positivesInDenominator
    ? floors.reduce((sum, f) => b.add(sum, b.exp(b.sub(f, shift))), b.fill([rows, 1], 0))
    : b.fill([rows, 1], 0);
  return { shift, positiveSum, minimumDenominator: minimumPresetDenominator(rows) };
}

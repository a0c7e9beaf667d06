import type { PresetRowShift } from './constant-shift-preset-row-shift.js';
import type { SimilarityCrossEntropyInputs } from './similarity-cross-entropy.js';
import type { SymmetricPairing } from './symmetric-pairing.js';

/**
 * Largest `scale` for which `exp(-2 scale)` is a normal float32 with room to spare.
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 *
 * @example
 * const applies = 1 / temperature <= maximumConstantShift; // temperature >= 0.025
 *
 */
export const maximumConstantShift = 40;

/**
 * Largest `scale` for the row shift (temperature 0.001). The fast path forms the positives' logits apart from the
 * [n, n] product, so the two carry different float32 rounding, about `scale * 6e-8` each: 6e-5 here, inside the
 * float32 loss tolerance (2e-4); at temperature 1e-6 it would be 0.06, and the composed kernel, whose logits all
 * come from one product (ties stay exact), runs instead.
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 *
 * @example
 * const fast = 1 / temperature <= maximumRowShift; // temperature >= 0.001
 *
 */
export const maximumRowShift = 1000;

/**
 * What the constant-shift passes are given: the pairing structure and the scale (the shift `c`).
 *
 * @example
 * const plan: ConstantShiftPlan = { pairing: symmetricPairing(hostPairing)!, scale: 1 / temperature };
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export interface ConstantShiftPlan {
  /** The excluded keys and positives of every row, as index tables. */
  readonly pairing: SymmetricPairing;
  /** The similarity scale `c` (`1 / temperature`), also the constant shift when `rowShift` is false. */
  readonly scale: number;
  /**
   * True above `maximumConstantShift`, where `exp(s - c)` could underflow: each row `i` is then shifted by its own
   * maximum `h_i` over its denominator (`E'_ij = exp(s_ij - h_i)`, no longer symmetric).
   */
  readonly rowShift: boolean;
  /**
   * True when the positives come from groups known only at run time (SupCon's labels), through the passes'
   * `groupSums`: `pairing` then lists only the excluded keys (each row itself) and no positive slots, and `rest`
   * is the whole denominator (the positives are in it).
   */
  readonly runtimeGroups?: boolean;
  /** With `runtimeGroups`: the groups repeat every `groupPeriod` rows (a divisor of `pairing.rows`). */
  readonly groupPeriod?: number;
}

/**
 * The backend's part: the passes over the [n, n] exponentials, and reading values known before the run.
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 *
 * @example
 * const passes: ConstantShiftPasses<T> = { knownValues, gatherRows, restSums, symmetricProduct };
 *
 */
export interface ConstantShiftPasses<T> {
  /** The values of a tensor fixed before the computation runs (constants, host data), else `undefined`. */
  knownValues(x: T): ArrayLike<number> | undefined;
  /** `x[rows[i], :]` for a [n, w] tensor. */
  gatherRows(x: T, rows: Int32Array): T;
  /**
   * `rest = E' 1` ([n, 1]) and whatever the backward needs from this pass (`E'` itself, or nothing). With
   * `plan.rowShift`, `E'_ij = exp(s_ij - h_i)` where `h_i` is the maximum of row `i`'s negatives and of its
   * positives' logits `positiveLogits` ([n, 1] each); `h` is returned as `shift`. With `preset` (passes with
   * `presetRowShift`), `h_i` is `preset.shift` instead, except in rows whose `rest_i + preset.positiveSum_i` falls
   * below `preset.minimumDenominator`, which take their maximum as above.
   */
  restSums(
    z: T,
    plan: ConstantShiftPlan,
    positiveLogits: readonly T[],
    preset?: PresetRowShift<T>,
  ): {
    /** [n, 1] the row sums of `E'`. */
    rest: T;
    /** [n, 1] the row shifts `h` (only with `plan.rowShift`). */
    shift?: T;
    /** Whatever `symmetricProduct` needs from this pass. */
    state: unknown;
  };
  /**
   * `u * (E' z) + E'^T (u * z)`, [n, D], for `u` of shape [n, 1]. With the constant shift `E'` is symmetric and this is
   * `[E' (u_i + u_j)] z`; with `plan.rowShift`, row `j` of `E'^T`'s factor is shifted by `h_j`.
   */
  symmetricProduct(z: T, plan: ConstantShiftPlan, u: T, state: unknown): T;
  /** Matrices of [n, n] the passes keep alive at once, for the resource guard. Default 3. */
  readonly workingMatrices?: number;
  /** Whether the passes implement `plan.rowShift` (temperatures below `1 / maximumConstantShift`). Default false. */
  readonly rowShift?: boolean;
  /**
   * Whether `restSums` takes a row shift chosen before the product (`presetRowShift`, decision 0013; scales up to
   * `maximumPresetShift`). Default false.
   */
  readonly presetRowShift?: boolean;
  /**
   * The passes for positives from groups given as a tensor (values known only at run time, or rows with different
   * positive counts; `plan.runtimeGroups`). Optional: without them such pairings take the composed kernel.
   */
  readonly runtimeGroups?: RuntimeGroupPasses<T>;
  /** Backend-specific reasons not to take the path (float16 storage, ...). Default: none. */
  readonly applicable?: (inputs: SimilarityCrossEntropyInputs<T>) => boolean;
}

/**
 * The backend's passes when the positives come from run-time groups `g` ([n, 1], shared by anchors and keys; row `i`
 * excludes only itself, `P_ij = [g_j = g_i, j != i]`): the same two passes as {@link ConstantShiftPasses}, which
 * also read the groups.
 *
 * @see [Decision 0006: run-time group positives](/contributing/decisions/0006-runtime-group-positives)
 *
 * @example
 * const passes: ConstantShiftPasses<T> = { ...selfPasses, runtimeGroups: { restSums, symmetricProduct } };
 *
 */
export interface RuntimeGroupPasses<T> {
  /**
   * `rest = E' 1` over every key but the row itself (the whole denominator), `h` as in `restSums` (with the floors
   * `floors`, or `preset`'s shift and its fallback to the row maxima), and, per row, `counts_i = sum_j P_ij` and
   * `positiveShiftedSums_i = sum_j P_ij (s_ij - h_i)` (all [n, 1]).
   */
  restSums(z: T, plan: ConstantShiftPlan, groups: T, floors: readonly T[], preset?: PresetRowShift<T>): { rest: T; shift?: T; counts: T; positiveShiftedSums: T; state: unknown };
  /**
   * `sum_j (G_ij + G_ji) z_j` ([n, D]) for `G_ij = u_i E'_ij - a_i P_ij`, given `u` and `a` ([n, 1]; `a_i = u_i rest_i /
   * counts_i` where `counts_i > 0`, else both 0).
   */
  symmetricProduct(z: T, plan: ConstantShiftPlan, u: T, a: T, state: unknown): T;
  /**
   * Whether `restSums` takes a row shift chosen before the product (`preset`, decision 0006's amendment; the same
   * contract as `ConstantShiftPasses.restSums`, `preset.positiveSum` 0 since `rest` is the whole denominator).
   * Default false.
   */
  readonly presetRowShift?: boolean;
}

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
   * positives' logits `positiveLogits` ([n, 1] each); `h` is returned as `shift`.
   */
  restSums(
    z: T,
    plan: ConstantShiftPlan,
    positiveLogits: readonly T[],
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
  /** Backend-specific reasons not to take the path (float16 storage, ...). Default: none. */
  readonly applicable?: (inputs: SimilarityCrossEntropyInputs<T>) => boolean;
}

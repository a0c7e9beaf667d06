/**
 * What each float precision can represent, and the headroom the losses keep. Every value check in the contract
 * is made in the precision the backend computes in (`capabilities.precision`), not in JavaScript's float64.
 */
import type { FloatPrecision } from '../tensor-backend.js';

/**
 * What one float precision can represent; {@link precisionLimits} holds one per precision.
 *
 * @example
 * const { largest, epsilon } = precisionLimits[backend.capabilities.precision];
 *
 * @see [Guarantees](/guides/guarantees)
 */
export interface PrecisionLimits {
  /** Largest finite value. */
  readonly largest: number;
  /**
   * Largest magnitude an intermediate of a loss may reach (logits, `1 / temperature`, distances): `largest`
   * divided by 2^24 in float32 and float64 (room for sums over up to 16M terms in the backward), by 2^4 in
   * float16 (whose range is small; its sums are short).
   */
  readonly intermediate: number;
  /** Integers of smaller magnitude are all exact (and no other value rounds onto one): labels stay below it. */
  readonly exactIntegers: number;
  /** Rounds a float64 value to this precision (Infinity where it overflows). */
  readonly round: (value: number) => number;
  /** The smallest positive normal value: scales below it lose their digits (and their gradient). */
  readonly smallestNormal: number;
  /** Machine epsilon: the relative spacing of values near 1. */
  readonly epsilon: number;
}

const float16Largest = 65504;

/**
 * The representable range of each float precision, and the headroom the losses keep; every value check is made in
 * the precision the backend computes in (`capabilities.precision`), not in JavaScript's float64.
 *
 * @example
 * precisionLimits.float32.largest; // 3.4028234663852886e38
 * precisionLimits.float16.round(1e5); // Infinity
 *
 * @see [Guarantees](/guides/guarantees)
 */
export const precisionLimits: { readonly [P in FloatPrecision]: PrecisionLimits } = {
  float64: {
    largest: Number.MAX_VALUE,
    intermediate: Number.MAX_VALUE / 2 ** 24,
    exactIntegers: 2 ** 53,
    round: (v) => v,
    smallestNormal: 2 ** -1022,
    epsilon: 2 ** -52,
  },
  float32: {
    largest: 3.4028234663852886e38,
    intermediate: 3.4028234663852886e38 / 2 ** 24,
    exactIntegers: 2 ** 24,
    round: Math.fround,
    smallestNormal: 2 ** -126,
    epsilon: 2 ** -23,
  },
  float16: {
    largest: float16Largest,
    intermediate: float16Largest / 2 ** 4,
    exactIntegers: 2 ** 11,
    // Values above the largest float16 (plus half a unit in the last place) round to Infinity.
    round: (v) => (Math.abs(v) >= 65520 ? Math.sign(v) * Infinity : v),
    smallestNormal: 2 ** -14,
    epsilon: 2 ** -10,
  },
};

/** Formats a limit for an error message: `2.03e+31`. */
export function formatLimit(value: number): string {
  return Number.isInteger(value) && value < 1e9 ? String(value) : value.toPrecision(3);
}

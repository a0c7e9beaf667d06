/**
 * What the host knows about a tensor's values without reading the GPU, for core's contract hook `knownValues`:
 * the data given to `fromArray`, or the constant of a small `fill`. Core checks such inputs on the host (finite in
 * float32, labels exact integers, scales > 0) with zero device work; every other tensor is checked on the device.
 */

/**
 * A source of known values, evaluated only when core asks (a fill's array is never built otherwise).
 *
 * @example
 * const values = backend.knownValues(x); // from the tensor's KnownValues, or undefined
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export type KnownValues = () => ArrayLike<number>;

/**
 * Fills up to this many values report their constant; a larger fill is left to the device check rather than
 * building a host array of its size (scales, temperatures and masks are far below it).
 */
export const largestKnownFill = 65536;

/**
 * The values `fromArray` keeps: the float32 copy written to the GPU (what the kernels see), unless rounding to
 * float32 changed what core checks: a finite value that overflows (`1e39`), or a value that becomes an integer it
 * was not (the label `2^24 + 1` rounds onto `2^24`, `0.5 + 2^23` onto an integer). Then a float64 copy of what was
 * given, so that core reports the value as given. Ordinary data (any doubles) keeps only the float32 copy.
 */
export function fromArrayValues(given: ArrayLike<number>, uploaded: Float32Array): KnownValues {
  let roundingHarmless = true;
  if (!(given instanceof Float32Array)) {
    for (let i = 0; i < uploaded.length && roundingHarmless; i++) {
      const rounded = uploaded[i]!;
      roundingHarmless = rounded === given[i] || (Number.isFinite(rounded) && !Number.isInteger(rounded));
    }
  }
  const kept = roundingHarmless ? uploaded : Float64Array.from(given);
  return () => kept;
}

/** The known values of `fill(shape, value)`, or undefined for fills above `largestKnownFill` values. */
export function fillValues(size: number, value: number): KnownValues | undefined {
  return size <= largestKnownFill ? () => new Float64Array(size).fill(value) : undefined;
}

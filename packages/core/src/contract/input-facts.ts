/**
 * Host-side facts about an input's values, computed in float64 without overflow, after the values are rounded to
 * the backend's precision (a float64 value that becomes Infinity in float32 is reported as non-finite).
 */
import { ContrastiveInputError } from '../errors.js';
import type { FloatPrecision, Shape } from '../tensor-backend.js';
import type { InputFacts, InputRole } from './loss-contract.js';
import { formatLimit, precisionLimits } from './precision-limits.js';

/**
 * Checks the values of one input for its role in `precision`, and returns its facts.
 *
 * @param values - The values, row-major.
 * @param shape - Their shape.
 * @param role - The input's role (`embeddings`, `labels`, `scale`, `scalar`).
 * @param argument - The name to blame.
 * @param precision - The precision to check in.
 * @returns The facts the magnitude checks use (largest value, row norms).
 * @throws ContrastiveInputError for a value outside the role's range.
 *
 * @example
 * checkKnownValues([1, 2, 3, 4], [2, 2], 'embeddings', 'anchors', 'float32').maxRowNorm; // 5
 *
 * @see [Guarantees](/guides/guarantees)
 */
export function checkKnownValues(
  values: ArrayLike<number>,
  shape: Shape,
  role: InputRole,
  argument: string,
  precision: FloatPrecision,
): InputFacts {
  const limits = precisionLimits[precision];
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    const raw = values[i]!;
    if (typeof raw !== 'number') throw new ContrastiveInputError(argument, 'numbers', `${typeof raw} at flat index ${i}`);
    const value = limits.round(raw);
    if (!Number.isFinite(value)) {
      const why = Number.isFinite(raw) ? ` (overflows ${precision}, largest ${formatLimit(limits.largest)})` : '';
      throw new ContrastiveInputError(argument, `finite values in ${precision}`, `${raw} at flat index ${i}${why}`);
    }
    if (role === 'labels') checkLabel(raw, i, argument, precision);
    maxAbs = Math.max(maxAbs, Math.abs(value));
  }
  if (role === 'scale') checkScale(values[0]!, argument, precision);
  const scalar = shape.length === 0 ? limits.round(values[0]!) : undefined;
  const norms = rowNormRange(values, shape, maxAbs);
  return { maxAbs, maxRowNorm: norms.largest, minRowNorm: norms.smallest, ...(scalar === undefined ? {} : { scalar }) };
}

/** A scale is > 0 and normal in the precision (a denormal scale loses its digits, and its gradient with them). */
function checkScale(raw: number, argument: string, precision: FloatPrecision): void {
  const value = precisionLimits[precision].round(raw);
  if (!(value > 0)) throw new ContrastiveInputError(argument, `a value > 0 in ${precision}`, String(raw));
  const smallest = precisionLimits[precision].smallestNormal;
  if (value < smallest) throw new ContrastiveInputError(argument, `a value of at least ${formatLimit(smallest)} (the smallest normal ${precision})`, String(raw));
}

function checkLabel(value: number, index: number, argument: string, precision: FloatPrecision): void {
  const exact = precisionLimits[precision].exactIntegers;
  if (!Number.isInteger(value)) {
    throw new ContrastiveInputError(argument, 'integer class labels', `${value} at index ${index}`);
  }
  // Below 2^24 (float32) every integer is exact and nothing larger rounds onto one: 2^24 + 1 becomes 2^24.
  if (Math.abs(value) >= exact) {
    const limit = `2^${Math.log2(exact)} = ${exact}`;
    throw new ContrastiveInputError(argument, `integer labels of magnitude below ${limit} (exact in ${precision})`, `${value} at index ${index}`);
  }
}

/** Largest and smallest row norms over the last axis, each row scaled by its own largest magnitude first. */
function rowNormRange(values: ArrayLike<number>, shape: Shape, maxAbs: number): { largest: number; smallest: number } {
  if (maxAbs === 0 || values.length === 0) return { largest: 0, smallest: 0 };
  const width = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  let largest = 0;
  let smallest = Infinity;
  for (let start = 0; start < values.length; start += width) {
    let rowMax = 0;
    for (let k = start; k < start + width; k++) rowMax = Math.max(rowMax, Math.abs(values[k]!));
    let sum = 0;
    for (let k = start; k < start + width && rowMax > 0; k++) {
      const scaled = values[k]! / rowMax;
      sum += scaled * scaled;
    }
    const norm = Math.sqrt(sum) * rowMax;
    largest = Math.max(largest, norm);
    smallest = Math.min(smallest, norm);
  }
  return { largest, smallest };
}

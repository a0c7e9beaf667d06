/**
 * Host-side facts about an input's values, computed in float64 without overflow, after the values are rounded to
 * the backend's precision (a float64 value that becomes Infinity in float32 is reported as non-finite).
 */
import { ContrastiveInputError } from '../errors.js';
import type { FloatPrecision, Shape } from '../tensor-backend.js';
import type { InputFacts, InputRole } from './loss-contract.js';
import { formatLimit, precisionLimits } from './precision-limits.js';

/** Checks the values of one input for its role in `precision`, and returns its facts. */
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
    const value = limits.round(raw);
    if (!Number.isFinite(value)) {
      const why = Number.isFinite(raw) ? ` (overflows ${precision}, largest ${formatLimit(limits.largest)})` : '';
      throw new ContrastiveInputError(argument, `finite values in ${precision}`, `${raw} at flat index ${i}${why}`);
    }
    if (role === 'labels') checkLabel(raw, i, argument, precision);
    maxAbs = Math.max(maxAbs, Math.abs(value));
  }
  if (role === 'scale' && !(values[0]! > 0)) {
    throw new ContrastiveInputError(argument, 'a value > 0', String(values[0]));
  }
  const scalar = shape.length === 0 ? values[0]! : undefined;
  return { maxAbs, maxRowNorm: maxRowNorm(values, shape, maxAbs), ...(scalar === undefined ? {} : { scalar }) };
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

/** Largest row norm over the last axis, scaled by `maxAbs` so that neither squares nor sums overflow. */
function maxRowNorm(values: ArrayLike<number>, shape: Shape, maxAbs: number): number {
  if (maxAbs === 0 || values.length === 0) return 0;
  const width = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  let largest = 0;
  for (let start = 0; start < values.length; start += width) {
    let sum = 0;
    for (let k = start; k < start + width; k++) {
      const scaled = values[k]! / maxAbs;
      sum += scaled * scaled;
    }
    largest = Math.max(largest, sum);
  }
  return Math.sqrt(largest) * maxAbs;
}

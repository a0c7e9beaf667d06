import { ContrastiveInputError } from '../errors.js';
import { checkOneOf, describe, type OptionCheck } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';

/** Checks SupContrast's `baseTemperature`: a finite number > 0, or null (the factor 1). */
export const checkBaseTemperature: OptionCheck = (value, argument) => {
  if (value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ContrastiveInputError(argument, 'a finite number > 0 or null', describe(value));
  }
};

/** Checks `meanOver`: `'anchors-with-positives'` or `'all-anchors'`. */
export const checkMeanOver: OptionCheck = checkOneOf(['anchors-with-positives', 'all-anchors']);

/** `temperature / baseTemperature`, the factor on every row (1 when `baseTemperature` is null). */
export function rowFactor(options: { readonly temperature: number; readonly baseTemperature: number | null }): number {
  return options.baseTemperature === null ? 1 : options.temperature / options.baseTemperature;
}

/** `x` times `factor` (no op when the factor is 1). */
export function scaled<T>(b: TensorBackend<T>, x: T, factor: number): T {
  return factor === 1 ? x : b.mul(x, b.fill([], factor));
}

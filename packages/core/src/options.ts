import { ContrastiveInputError } from './errors.js';

export type Reduction = 'mean' | 'sum' | 'none';
export const reductions: readonly Reduction[] = ['mean', 'sum', 'none'];

/** A check for one option value: throws `ContrastiveInputError` naming `options.<key>`. */
export type OptionCheck = (value: unknown, argument: string) => void;

/**
 * Merges user options over defaults after rejecting unknown keys and checking each value.
 * `checks` has one entry per known option.
 */
export function resolveOptions<O extends object>(
  defaults: O,
  given: Partial<O> | undefined,
  checks: { readonly [K in keyof O]: OptionCheck },
): O {
  if (given === undefined) return { ...defaults };
  if (given === null || typeof given !== 'object') {
    throw new ContrastiveInputError('options', 'an object or undefined', describe(given));
  }
  const known = Object.keys(defaults);
  for (const [key, value] of Object.entries(given)) {
    if (!known.includes(key)) {
      throw new ContrastiveInputError(`options.${key}`, `one of the known options (${known.join(', ')})`, `unknown option "${key}"`);
    }
    if (value !== undefined) checks[key as keyof O](value, `options.${key}`);
  }
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  return merged;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a ${typeof value}`;
}

export const checkPositiveFinite: OptionCheck = (value, argument) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ContrastiveInputError(argument, 'a finite number > 0', describe(value));
  }
};

export const checkNonNegativeFinite: OptionCheck = (value, argument) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ContrastiveInputError(argument, 'a finite number >= 0', describe(value));
  }
};

export const checkFinite: OptionCheck = (value, argument) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ContrastiveInputError(argument, 'a finite number', describe(value));
  }
};

export const checkBoolean: OptionCheck = (value, argument) => {
  if (typeof value !== 'boolean') throw new ContrastiveInputError(argument, 'true or false', describe(value));
};

export function checkOneOf(allowed: readonly string[]): OptionCheck {
  return (value, argument) => {
    if (typeof value !== 'string' || !allowed.includes(value)) {
      throw new ContrastiveInputError(argument, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, describe(value));
    }
  };
}

export const checkReduction: OptionCheck = checkOneOf(reductions);

export function checkIntegerAtLeast(minimum: number): OptionCheck {
  return (value, argument) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
      throw new ContrastiveInputError(argument, `an integer >= ${minimum}`, describe(value));
    }
  };
}

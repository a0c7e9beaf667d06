import { ContrastiveInputError } from './errors.js';

/**
 * How a loss reduces its per-row values: `'mean'` (a scalar, the losses' default), `'sum'` (a scalar) or `'none'`
 * (one value per row).
 *
 * @example
 * computeLoss(backend, ntXent, { anchors, positives }, { reduction: 'none' }); // [2N]
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export type Reduction = 'mean' | 'sum' | 'none';
/**
 * Every {@link Reduction}, as a runtime list.
 *
 * @example
 * for (const reduction of reductions) console.log(computeLoss(backend, ntXent, inputs, { reduction }));
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
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
  if (!isPlainOptions(given)) {
    throw new ContrastiveInputError('options', 'a plain object ({ ... }) or undefined', describe(given));
  }
  const known = Object.keys(defaults);
  for (const key of Object.getOwnPropertySymbols(given)) {
    throw new ContrastiveInputError('options', 'string keys only', `symbol key ${String(key)}`);
  }
  // One snapshot of every own key, enumerable or not, each read once (a getter cannot pass the check with one
  // value and hand the loss another).
  const snapshot = Object.getOwnPropertyNames(given).map((key) => [key, Reflect.get(given, key)] as const);
  for (const [key, value] of snapshot) {
    if (!known.includes(key)) {
      throw new ContrastiveInputError(`options.${key}`, `one of the known options (${known.join(', ')})`, `unknown option "${key}"`);
    }
    if (value !== undefined) checks[key as keyof O](value, `options.${key}`);
  }
  const merged = { ...defaults };
  for (const [key, value] of snapshot) if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  return merged;
}

/** A plain object: its prototype is `Object.prototype` or null (not a Map, a class instance or an array). */
function isPlainOptions(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** How an error message shows a value it did not expect: `"mean"`, `0.5`, `a Map`, `an array of length 3`. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value == null) return String(value);
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
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

import type { Evaluation } from './evaluate-loss.js';
import type { Tolerance, ToleranceKind } from './tolerances.js';

/**
 * Values with their shape: read from a backend, or a fixture's `HostTensor`.
 *
 * @example
 * const actual: ActualTensor = { shape: backend.shape(loss), values: await backend.read(loss) };
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export interface ActualTensor {
  /** The shape. */
  readonly shape: readonly number[];
  /** The values, row-major. */
  readonly values: ArrayLike<number>;
}

/**
 * Compares `actual` with `expected` under the rule of `kind` (see `tolerances`). Returns `undefined` when they
 * agree, else one line naming `what`, the worst element, both values, the error and the bound.
 */
export function compareValues(
  what: string,
  actual: ActualTensor,
  expected: ActualTensor,
  tolerance: Tolerance,
  kind: ToleranceKind,
): string | undefined {
  if (!sameShape(actual.shape, expected.shape)) {
    return `${what}: shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`;
  }
  if (actual.values.length !== expected.values.length) {
    return `${what}: ${actual.values.length} values, expected ${expected.values.length}`;
  }
  const tensorScale = Math.max(1, maxFiniteMagnitude(expected.values));
  let worst: { index: number; error: number; bound: number } | undefined;
  for (let index = 0; index < expected.values.length; index++) {
    const e = expected.values[index]!;
    const a = actual.values[index]!;
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
      return `${what}: element ${index} is ${a}, expected ${e}`;
    }
    const bound = tolerance[kind] * scaleOf(kind, e, tensorScale);
    const error = Math.abs(a - e);
    if (error > bound && (!worst || error / bound > worst.error / worst.bound)) worst = { index, error, bound };
  }
  if (!worst) return undefined;
  const { index, error, bound } = worst;
  return `${what}: element ${index} is ${actual.values[index]}, expected ${expected.values[index]} (error ${error.toExponential(2)} > ${kind} tolerance ${bound.toExponential(2)})`;
}

function scaleOf(kind: ToleranceKind, expected: number, tensorScale: number): number {
  if (kind === 'loss') return Math.max(1, Math.abs(expected));
  if (kind === 'gradient') return tensorScale;
  return Math.abs(expected);
}

/** The largest finite `|v|` (0 when there is none). */
export function maxFiniteMagnitude(values: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) {
    const magnitude = Math.abs(values[i]!);
    if (Number.isFinite(magnitude) && magnitude > largest) largest = magnitude;
  }
  return largest;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((extent, i) => extent === b[i]);
}

/** Throws one error listing every mismatch, if there is any. */
export function assertNoMismatches(mismatches: readonly (string | undefined)[]): void {
  const found = mismatches.filter((m): m is string => m !== undefined);
  if (found.length > 0) throw new Error(found.join('\n'));
}

/**
 * Mismatches of `actual` against `expected`: every expected output at loss tolerance, every expected gradient at
 * gradient tolerance, and any gradient `actual` has that `expected` lacks. Empty when they agree.
 */
export function evaluationMismatches(actual: Evaluation, expected: Evaluation, tolerance: Tolerance): string[] {
  const outputs = Object.entries(expected.outputs).map(([name, e]) => {
    const a = actual.outputs[name];
    return a ? compareValues(name, a, e, tolerance, 'loss') : `${name}: not produced`;
  });
  const gradients = Object.entries(expected.gradients).map(([name, e]) => {
    const a = actual.gradients[name];
    const what = `gradient of ${name}`;
    return a ? compareValues(what, a, e, tolerance, 'gradient') : `${what}: not produced`;
  });
  const extra = Object.keys(actual.gradients)
    .filter((name) => !(name in expected.gradients))
    .map((name) => `gradient of ${name}: produced, but there is no expected value`);
  return [...outputs, ...gradients, ...extra].filter((m): m is string => m !== undefined);
}

/** Throws one error listing every mismatch of `evaluationMismatches`, if there is any. */
export function compareEvaluations(actual: Evaluation, expected: Evaluation, tolerance: Tolerance): void {
  assertNoMismatches(evaluationMismatches(actual, expected, tolerance));
}

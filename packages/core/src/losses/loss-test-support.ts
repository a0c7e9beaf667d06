/**
 * Test support for the loss tests (not part of the package build): plain-JavaScript math written from the
 * definitions, central finite differences, the bad-input check and a float32-rounding reference backend.
 */
import { expect } from 'vitest';
import { ContrastiveInputError } from '../errors.js';
import { computeLoss, computeLossAndGradients, disposeAll, type LossDefinition } from '../loss-definition.js';
import { createReferenceBackend, ReferenceTensor } from '../reference/reference-backend.js';
import type { TensorBackend } from '../tensor-backend.js';

export type Matrix = number[][];
/** A host-side input: row-major values and a shape. */
export interface HostTensor {
  values: number[];
  shape: number[];
}

/** Deterministic pseudo-random matrix (mulberry32 + Box-Muller), values rounded to float32. */
export function randomMatrix(seed: number, rows: number, columns: number): Matrix {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return Array.from({ length: rows }, () => Array.from({ length: columns }, () => Math.fround(gaussian())));
}

export const host = (m: Matrix): HostTensor => ({ values: m.flat(), shape: [m.length, m[0]!.length] });
export const dot = (u: readonly number[], v: readonly number[]) => u.reduce((acc, x, k) => acc + x * v[k]!, 0);
export const normalizeRows = (m: Matrix): Matrix =>
  m.map((row) => {
    const norm = Math.max(Math.hypot(...row), 1e-12);
    return row.map((v) => v / norm);
  });
/** `log sum exp` of a list, max-subtracted. */
export function logSumExp(values: readonly number[]): number {
  const top = Math.max(...values);
  return top + Math.log(values.reduce((acc, v) => acc + Math.exp(v - top), 0));
}
export const mean = (values: readonly number[]) => values.reduce((acc, v) => acc + v, 0) / values.length;

type Inputs = Record<string, HostTensor>;

function toTensors<T>(b: TensorBackend<T>, inputs: Inputs): Record<string, T> {
  return Object.fromEntries(Object.entries(inputs).map(([name, x]) => [name, b.fromArray(x.values, x.shape)]));
}

/** The loss value(s) on the reference backend, read back; no tensor stays alive. */
export function lossValues<O extends object>(loss: LossDefinition<string, O>, inputs: Inputs, options?: Partial<O>): number[] {
  const b = createReferenceBackend();
  const tensors = toTensors(b, inputs);
  const value = computeLoss(b, loss, tensors, options);
  const result = Array.from(b.readSync!(value));
  disposeAll(b, [value, tensors]);
  return result;
}

/**
 * Checks every analytic gradient against central differences of `sum_i upstream_i loss_i` (upstream ones by
 * default), entry by entry, on the float64 reference backend.
 */
export function expectGradientsMatchFiniteDifferences<O extends object>(
  loss: LossDefinition<string, O>,
  inputs: Inputs,
  options?: Partial<O>,
  upstream?: HostTensor,
  tolerance = 1e-6,
): void {
  const b = createReferenceBackend();
  const tensors = toTensors(b, inputs);
  const seed = upstream ? b.fromArray(upstream.values, upstream.shape) : undefined;
  const { gradients } = computeLossAndGradients(b, loss, tensors, options, seed);
  const weighted = (values: number[]) => values.reduce((acc, v, i) => acc + v * (upstream ? upstream.values[i]! : 1), 0);
  const h = 1e-6;
  const names = loss.gradientInputs.filter((name) => name in inputs);
  for (const name of names) {
    const analytic = b.readSync!((gradients as Record<string, ReferenceTensor>)[name]!);
    expect(analytic.length).toBe(inputs[name]!.values.length);
    inputs[name]!.values.forEach((_, index) => {
      const shifted = (delta: number) => ({
        ...inputs,
        [name]: { ...inputs[name]!, values: inputs[name]!.values.map((v, i) => (i === index ? v + delta : v)) },
      });
      const numeric = (weighted(lossValues(loss, shifted(h), options)) - weighted(lossValues(loss, shifted(-h), options))) / (2 * h);
      expect(Math.abs(analytic[index]! - numeric), `${name}[${index}]: analytic ${analytic[index]}, numeric ${numeric}`).toBeLessThan(
        tolerance * Math.max(1, Math.abs(numeric)),
      );
    });
  }
}

/** Asserts `run` throws `ContrastiveInputError` naming `argument`, and that no tensor is left alive by the throw. */
export function expectInputError<T>(b: TensorBackend<T>, run: () => unknown, argument: string): void {
  const before = b.liveCount();
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ContrastiveInputError);
  expect((caught as ContrastiveInputError).argument).toBe(argument);
  expect(b.liveCount()).toBe(before);
}

/** All values finite. */
export function expectFinite(values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) expect(Number.isFinite(values[i]), `index ${i}: ${values[i]}`).toBe(true);
}

/**
 * The reference backend with every op result rounded to float32 (`Math.fround`), emulating a float32 backend's
 * storage precision (accumulation inside `sum`/`matmul` stays float64, which only helps).
 */
export function createFloat32RoundingBackend(): TensorBackend<ReferenceTensor> {
  const inner = createReferenceBackend();
  const round = (value: unknown) => {
    if (value instanceof ReferenceTensor) for (let i = 0; i < value.data.length; i++) value.data[i] = Math.fround(value.data[i]!);
    return value;
  };
  const wrapped: Record<string, unknown> = { ...inner, capabilities: { ...inner.capabilities, precision: 'float32' } };
  for (const [key, fn] of Object.entries(inner)) {
    if (typeof fn === 'function' && key !== 'scope') wrapped[key] = (...args: unknown[]) => round((fn as (...a: unknown[]) => unknown)(...args));
  }
  return wrapped as unknown as TensorBackend<ReferenceTensor>;
}

/** The float64 reference backend and its float32-rounding twin, for checks that must hold at both precisions. */
export const bothPrecisions = () => [createReferenceBackend(), createFloat32RoundingBackend()];

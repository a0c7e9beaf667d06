/**
 * Test support for the fused cross-view kernel: its passes written with primitives and a dense diagonal mask
 * (slow, exact, for checking core's part), deterministic rows, and a closeness check.
 */
import { expect } from 'vitest';
import type { ReferenceTensor } from '../reference/reference-backend.js';
import type { TensorBackend } from '../tensor-backend.js';
import type { CrossViewPasses } from './fused-cross-view-passes.js';

type T = ReferenceTensor;

/** The passes written with primitives and a dense diagonal mask: slow, exact, for checking core's part. */
export function densePasses(backend: TensorBackend<T>): CrossViewPasses<T> {
  const eye = (n: number) => backend.equal(backend.fromArray(Array.from({ length: n }, (_, i) => i), [n, 1]), backend.fromArray(Array.from({ length: n }, (_, i) => i), [1, n]));
  const shifted = (masked: T, shift: T) => backend.exp(backend.sub(masked, shift));
  return {
    knownValues: (x) => backend.readSync!(x),
    oneDirection: true,
    decoupled: true,
    forward(anchors, keys, scale, plan) {
      const n = plan.rows;
      const logits = backend.mul(backend.matmul(anchors, keys, { transposeB: true }), scale);
      const diagonal = eye(n);
      const positiveLogits = backend.sum(backend.where(diagonal, logits, backend.fill([], 0)), 1, true);
      const masked = backend.where(diagonal, backend.fill([], -Infinity), logits);
      const c = plan.constantShift === undefined ? undefined : backend.fill([], plan.constantShift);
      // Decoupled: the maxima over the negatives only; else the positive may be the maximum.
      const withPositive = (x: T, positive: T) => (plan.positivesInDenominator === false ? x : backend.maximum(x, positive));
      const rowShift = c ?? withPositive(backend.max(masked, 1, true), positiveLogits);
      const columnShift = c ?? withPositive(backend.max(masked, 0, true), backend.reshape(positiveLogits, [1, n]));
      const rows = shifted(masked, rowShift);
      const columns = shifted(masked, columnShift);
      return {
        positiveLogits, rowShift: c ?? rowShift, rowRest: backend.sum(rows, 1, true),
        columnShift: c ?? backend.reshape(columnShift, [n, 1]), columnRest: backend.reshape(backend.sum(columns, 0, true), [n, 1]),
        state: { rows, columns },
      };
    },
    products(anchors, keys, _plan, u, v, state) {
      const { rows, columns } = state as { rows: T; columns: T };
      const anchorRows = backend.mul(u, backend.matmul(rows, keys));
      const keyRows = backend.matmul(rows, backend.mul(u, anchors), { transposeA: true });
      if (!v) return { anchors: anchorRows, keys: keyRows };
      return {
        anchors: backend.add(anchorRows, backend.matmul(columns, backend.mul(v, keys))),
        keys: backend.add(keyRows, backend.mul(v, backend.matmul(columns, anchors, { transposeA: true }))),
      };
    },
  };
}

/** `count` rows of `width` deterministic values in (-0.5, 0.5), L2-normalised when `unit`, flattened. */
export function rows(count: number, width: number, seed: number, unit: boolean): number[] {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  return Array.from({ length: count }, () => {
    const row = Array.from({ length: width }, next);
    const norm = unit ? Math.hypot(...row) : 1;
    return row.map((x) => x / norm);
  }).flat();
}

/** Every entry within `relative` times the largest expected magnitude. */
export function expectClose(actual: number[], expected: number[], relative: number): void {
  expect(actual).toHaveLength(expected.length);
  const largest = Math.max(...expected.map(Math.abs), 1e-300);
  actual.forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThanOrEqual(relative * largest));
}

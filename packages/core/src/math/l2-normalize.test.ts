import { describe, expect, it } from 'vitest';
import { createFloat32RoundingBackend } from '../losses/loss-test-support.js';
import { createReferenceBackend, ReferenceTensor } from '../reference/reference-backend.js';
import type { TensorBackend } from '../tensor-backend.js';
import { rows } from './fused-cross-view.test-support.js';
import { l2NormalizeBackward, l2NormalizeForward } from './l2-normalize.js';

const width = 4;
const rowOf = (x: readonly number[], i: number) => x.slice(i * width, (i + 1) * width);
const unit = (seed: number) => rows(1, width, seed, true);

/**
 * The stated math in float64 (`torch.nn.functional.normalize` and its autograd): `y = x / max(||x||, 1e-12)`;
 * `dx = (dy - y <dy, y>) / ||x||` above the clamp, `dy / 1e-12` at or below it (the clamp has zero derivative).
 */
function expected(x: readonly number[], dy: readonly number[]) {
  const [y, dx] = [[] as number[], [] as number[]];
  for (let i = 0; i < x.length / width; i += 1) {
    const [xi, dyi] = [rowOf(x, i), rowOf(dy, i)];
    const norm = Math.hypot(...xi);
    const yi = xi.map((v) => v / Math.max(norm, 1e-12));
    const along = yi.reduce((s, v, k) => s + v * dyi[k]!, 0);
    y.push(...yi);
    dx.push(...(norm > 1e-12 ? dyi.map((v, k) => (v - yi[k]! * along) / norm) : dyi.map((v) => v / 1e-12)));
  }
  return { y, dx };
}

function run<T>(b: TensorBackend<T>, x: readonly number[], dy: readonly number[]) {
  const shape = [x.length / width, width];
  const saved = l2NormalizeForward(b, b.fromArray(x, shape));
  const dx = l2NormalizeBackward(b, saved, b.fromArray(dy, shape));
  return { y: Array.from(b.readSync!(saved.normalized)), dx: Array.from(b.readSync!(dx)) };
}

/** Every entry of each row within `relative` of that row's largest expected magnitude, plus `floor`. */
function expectRowsClose(actual: number[], truth: number[], relative: number, floor: number, what: string) {
  expect(actual).toHaveLength(truth.length);
  for (let i = 0; i < truth.length / width; i += 1) {
    const largest = Math.max(...rowOf(truth, i).map(Math.abs));
    rowOf(actual, i).forEach((v, k) => expect(Math.abs(v - truth[i * width + k]!), `${what} row ${i}`).toBeLessThanOrEqual(relative * largest + floor));
  }
}

// Rows of every finite magnitude: squared norms that overflow float32 (1e20 and up, a row at float32's largest
// value), squares that underflow (1e-20, 1e-30, subnormal 1e-42 entries: far below the clamp), a zero row, rows
// mixing scales, and rows 1e-4 (relative) above and below the clamp's 1e-12.
const extremeRows = [
  unit(1),
  unit(2).map((v) => v * 1e30),
  unit(3).map((v) => v * 1e38),
  unit(4).map((v) => v * 1e20),
  unit(5).map((v) => v * 1e-20),
  unit(6).map((v) => v * 1e-30),
  unit(7).map((v) => v * 1e-42),
  [0, 0, 0, 0],
  [1e20, -1e-20, 3e19, 1e-20],
  [1e15, -1e-15, 1, 2e14],
  [3.4e38, -3.4e38, 3.4e38, 1e-45],
  unit(8).map((v) => v * 1e-12 * (1 + 1e-4)),
  unit(9).map((v) => v * 1e-12 * (1 - 1e-4)),
].map((row) => row.map(Math.fround));
const upstream = rows(extremeRows.length, width, 11, false).map(Math.fround);

describe('l2NormalizeForward / l2NormalizeBackward on the float64 reference backend', () => {
  it('equal the stated math on ordinary rows and on every row magnitude above', () => {
    const x = [...rows(6, width, 21, false), ...extremeRows.flat()];
    const dy = rows(x.length / width, width, 23, false);
    const actual = run(createReferenceBackend(), x, dy);
    const truth = expected(x, dy);
    expectRowsClose(actual.y, truth.y, 1e-14, 0, 'y');
    expectRowsClose(actual.dx, truth.dx, 1e-13, 0, 'dx');
  });

  it('have a gradient that agrees with central finite differences of sum(w * y), row by row', () => {
    const b = createReferenceBackend();
    const x = [...rows(3, width, 31, false), ...extremeRows.flat()];
    const w = rows(x.length / width, width, 33, false);
    const { dx } = run(b, x, w);
    const rowLoss = (xs: number[], i: number) => run(b, rowOf(xs, i), rowOf(w, i)).y.reduce((s, v, k) => s + v * w[i * width + k]!, 0);
    for (let i = 0; i < x.length / width; i += 1) {
      // A step relative to the row's scale (1e-20 for the zero row: still far below the clamp, where y is linear).
      const h = 1e-6 * (Math.max(...rowOf(x, i).map(Math.abs)) || 1e-14);
      const numeric = rowOf(x, i).map((_, k) => {
        const shifted = (delta: number) => x.map((v, j) => (j === i * width + k ? v + delta : v));
        return (rowLoss(shifted(h), i) - rowLoss(shifted(-h), i)) / (2 * h);
      });
      const largest = Math.max(...numeric.map(Math.abs));
      rowOf(dx, i).forEach((v, k) => expect(Math.abs(v - numeric[k]!), `row ${i}`).toBeLessThanOrEqual(1e-6 * largest));
    }
  });
});

describe('l2NormalizeForward / l2NormalizeBackward on float32 storage', () => {
  it('give finite values equal to the stated math for rows of any finite magnitude', () => {
    const x = extremeRows.flat();
    const actual = run(createFloat32RoundingBackend(), x, upstream);
    const truth = expected(x, upstream);
    for (const v of [...actual.y, ...actual.dx]) expect(Number.isFinite(v)).toBe(true);
    expectRowsClose(actual.y, truth.y, 1e-6, 0, 'y');
    // The float32 row at 3.4e38 has a norm near 5.9e38: its true gradient (~1e-39) is subnormal in float32, where
    // only absolute steps of 2^-149 (1.4e-45) exist; a few of them are allowed.
    expectRowsClose(actual.dx, truth.dx, 2e-6, 8 * 2 ** -149, 'dx');
  });

  it('give zero rows zero and the clamp gradient dy / 1e-12', () => {
    const dy = [0.25, -1, 3, 0];
    const actual = run(createFloat32RoundingBackend(), [0, 0, 0, 0], dy);
    expect(actual.y).toEqual([0, 0, 0, 0]);
    actual.dx.forEach((v, k) => expect(Math.abs(v - dy[k]! / 1e-12)).toBeLessThanOrEqual(1e-6 * Math.abs(dy[k]! / 1e-12)));
  });
});

/** IEEE half precision, round to nearest: 65504 at most, steps of 2^-24 below 2^-14. */
function float16(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const exponent = Math.max(Math.floor(Math.log2(Math.abs(v))), -14);
  const step = 2 ** (exponent - 10);
  const rounded = Math.round(v / step) * step;
  return Math.abs(rounded) > 65504 ? Math.sign(v) * Infinity : rounded;
}

/** The reference backend storing every result as float16 and saying so (`precision: 'float16'`). */
function createFloat16RoundingBackend(): TensorBackend<ReferenceTensor> {
  const inner = createReferenceBackend();
  const round = (value: unknown) => {
    if (value instanceof ReferenceTensor) for (let i = 0; i < value.data.length; i++) value.data[i] = float16(value.data[i]!);
    return value;
  };
  const wrapped: Record<string, unknown> = { ...inner, capabilities: { ...inner.capabilities, precision: 'float16' } };
  for (const [key, fn] of Object.entries(inner)) {
    if (typeof fn === 'function' && key !== 'scope') wrapped[key] = (...args: unknown[]) => round((fn as (...a: unknown[]) => unknown)(...args));
  }
  return wrapped as unknown as TensorBackend<ReferenceTensor>;
}

describe('l2NormalizeForward / l2NormalizeBackward on float16 storage', () => {
  it('normalise rows whose sum of squares overflows float16 (norms 256 to 1e5) to within float16 rounding', () => {
    // float16 cannot hold the clamp (1e-12 rounds to 0), so rows below it are left to the backends' own tests.
    const x = [1, 100, 1000, 3e4, 1e-2].flatMap((scale, i) => unit(40 + i).map((v) => float16(v * scale)));
    const dy = rows(x.length / width, width, 41, false).map(float16);
    const actual = run(createFloat16RoundingBackend(), x, dy);
    const truth = expected(x, dy);
    for (const v of [...actual.y, ...actual.dx]) expect(Number.isFinite(v)).toBe(true);
    expectRowsClose(actual.y, truth.y, 4e-3, 0, 'y');
    // The rows of 3e4 have gradients near 3e-5, float16's subnormals (steps of 2^-24).
    expectRowsClose(actual.dx, truth.dx, 8e-3, 4 * 2 ** -24, 'dx');
  });
});

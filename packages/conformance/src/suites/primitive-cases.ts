/**
 * Edge cases for each primitive, with the expected values stated in plain JavaScript. Inputs are float32 values
 * (`Math.fround`) so every precision receives exactly the same numbers; extremes shrink for float16.
 */
import type { FloatPrecision, TensorBackend } from '@contrastive/core';
import type { HostTensor } from '../fixture-types.js';

export interface PrimitiveCase {
  readonly id: string;
  build<T>(b: TensorBackend<T>): T;
  readonly expected: HostTensor;
}

const f = Math.fround;
const t = (shape: number[], values: number[]): HostTensor => ({ shape, values });
const m23 = [1, -2, 3, -4, 5, -6];
const mat = <T>(b: TensorBackend<T>, values: number[], shape: number[]) => b.fromArray(values.map(f), shape);
const ids = <T>(b: TensorBackend<T>, count: number, shape: number[]) => b.fromArray(Array.from({ length: count }, (_, i) => i), shape);
/** Row-major product of A [n, k] and B [k, m]. */
const product = (a: number[], b: number[], n: number, k: number, m: number) =>
  Array.from({ length: n * m }, (_, index) => {
    const [i, j] = [Math.floor(index / m), index % m];
    return Array.from({ length: k }, (_, r) => a[i * k + r]! * b[r * m + j]!).reduce((x, y) => x + y, 0);
  });
const transposed = (x: number[], rows: number, cols: number) =>
  Array.from({ length: rows * cols }, (_, index) => x[(index % rows) * cols + Math.floor(index / rows)]!);

export function primitiveCases(precision: FloatPrecision): PrimitiveCase[] {
  const half = precision === 'float16';
  const large = half ? 10 : 80;
  const [tiny, huge] = half ? [f(1e-4), f(6e4)] : [f(1e-30), f(1e30)];
  const smallStep = half ? f(1e-3) : f(1e-7);
  const a = [1, 2, -1, 0.5, 3, -2]; // [2, 3]
  const bm = [2, -1, 0, 1, 1, 3, -2, 0.5, 4, 0, 1, -1]; // [3, 4]
  return [
    { id: 'fill-scalar-shape', build: (b) => b.fill([], 2.5), expected: t([], [2.5]) },
    { id: 'fill-matrix', build: (b) => b.fill([2, 3], -1), expected: t([2, 3], Array(6).fill(-1)) },
    { id: 'from-array-round-trip', build: (b) => mat(b, m23, [2, 3]), expected: t([2, 3], m23) },
    { id: 'add-column-row-broadcast', build: (b) => b.add(ids(b, 3, [3, 1]), b.mul(ids(b, 4, [1, 4]), b.fill([], 10))),
      expected: t([3, 4], [0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32]) },
    { id: 'sub-scalar-broadcast', build: (b) => b.sub(b.fill([], 1), mat(b, m23, [2, 3])), expected: t([2, 3], m23.map((v) => 1 - v)) },
    { id: 'mul-trailing-broadcast', build: (b) => b.mul(mat(b, m23, [2, 3]), mat(b, [1, 10, 100], [3])),
      expected: t([2, 3], [1, -20, 300, -4, 50, -600]) },
    { id: 'div-column-broadcast', build: (b) => b.div(mat(b, m23, [2, 3]), mat(b, [2, -4], [2, 1])),
      expected: t([2, 3], [0.5, -1, 1.5, 1, -1.25, 1.5]) },
    { id: 'maximum-broadcast', build: (b) => b.maximum(mat(b, [0, 2], [2, 1]), mat(b, [1, -1, 3], [1, 3])),
      expected: t([2, 3], [1, 0, 3, 2, 2, 3]) },
    { id: 'minimum-broadcast', build: (b) => b.minimum(mat(b, [0, 2], [2, 1]), mat(b, [1, -1, 3], [1, 3])),
      expected: t([2, 3], [0, -1, 0, 1, -1, 2]) },
    { id: 'neg-abs', build: (b) => b.concat([b.neg(mat(b, m23, [6])), b.abs(mat(b, m23, [6]))], 0),
      expected: t([12], [...m23.map((v) => -v), ...m23.map(Math.abs)]) },
    { id: 'exp-zero-large-tiny', build: (b) => b.exp(mat(b, [0, large, -large, 1], [4])),
      expected: t([4], [1, Math.exp(large), Math.exp(-large), Math.E]) },
    { id: 'exp-minus-infinity', build: (b) => b.exp(b.fill([2], -Infinity)), expected: t([2], [0, 0]) },
    { id: 'log-zero-tiny-large', build: (b) => b.log(mat(b, [0, 1, tiny, huge], [4])),
      expected: t([4], [-Infinity, 0, Math.log(tiny), Math.log(huge)]) },
    { id: 'log1p-zero-tiny-large', build: (b) => b.log1p(mat(b, [0, smallStep, -0.5, huge], [4])),
      expected: t([4], [0, Math.log1p(smallStep), Math.log1p(-0.5), Math.log1p(huge)]) },
    { id: 'sqrt-zero-tiny-large', build: (b) => b.sqrt(mat(b, [0, tiny, 4, huge], [4])),
      expected: t([4], [0, Math.sqrt(tiny), 2, Math.sqrt(huge)]) },
    { id: 'sum-axis0-keep-dims', build: (b) => b.sum(mat(b, m23, [2, 3]), 0, true), expected: t([1, 3], [-3, 3, -3]) },
    { id: 'sum-axis0', build: (b) => b.sum(mat(b, m23, [2, 3]), 0, false), expected: t([3], [-3, 3, -3]) },
    { id: 'sum-axis1-keep-dims', build: (b) => b.sum(mat(b, m23, [2, 3]), 1, true), expected: t([2, 1], [2, -5]) },
    { id: 'sum-axis1', build: (b) => b.sum(mat(b, m23, [2, 3]), 1, false), expected: t([2], [2, -5]) },
    { id: 'sum-vector-to-scalar', build: (b) => b.sum(mat(b, m23, [6]), 0, false), expected: t([], [-3]) },
    { id: 'max-axis0-keep-dims', build: (b) => b.max(mat(b, m23, [2, 3]), 0, true), expected: t([1, 3], [1, 5, 3]) },
    { id: 'max-axis0', build: (b) => b.max(mat(b, m23, [2, 3]), 0, false), expected: t([3], [1, 5, 3]) },
    { id: 'max-axis1-keep-dims', build: (b) => b.max(mat(b, m23, [2, 3]), 1, true), expected: t([2, 1], [3, 5]) },
    { id: 'max-axis1', build: (b) => b.max(mat(b, m23, [2, 3]), 1, false), expected: t([2], [3, 5]) },
    { id: 'max-with-minus-infinity', build: (b) => b.max(b.where(b.greater(mat(b, [0, 0, 1, 0, 0, 0], [2, 3]), b.fill([], 0)), mat(b, [0, 0, 3, 0, 0, 0], [2, 3]), b.fill([], -Infinity)), 1, false),
      expected: t([2], [3, -Infinity]) },
    { id: 'maximum-with-minus-infinity', build: (b) => b.maximum(b.fill([3], -Infinity), mat(b, [-1e3, 0, 2], [3])), expected: t([3], [-1e3, 0, 2]) },
    // NaN propagates through max and maximum (IEEE 754 maximum, like NumPy and PyTorch): a backend that returns
    // the other operand hides a non-finite input from the device check and from the user.
    { id: 'max-propagates-nan', build: (b) => b.max(b.fromArray([1, Number.NaN, 3, 4, 5, 6], [2, 3]), 1, false), expected: t([2], [Number.NaN, 6]) },
    { id: 'maximum-propagates-nan', build: (b) => b.maximum(b.fromArray([Number.NaN, 1, 2], [3]), b.fromArray([0, Number.NaN, -Infinity], [3])),
      expected: t([3], [Number.NaN, Number.NaN, 2]) },
    { id: 'minimum-propagates-nan', build: (b) => b.minimum(b.fromArray([Number.NaN, 1, 2], [3]), b.fromArray([0, Number.NaN, Infinity], [3])),
      expected: t([3], [Number.NaN, Number.NaN, 2]) },
    // 0 * Infinity is NaN inside a product too (a blocked or skipped-zero matmul must not drop it).
    { id: 'matmul-zero-times-infinity', build: (b) => b.matmul(b.fromArray([0, 1, 1, 1], [2, 2]), b.fromArray([Infinity, 2], [2, 1])),
      expected: t([2, 1], [Number.NaN, Infinity]) },
    { id: 'matmul', build: (b) => b.matmul(mat(b, a, [2, 3]), mat(b, bm, [3, 4])), expected: t([2, 4], product(a, bm, 2, 3, 4)) },
    { id: 'matmul-transpose-a', build: (b) => b.matmul(mat(b, transposed(a, 2, 3), [3, 2]), mat(b, bm, [3, 4]), { transposeA: true }),
      expected: t([2, 4], product(a, bm, 2, 3, 4)) },
    { id: 'matmul-transpose-b', build: (b) => b.matmul(mat(b, a, [2, 3]), mat(b, transposed(bm, 3, 4), [4, 3]), { transposeB: true }),
      expected: t([2, 4], product(a, bm, 2, 3, 4)) },
    { id: 'matmul-transpose-both', build: (b) => b.matmul(mat(b, transposed(a, 2, 3), [3, 2]), mat(b, transposed(bm, 3, 4), [4, 3]), { transposeA: true, transposeB: true }),
      expected: t([2, 4], product(a, bm, 2, 3, 4)) },
    { id: 'equal-id-mask', build: (b) => b.where(b.equal(ids(b, 3, [3, 1]), ids(b, 3, [1, 3])), b.fill([], 1), b.fill([], 0)),
      expected: t([3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]) },
    { id: 'greater-strict-with-ties', build: (b) => b.where(b.greater(mat(b, [1, 2, 3], [3]), mat(b, [1, 1, 4], [3])), b.fill([], 1), b.fill([], 0)),
      expected: t([3], [0, 1, 0]) },
    { id: 'where-broadcast-select', build: (b) => b.where(b.greater(ids(b, 2, [2, 1]), b.fill([], 0)), mat(b, [1, 2, 3], [1, 3]), b.fill([], -1)),
      expected: t([2, 3], [-1, -1, -1, 1, 2, 3]) },
    { id: 'where-no-leak-from-branch-not-taken', build: (b) => b.where(b.greater(mat(b, [1, 0, 1, 0], [4]), b.fill([], 0)), b.log(mat(b, [1, 0, 2, -1], [4])), b.div(b.fill([4], 1), mat(b, [0, 2, 0, 4], [4]))),
      expected: t([4], [0, 0.5, Math.log(2), 0.25]) },
    { id: 'slice', build: (b) => b.slice(mat(b, bm, [3, 4]), [1, 1], [2, 2]), expected: t([2, 2], [3, -2, 0, 1]) },
    { id: 'concat-axis0', build: (b) => b.concat([mat(b, a, [2, 3]), mat(b, m23, [2, 3])], 0), expected: t([4, 3], [...a, ...m23]) },
    { id: 'concat-axis1', build: (b) => b.concat([mat(b, a, [2, 3]), mat(b, [7, 8], [2, 1])], 1), expected: t([2, 4], [1, 2, -1, 7, 0.5, 3, -2, 8]) },
    { id: 'take-along-axis1', build: (b) => b.takeAlongAxis(mat(b, a, [2, 3]), { values: Int32Array.from([2, 0, 1, 1]), shape: [2, 2] }, 1),
      expected: t([2, 2], [-1, 1, 3, 3]) },
    { id: 'take-along-axis0', build: (b) => b.takeAlongAxis(mat(b, a, [2, 3]), { values: Int32Array.from([1, 0, 1]), shape: [1, 3] }, 0),
      expected: t([1, 3], [0.5, 2, -2]) },
    { id: 'reshape', build: (b) => b.concat([b.reshape(b.reshape(mat(b, a, [2, 3]), [3, 2]), [6]), b.reshape(b.fill([1, 1], 4), [1])], 0),
      expected: t([7], [...a, 4]) },
    { id: 'transpose', build: (b) => b.transpose(mat(b, a, [2, 3])), expected: t([3, 2], transposed(a, 2, 3)) },
  ];
}

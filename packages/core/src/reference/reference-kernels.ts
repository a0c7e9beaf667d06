import type { Shape, StaticIndices } from '../tensor-backend.js';
import { normalizeAxis, sizeOf, splitAroundAxis } from './shape-utils.js';

/**
 * Row-major values a kernel reads: float32 or float64.
 *
 * @example
 * const values: HostArray = Float32Array.from([1, 2, 3, 4]);
 */
export type HostArray = Float32Array | Float64Array;

/**
 * What every kernel returns: float64 values, row-major, and their shape. A float32 backend rounds them with
 * `Float32Array.from(data)`.
 *
 * @example
 * const { data, shape }: RowMajorValues = rowMajor.reduce(Float32Array.from([1, 2, 3, 4]), [2, 2], 0, true, 'max');
 * // data: Float64Array [3, 4], shape: [1, 2]
 */
export interface RowMajorValues {
  /** The values, row-major. */
  data: Float64Array;
  /** The shape. */
  shape: number[];
}
type Values = RowMajorValues;

/**
 * Sum or maximum along one axis (NaN propagates through the maximum; the maximum of an empty axis is -Infinity).
 *
 * @param data - The values, row-major.
 * @param shape - Their shape.
 * @param axis - The axis (negative counts from the end).
 * @param keepDims - Keep the reduced axis with extent 1.
 * @param kind - `'sum'` or `'max'`.
 *
 * @example
 * rowMajor.reduce(Float32Array.from([1, 2, 3, 4]), [2, 2], 1, false, 'sum'); // { data: [3, 7], shape: [2] }
 */
export function reduce(data: HostArray, shape: Shape, axis: number, keepDims: boolean, kind: 'sum' | 'max'): Values {
  const resolved = normalizeAxis(axis, shape.length);
  const [outer, extent, inner] = splitAroundAxis(shape, resolved);
  const out = new Float64Array(outer * inner).fill(kind === 'sum' ? 0 : -Infinity);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < extent; k++) {
      const base = (o * extent + k) * inner;
      const target = o * inner;
      for (let i = 0; i < inner; i++) {
        const value = data[base + i]!;
        const current = out[target + i]!;
        out[target + i] = kind === 'sum' ? current + value : maxPropagatingNaN(current, value);
      }
    }
  }
  const outShape = shape.map((extentOf, i) => (i === resolved ? 1 : extentOf));
  return { data: out, shape: keepDims ? outShape : outShape.filter((_, i) => i !== resolved) };
}

function maxPropagatingNaN(a: number, b: number): number {
  return Number.isNaN(b) || b > a ? b : a;
}

/**
 * Rank-2 matrix product with transpose flags, i-k-j loop order over row-major data; no zero is skipped, so
 * `0 * Infinity` stays NaN as in every BLAS.
 *
 * @param a - The left operand's values; `aShape` its [rows, columns].
 * @param b - The right operand's values; `bShape` its [rows, columns].
 * @param transposeA - Multiply by the transpose of `a`.
 * @param transposeB - Multiply by the transpose of `b`.
 *
 * @example
 * rowMajor.matmul(Float32Array.from([1, 2, 3, 4]), [2, 2], Float32Array.from([1, 0, 0, 1]), [2, 2], false, true); // [1, 2, 3, 4], [2, 2]
 */
export function matmul(a: HostArray, aShape: Shape, b: HostArray, bShape: Shape, transposeA: boolean, transposeB: boolean): Values {
  if (aShape.length !== 2 || bShape.length !== 2) throw new Error('matmul expects rank-2 tensors');
  const [aRows, aCols] = aShape as [number, number];
  const [bRows, bCols] = bShape as [number, number];
  const n = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const m = transposeB ? bRows : bCols;
  if ((transposeB ? bCols : bRows) !== k) {
    throw new Error(`matmul inner dimensions differ: [${aShape.join(', ')}] and [${bShape.join(', ')}]`);
  }
  const bt = transposeB ? transpose2d(b, bRows, bCols) : b;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (let p = 0; p < k; p++) {
      const aValue = transposeA ? a[p * aCols + i]! : a[i * aCols + p]!;
      // No skipping of zeros: 0 * Infinity must stay NaN (IEEE 754), as in every BLAS.
      const bRow = p * m;
      for (let j = 0; j < m; j++) out[row + j]! += aValue * bt[bRow + j]!;
    }
  }
  return { data: out, shape: [n, m] };
}

/**
 * The transpose of a row-major [rows, cols] matrix.
 *
 * @param data - The values.
 * @param rows - The number of rows.
 * @param cols - The number of columns.
 *
 * @example
 * rowMajor.transpose2d(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3); // [1, 4, 2, 5, 3, 6]
 */
export function transpose2d(data: HostArray, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
  return out;
}

/**
 * The block of `size` starting at `begin` (one entry per axis each).
 *
 * @param data - The values, row-major.
 * @param shape - Their shape.
 * @param begin - The first index along each axis.
 * @param size - The extent taken along each axis.
 *
 * @example
 * rowMajor.slice(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [0, 1], [2, 2]); // [2, 3, 5, 6], [2, 2]
 */
export function slice(data: HostArray, shape: Shape, begin: Shape, size: Shape): Values {
  const rank = shape.length;
  const outShape = [...size];
  const out = new Float64Array(sizeOf(outShape));
  const index = new Array<number>(rank).fill(0);
  const strides = shape.map((_, axis) => sizeOf(shape.slice(axis + 1)));
  for (let i = 0; i < out.length; i++) {
    let offset = 0;
    for (let axis = 0; axis < rank; axis++) offset += (index[axis]! + begin[axis]!) * strides[axis]!;
    out[i] = data[offset]!;
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis]! < outShape[axis]!) break;
      index[axis] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/**
 * Joins tensors along `axis` (every other extent equal).
 *
 * @param parts - The values and shapes, in order.
 * @param axis - The axis (negative counts from the end).
 *
 * @example
 * rowMajor.concat([{ data: Float64Array.from([1, 2]), shape: [1, 2] }, { data: Float64Array.from([3, 4]), shape: [1, 2] }], 0); // [1, 2, 3, 4], [2, 2]
 */
export function concat(parts: readonly { readonly data: HostArray; readonly shape: Shape }[], axis: number): Values {
  const first = parts[0]!;
  const resolved = normalizeAxis(axis, first.shape.length);
  const total = parts.reduce((acc, part) => acc + part.shape[resolved]!, 0);
  const shape = first.shape.map((extent, i) => (i === resolved ? total : extent));
  const [outer, , inner] = splitAroundAxis(shape, resolved);
  const out = new Float64Array(sizeOf(shape));
  let offset = 0;
  for (const part of parts) {
    const extent = part.shape[resolved]!;
    for (let o = 0; o < outer; o++) {
      out.set(part.data.subarray(o * extent * inner, (o + 1) * extent * inner), (o * total + offset) * inner);
    }
    offset += extent;
  }
  return { data: out, shape };
}

/**
 * Picks elements along `axis` by a constant index table (as `numpy.take_along_axis`); throws an `Error` on an
 * index out of range.
 *
 * @param data - The values, row-major.
 * @param shape - Their shape.
 * @param indices - The index table; its shape is the output's.
 * @param axis - The axis (negative counts from the end).
 *
 * @example
 * rowMajor.takeAlongAxis(Float64Array.from([1, 2, 3, 4]), [2, 2], { values: Int32Array.from([1, 0]), shape: [2, 1] }, 1); // [2, 3], [2, 1]
 */
export function takeAlongAxis(data: HostArray, shape: Shape, indices: StaticIndices, axis: number): Values {
  const resolved = normalizeAxis(axis, shape.length);
  const [outer, extent, inner] = splitAroundAxis(shape, resolved);
  const [, picked] = splitAroundAxis(indices.shape, resolved);
  const out = new Float64Array(outer * picked * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < picked; k++) {
      for (let i = 0; i < inner; i++) {
        const target = (o * picked + k) * inner + i;
        const source = indices.values[target]!;
        if (source < 0 || source >= extent) throw new Error(`takeAlongAxis index ${source} out of range ${extent}`);
        out[target] = data[(o * extent + source) * inner + i]!;
      }
    }
  }
  return { data: out, shape: [...indices.shape] };
}

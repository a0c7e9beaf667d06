import type { Shape, StaticIndices } from '../tensor-backend.js';
import { normalizeAxis, sizeOf, splitAroundAxis } from './shape-utils.js';

type Values = { data: Float64Array; shape: number[] };

export function reduce(data: Float64Array, shape: Shape, axis: number, keepDims: boolean, kind: 'sum' | 'max'): Values {
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

/** Rank-2 matmul with transpose flags, i-k-j loop order over row-major data. */
export function matmul(a: Float64Array, aShape: Shape, b: Float64Array, bShape: Shape, transposeA: boolean, transposeB: boolean): Values {
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

export function transpose2d(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
  return out;
}

export function slice(data: Float64Array, shape: Shape, begin: Shape, size: Shape): Values {
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

export function concat(parts: readonly Values[], axis: number): Values {
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

export function takeAlongAxis(data: Float64Array, shape: Shape, indices: StaticIndices, axis: number): Values {
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

import type { Shape } from '../tensor-backend.js';
import { broadcastShapes, sizeOf, stridesOf } from './shape-utils.js';
import type { HostArray } from './reference-kernels.js';

/**
 * Elementwise `f(a, b)` with NumPy broadcasting over row-major values, computed and returned in float64.
 *
 * @param a - The first operand's values.
 * @param aShape - Its shape.
 * @param b - The second operand's values.
 * @param bShape - Its shape.
 * @param f - The scalar operation.
 * @returns The values and the broadcast shape.
 *
 * @example
 * const { data, shape } = rowMajor.broadcastBinary(Float32Array.from([1, 2]), [2, 1], Float32Array.from([10, 20, 30]), [3], (x, y) => x * y);
 * // data: [10, 20, 30, 20, 40, 60], shape: [2, 3]
 */
export function broadcastBinary(
  a: HostArray,
  aShape: Shape,
  b: HostArray,
  bShape: Shape,
  f: (x: number, y: number) => number,
): { data: Float64Array; shape: number[] } {
  const shape = broadcastShapes(aShape, bShape);
  const size = sizeOf(shape);
  const out = new Float64Array(size);
  if (a.length === size && b.length === size) {
    for (let i = 0; i < size; i++) out[i] = f(a[i]!, b[i]!);
    return { data: out, shape };
  }
  if (b.length === 1) {
    const y = b[0]!;
    if (a.length === size) {
      for (let i = 0; i < size; i++) out[i] = f(a[i]!, y);
      return { data: out, shape };
    }
  }
  if (a.length === 1 && b.length === size) {
    const x = a[0]!;
    for (let i = 0; i < size; i++) out[i] = f(x, b[i]!);
    return { data: out, shape };
  }
  const rank = shape.length;
  const aStrides = broadcastStrides(aShape, rank);
  const bStrides = broadcastStrides(bShape, rank);
  const index = new Array<number>(rank).fill(0);
  let aOffset = 0;
  let bOffset = 0;
  for (let i = 0; i < size; i++) {
    out[i] = f(a[aOffset]!, b[bOffset]!);
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]!++;
      aOffset += aStrides[axis]!;
      bOffset += bStrides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      aOffset -= aStrides[axis]! * shape[axis]!;
      bOffset -= bStrides[axis]! * shape[axis]!;
      index[axis] = 0;
    }
  }
  return { data: out, shape };
}

/** Strides of `shape` aligned to `rank` axes, zero along broadcast (size-1 or missing) axes. */
function broadcastStrides(shape: Shape, rank: number): number[] {
  const own = stridesOf(shape);
  const strides = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    strides[rank - shape.length + i] = shape[i] === 1 ? 0 : own[i]!;
  }
  return strides;
}

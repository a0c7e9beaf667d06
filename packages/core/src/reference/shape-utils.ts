import type { Shape } from '../tensor-backend.js';

/**
 * The number of elements of `shape` (1 for a scalar `[]`).
 *
 * @param shape - The extents.
 *
 * @example
 * rowMajor.sizeOf([2, 3]); // 6
 */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const extent of shape) size *= extent;
  return size;
}

/**
 * Row-major strides: how far apart, in elements, neighbours along each axis are.
 *
 * @param shape - The extents.
 *
 * @example
 * rowMajor.stridesOf([2, 3, 4]); // [12, 4, 1]
 */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1]! * shape[axis + 1]!;
  return strides;
}

/**
 * The shape two operands broadcast to (NumPy rules: align trailing axes; an extent of 1 or a missing axis
 * stretches); throws an `Error` on incompatible extents.
 *
 * @param a - The first operand's shape.
 * @param b - The second operand's shape.
 *
 * @example
 * rowMajor.broadcastShapes([4, 1], [3]); // [4, 3]
 */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new Error(`cannot broadcast shapes [${a.join(', ')}] and [${b.join(', ')}]`);
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/**
 * Splits a shape around `axis` into (outer, extent, inner) sizes for strided loops: element `[o, k, i]` is at
 * `(o * extent + k) * inner + i`.
 *
 * @param shape - The extents.
 * @param axis - A non-negative axis (see `normalizeAxis`).
 *
 * @example
 * rowMajor.splitAroundAxis([2, 3, 4], 1); // [2, 3, 4]
 */
export function splitAroundAxis(shape: Shape, axis: number): [number, number, number] {
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  return [outer, shape[axis]!, inner];
}

/**
 * Resolves a negative axis from the end (`-1` is the last); throws an `Error` when it is out of range.
 *
 * @param axis - The axis as given.
 * @param rank - The number of axes.
 *
 * @example
 * rowMajor.normalizeAxis(-1, 2); // 1
 */
export function normalizeAxis(axis: number, rank: number): number {
  const resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 0 || resolved >= rank) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
  return resolved;
}

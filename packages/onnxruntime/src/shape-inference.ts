/**
 * Static output shapes of the primitives, computed at trace time from input shapes only. Mismatches throw
 * `ContrastiveInputError` naming the argument, so a bad call fails while tracing, not inside ONNX Runtime.
 */
import { ContrastiveInputError, formatShape, type Shape, type StaticIndices } from '@contrastive/core';

export function sizeOf(shape: Shape): number {
  return shape.reduce((acc, extent) => acc * extent, 1);
}

export function checkShape(shape: Shape, argument: string): void {
  if (!Array.isArray(shape) || shape.some((extent) => !Number.isInteger(extent) || extent < 0)) {
    throw new ContrastiveInputError(argument, 'an array of non-negative integers', String(shape));
  }
}

/** NumPy broadcasting: trailing axes aligned, size-1 axes stretched. */
export function broadcastShapes(a: Shape, b: Shape, argument = 'b'): Shape {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ContrastiveInputError(argument, `a shape broadcastable with ${formatShape(a)}`, `shape ${formatShape(b)}`);
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

export function normalizeAxis(axis: number, rank: number): number {
  const resolved = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || resolved < 0 || resolved >= rank) {
    throw new ContrastiveInputError('axis', `an integer axis of a rank-${rank} tensor`, String(axis));
  }
  return resolved;
}

export function reducedShape(shape: Shape, axis: number, keepDims: boolean): Shape {
  return keepDims ? shape.map((extent, i) => (i === axis ? 1 : extent)) : shape.filter((_, i) => i !== axis);
}

export function matmulShape(a: Shape, b: Shape, transposeA: boolean, transposeB: boolean): Shape {
  if (a.length !== 2) throw new ContrastiveInputError('a', 'a rank-2 tensor', `shape ${formatShape(a)}`);
  if (b.length !== 2) throw new ContrastiveInputError('b', 'a rank-2 tensor', `shape ${formatShape(b)}`);
  const [rows, inner] = transposeA ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
  const [innerB, cols] = transposeB ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
  if (inner !== innerB) {
    throw new ContrastiveInputError('b', `${inner} rows (the inner dimension of a)`, `shape ${formatShape(b)}`);
  }
  return [rows, cols];
}

export function checkSlice(shape: Shape, begin: Shape, size: Shape): void {
  if (begin.length !== shape.length || size.length !== shape.length) {
    throw new ContrastiveInputError('begin', `${shape.length} entries (the rank of x)`, `begin ${formatShape(begin)}, size ${formatShape(size)}`);
  }
  shape.forEach((extent, axis) => {
    const start = begin[axis]!;
    const length = size[axis]!;
    if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0 || start + length > extent) {
      throw new ContrastiveInputError('size', `a block inside ${formatShape(shape)}`, `begin ${formatShape(begin)}, size ${formatShape(size)}`);
    }
  });
}

export function concatShape(shapes: readonly Shape[], axis: number): Shape {
  const first = shapes[0];
  if (!first) throw new ContrastiveInputError('xs', 'at least one tensor', 'an empty list');
  const resolved = normalizeAxis(axis, first.length);
  let total = 0;
  for (const shape of shapes) {
    const mismatch = shape.length !== first.length || shape.some((extent, i) => i !== resolved && extent !== first[i]);
    if (mismatch) throw new ContrastiveInputError('xs', `shapes matching ${formatShape(first)} off axis ${resolved}`, `shape ${formatShape(shape)}`);
    total += shape[resolved]!;
  }
  return first.map((extent, i) => (i === resolved ? total : extent));
}

/** GatherElements indices: same rank, same extents off `axis`, integers within the axis. */
export function checkIndices(shape: Shape, indices: StaticIndices, axis: number): void {
  const sameRank = indices.shape.length === shape.length;
  if (!sameRank || indices.shape.some((extent, i) => i !== axis && extent !== shape[i])) {
    throw new ContrastiveInputError('indices', `shape matching ${formatShape(shape)} off axis ${axis}`, `shape ${formatShape(indices.shape)}`);
  }
  if (indices.values.length !== sizeOf(indices.shape)) {
    throw new ContrastiveInputError('indices', `${sizeOf(indices.shape)} values`, `${indices.values.length} values`);
  }
  const extent = shape[axis]!;
  for (const index of indices.values) {
    if (!Number.isInteger(index) || index < 0 || index >= extent) throw new ContrastiveInputError('indices', `integers in [0, ${extent})`, String(index));
  }
}

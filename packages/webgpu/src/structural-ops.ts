import { ContrastiveInputError, formatShape, type MatmulOptions, type Shape, type StaticIndices } from '@contrastive/core';
import type { GpuTensor } from './gpu-tensor.js';
import { concatPartShader, maxSliceRank, sliceShader, takeAlongAxisShader, transposeShader } from './shaders/layout-shaders.js';
import { matmulShader } from './shaders/matmul-shader.js';
import { reductionShader } from './shaders/reduction-shader.js';
import type { WebGpuContext } from './webgpu-context.js';

const sizeOf = (shape: Shape) => shape.reduce((acc, extent) => acc * extent, 1);

export function resolveAxis(axis: number, shape: Shape, operation: string): number {
  const resolved = axis < 0 ? axis + shape.length : axis;
  if (!Number.isInteger(resolved) || resolved < 0 || resolved >= shape.length) {
    throw new ContrastiveInputError(`${operation} axis`, `an axis of a rank-${shape.length} tensor`, String(axis));
  }
  return resolved;
}

/** (outer, extent, inner) sizes around `axis`. */
function split(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

export function reduce(context: WebGpuContext, x: GpuTensor, axis: number, keepDims: boolean, kind: 'sum' | 'max'): GpuTensor {
  const resolved = resolveAxis(axis, context.live(x).shape, kind);
  const [outer, extent, inner] = split(x.shape, resolved);
  const kept = x.shape.map((value, i) => (i === resolved ? 1 : value));
  if (extent === 0) throw new ContrastiveInputError(kind, 'a non-empty axis', `shape ${formatShape(x.shape)}`);
  const out = context.allocate(keepDims ? kept : kept.filter((_, i) => i !== resolved));
  context.runner.run(reductionShader(kind), [outer * inner, extent, inner], [x, out], outer * inner);
  return out;
}

export function matmul(context: WebGpuContext, a: GpuTensor, b: GpuTensor, options: MatmulOptions = {}): GpuTensor {
  if (context.live(a).shape.length !== 2 || context.live(b).shape.length !== 2) {
    throw new ContrastiveInputError('matmul', 'rank-2 tensors', `${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const transposeA = !!options.transposeA;
  const transposeB = !!options.transposeB;
  const [n, k] = transposeA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const [kb, m] = transposeB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
  if (k !== kb) {
    throw new ContrastiveInputError('matmul', 'equal inner dimensions', `${formatShape(a.shape)} and ${formatShape(b.shape)} (transposeA ${transposeA}, transposeB ${transposeB})`);
  }
  const out = context.allocate([n, m]);
  const blocks = Math.ceil(n / 4) * Math.ceil(m / 4);
  if (k === 0) context.runner.clear(out.buffer, out.byteLength);
  else context.runner.run(matmulShader(transposeA, transposeB), [n, m, k], [a, b, out], blocks);
  return out;
}

export function transpose(context: WebGpuContext, x: GpuTensor): GpuTensor {
  if (context.live(x).shape.length !== 2) throw new ContrastiveInputError('transpose', 'a rank-2 tensor', `shape ${formatShape(x.shape)}`);
  const [rows, cols] = x.shape as [number, number];
  const out = context.allocate([cols, rows]);
  context.runner.run(transposeShader, [x.size, rows, cols], [x, out], x.size);
  return out;
}

export function slice(context: WebGpuContext, x: GpuTensor, begin: Shape, size: Shape): GpuTensor {
  const shape = context.live(x).shape;
  const valid = begin.length === shape.length && size.length === shape.length && shape.length <= maxSliceRank;
  if (!valid || shape.some((extent, i) => begin[i]! < 0 || size[i]! < 0 || begin[i]! + size[i]! > extent)) {
    throw new ContrastiveInputError('slice', `begin + size within ${formatShape(shape)}`, `begin ${formatShape(begin)}, size ${formatShape(size)}`);
  }
  const strides = shape.map((_, axis) => sizeOf(shape.slice(axis + 1)));
  const pad = (values: readonly number[], fill: number) => [...values, ...new Array<number>(maxSliceRank - values.length).fill(fill)];
  const out = context.allocate(size);
  context.runner.run(sliceShader, [out.size, shape.length, ...pad(size, 1), ...pad(strides, 0), ...pad(begin, 0)], [x, out], out.size);
  return out;
}

export function concat(context: WebGpuContext, xs: readonly GpuTensor[], axis: number): GpuTensor {
  if (xs.length === 0) throw new ContrastiveInputError('concat', 'at least one tensor', 'an empty list');
  const first = context.live(xs[0]!).shape;
  const resolved = resolveAxis(axis, first, 'concat');
  for (const x of xs) {
    const shape = context.live(x).shape;
    if (shape.length !== first.length || shape.some((extent, i) => i !== resolved && extent !== first[i])) {
      throw new ContrastiveInputError('concat', `shapes matching ${formatShape(first)} off axis ${resolved}`, `shape ${formatShape(shape)}`);
    }
  }
  const total = xs.reduce((acc, x) => acc + x.shape[resolved]!, 0);
  const out = context.allocate(first.map((extent, i) => (i === resolved ? total : extent)));
  let offset = 0;
  for (const x of xs) {
    const [, extent, inner] = split(x.shape, resolved);
    context.runner.run(concatPartShader, [x.size, extent, inner, total, offset], [x, out], x.size);
    offset += extent;
  }
  return out;
}

export function takeAlongAxis(context: WebGpuContext, x: GpuTensor, indices: StaticIndices, axis: number): GpuTensor {
  const shape = context.live(x).shape;
  const resolved = resolveAxis(axis, shape, 'takeAlongAxis');
  const [outer, extent, inner] = split(shape, resolved);
  const [indexOuter, picked, indexInner] = split(indices.shape, resolved);
  if (indices.shape.length !== shape.length || indexOuter !== outer || indexInner !== inner || indices.values.length !== sizeOf(indices.shape)) {
    throw new ContrastiveInputError('indices', `a table matching ${formatShape(shape)} off axis ${resolved}`, `shape ${formatShape(indices.shape)}`);
  }
  const bad = indices.values.findIndex((value) => value < 0 || value >= extent);
  if (bad >= 0) throw new ContrastiveInputError('indices', `values in [0, ${extent})`, `${indices.values[bad]} at flat index ${bad}`);
  const table = context.allocate([Math.max(1, indices.values.length)]);
  context.device.queue.writeBuffer(table.buffer, 0, Int32Array.from(indices.values));
  const out = context.allocate(indices.shape);
  context.runner.run(takeAlongAxisShader, [out.size, picked, inner, extent], [x, out, table], out.size);
  context.tracker.dispose(table);
  return out;
}

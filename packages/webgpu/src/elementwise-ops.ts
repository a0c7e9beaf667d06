import { ContrastiveInputError, formatShape, type Shape } from '@contrastive/core';
import type { GpuTensor } from './gpu-tensor.js';
import { elementwiseExpressions, elementwiseShader, maxElementwiseRank, type ElementwiseOp, type InputLayout } from './shaders/elementwise-shader.js';
import type { WebGpuContext } from './webgpu-context.js';

/** NumPy broadcasting of any number of shapes; throws `ContrastiveInputError` on incompatible extents. */
export function broadcastShapes(shapes: readonly Shape[], operation: string): number[] {
  const rank = Math.max(...shapes.map((shape) => shape.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const axis = rank - shape.length + i;
      const extent = shape[i]!;
      if (extent === out[axis] || extent === 1) continue;
      if (out[axis] !== 1) {
        throw new ContrastiveInputError(operation, 'shapes that broadcast together', shapes.map(formatShape).join(' and '));
      }
      out[axis] = extent;
    }
  }
  return out;
}

/** Row-major strides of `shape` aligned to the output's rank, 0 along broadcast axes. */
function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = new Array<number>(maxElementwiseRank).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = outShape.length - shape.length + i;
    strides[axis] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  return strides;
}

/**
 * Runs an elementwise primitive with broadcasting: one thread per output value. Inputs of the output's shape are
 * read by index, single values by 0, the rest through strides (a general index decomposition).
 */
export function elementwise(context: WebGpuContext, op: ElementwiseOp, inputs: readonly GpuTensor[]): GpuTensor {
  context.assertUsable();
  for (const input of inputs) context.live(input);
  const shape = broadcastShapes(
    inputs.map((input) => input.shape),
    op,
  );
  if (shape.length > maxElementwiseRank) {
    throw new ContrastiveInputError(op, `rank at most ${maxElementwiseRank}`, `shape ${formatShape(shape)}`);
  }
  const size = shape.reduce((acc, extent) => acc * extent, 1);
  const layouts: InputLayout[] = inputs.map((input) => {
    if (input.size === size && input.shape.length === shape.length) return 'same';
    return input.size === 1 ? 'scalar' : 'strided';
  });
  const params = [size, shape.length, ...padded(shape)];
  inputs.forEach((input) => params.push(...broadcastStrides(input.shape, shape)));
  const out = context.allocate(shape);
  context.runner.run(elementwiseShader(op, elementwiseExpressions[op], layouts), params, [...inputs, out], size);
  return out;
}

function padded(shape: Shape): number[] {
  const words = new Array<number>(maxElementwiseRank).fill(1);
  shape.forEach((extent, i) => (words[i] = extent));
  return words;
}

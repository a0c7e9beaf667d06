import { checkDeviceRead, ContrastiveInputError, formatShape, type Shape, type TensorBackend } from '@contrastive/core';
import type { GpuTensor } from './gpu-tensor.js';
import { floatBits } from './kernel-runner.js';
import { fillValues, fromArrayValues } from './known-values.js';
import { fillShader } from './shaders/layout-shaders.js';
import { tensorUsage, type WebGpuContext } from './webgpu-context.js';

/** Values in and out of the backend: host arrays, constants, user `GPUBuffer`s, and what core knows of them. */
export interface HostTransfer {
  fromArray(values: ArrayLike<number>, shape: Shape): GpuTensor;
  fill(shape: Shape, value: number): GpuTensor;
  fromBuffer(buffer: GPUBuffer, shape: Shape): GpuTensor;
  bufferOf(x: GpuTensor): GPUBuffer;
  takeBuffer(x: GpuTensor): GPUBuffer;
  /** Reads `x`; a result of a loss call whose inputs were checked on the device goes through `checkDeviceRead`. */
  read(x: GpuTensor): Promise<Float32Array>;
  isDisposed(x: GpuTensor): boolean;
  knownValues(x: GpuTensor): ArrayLike<number> | undefined;
}

/** `backend()` is the finished backend (with its fused kernels), which `checkDeviceRead` reads the input flags with. */
export function hostTransfer(context: WebGpuContext, backend: () => TensorBackend<GpuTensor>): HostTransfer {
  return {
    fromArray(values, shape) {
      checkShape(shape, 'shape');
      const size = shape.reduce((acc, extent) => acc * extent, 1);
      if (values.length !== size) throw new ContrastiveInputError('values', `${size} values for shape ${formatShape(shape)}`, `${values.length} values`);
      const out = context.allocate(shape);
      const uploaded = Float32Array.from(values);
      if (size > 0) context.device.queue.writeBuffer(out.buffer, 0, uploaded);
      out.storage.known = fromArrayValues(values, uploaded);
      return out;
    },
    fill(shape, value) {
      checkShape(shape, 'shape');
      const out = context.allocate(shape);
      context.runner.run(fillShader, [out.size, floatBits(value)], [out], out.size);
      out.storage.known = fillValues(out.size, value);
      return out;
    },
    fromBuffer: (buffer, shape) => (checkShape(shape, 'shape'), context.wrap(buffer, shape)),
    bufferOf(x) {
      // The caller may write into the buffer: what the host knew of its values no longer holds.
      context.live(x).storage.known = undefined;
      return x.buffer;
    },
    takeBuffer(x) {
      context.live(x);
      const buffer = context.device.createBuffer({ size: x.byteLength, usage: tensorUsage });
      context.runner.copy(x.buffer, buffer, x.byteLength);
      context.tracker.dispose(x);
      return buffer;
    },
    read: async (x) => checkDeviceRead(backend(), x, await context.read(x)),
    isDisposed: (x) => x.disposed,
    knownValues: (x) => (x.disposed ? undefined : x.storage.known?.()),
  };
}

export function checkShape(shape: Shape, argument: string): void {
  if (!Array.isArray(shape) || shape.some((extent) => !Number.isInteger(extent) || extent < 0)) {
    throw new ContrastiveInputError(argument, 'an array of non-negative integer extents', JSON.stringify(shape));
  }
}

/**
 * @contrastive/webgpu: core's tensor-backend interface in hand-written WGSL, with a fused, tiled
 * similarity cross-entropy (the InfoNCE family) whose memory grows with N x D, never N x N.
 *
 * @packageDocumentation
 */
export { createWebGpuBackend } from './webgpu-backend.js';
export type { WebGpuBackend, WebGpuBackendOptions } from './webgpu-backend.js';
export type { DeviceOptions, WebGpuLimits } from './device-acquisition.js';
export { GpuTensor } from './gpu-tensor.js';
export type { GpuStorage } from './gpu-tensor.js';
export type { KnownValues } from './known-values.js';
export type { BufferPoolStats } from './buffer-pool.js';
export {
  WebGpuBackendError,
  WebGpuDeviceLostError,
  WebGpuOutOfMemoryError,
  WebGpuUnavailableError,
} from './errors.js';
export type { WebGpuFailure } from './errors.js';

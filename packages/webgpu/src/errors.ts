/**
 * Typed failures of the WebGPU backend. Bad input to a primitive or a loss is a `ContrastiveInputError` (core);
 * these errors are about the GPU itself: no adapter, a lost device, or memory that cannot be had.
 */
export type WebGpuFailure = 'unavailable' | 'device-lost' | 'out-of-memory';

export class WebGpuBackendError extends Error {
  override readonly name: string = 'WebGpuBackendError';
  readonly failure: WebGpuFailure;

  constructor(failure: WebGpuFailure, message: string) {
    super(message);
    this.failure = failure;
  }
}

/** No `navigator.gpu` (and no `gpu` option), no adapter, or `requestDevice` refused. */
export class WebGpuUnavailableError extends WebGpuBackendError {
  override readonly name = 'WebGpuUnavailableError';
  constructor(message: string) {
    super('unavailable', `WebGPU is unavailable: ${message}`);
  }
}

/**
 * The device was lost (destroyed, driver reset, GPU removed). The backend is unusable from then on; create a new
 * one with `createWebGpuBackend()` (it requests a fresh device).
 */
export class WebGpuDeviceLostError extends WebGpuBackendError {
  override readonly name = 'WebGpuDeviceLostError';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super('device-lost', `WebGPU device lost (${reason})${message ? `: ${message}` : ''}; create a new backend`);
    this.reason = reason;
  }
}

/** An allocation above the adapter's limits, or one the device reported as out of memory. */
export class WebGpuOutOfMemoryError extends WebGpuBackendError {
  override readonly name = 'WebGpuOutOfMemoryError';
  readonly requestedBytes: number | undefined;
  constructor(message: string, requestedBytes?: number) {
    super('out-of-memory', `WebGPU out of memory: ${message}`);
    this.requestedBytes = requestedBytes;
  }
}

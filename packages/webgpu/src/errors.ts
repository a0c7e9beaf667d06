/**
 * Typed failures of the WebGPU backend. Bad input to a primitive or a loss is a `ContrastiveInputError` (core);
 * these errors are about the GPU itself: no adapter, a lost device, or memory that cannot be had.
 *
 * @example
 * if (error instanceof WebGpuBackendError && error.failure === 'device-lost') backend = await createWebGpuBackend();
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export type WebGpuFailure = 'unavailable' | 'device-lost' | 'out-of-memory';

/**
 * The base class of the WebGPU backend's own errors; `failure` tells which one.
 *
 * @example
 * try {
 *   backend = await createWebGpuBackend();
 * } catch (error) {
 *   if (error instanceof WebGpuBackendError && error.failure === 'unavailable') backend = createReferenceBackend();
 *   else throw error;
 * }
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export class WebGpuBackendError extends Error {
  /** The class name, for logs. */
  override readonly name: string = 'WebGpuBackendError';
  /** Which failure: `'unavailable'`, `'device-lost'` or `'out-of-memory'`. */
  readonly failure: WebGpuFailure;

  constructor(failure: WebGpuFailure, message: string) {
    super(message);
    this.failure = failure;
  }
}

/**
 * No `navigator.gpu` (and no `gpu` option), no adapter, or `requestDevice` refused.
 *
 * @see [WebGPU backend](/backends/webgpu)
 *
 * @example
 * const backend = await createWebGpuBackend().catch((error) => {
 *   if (error instanceof WebGpuUnavailableError) return createReferenceBackend();
 *   throw error;
 * });
 */
export class WebGpuUnavailableError extends WebGpuBackendError {
  /** The class name, for logs. */
  override readonly name = 'WebGpuUnavailableError';
  constructor(message: string) {
    super('unavailable', `WebGPU is unavailable: ${message}`);
  }
}

/**
 * The device was lost (destroyed, driver reset, GPU removed). The backend is unusable from then on; create a new
 * one with `createWebGpuBackend()` (it requests a fresh device).
 *
 * @see [WebGPU backend](/backends/webgpu)
 *
 * @example
 * backend.lost.then((error) => console.warn(error.reason)); // e.g. 'destroyed'
 */
export class WebGpuDeviceLostError extends WebGpuBackendError {
  /** The class name, for logs. */
  override readonly name = 'WebGpuDeviceLostError';
  /** The reason the device gave (`GPUDeviceLostInfo.reason`, e.g. `'destroyed'`). */
  readonly reason: string;
  constructor(reason: string, message: string) {
    super('device-lost', `WebGPU device lost (${reason})${message ? `: ${message}` : ''}; create a new backend`);
    this.reason = reason;
  }
}

/**
 * An allocation above the adapter's limits, or one the device reported as out of memory.
 *
 * @see [WebGPU backend](/backends/webgpu)
 *
 * @example
 * try {
 *   backend.fill([1 << 20, 1 << 20], 0);
 * } catch (error) {
 *   if (error instanceof WebGpuOutOfMemoryError) console.warn(error.requestedBytes);
 * }
 */
export class WebGpuOutOfMemoryError extends WebGpuBackendError {
  /** The class name, for logs. */
  override readonly name = 'WebGpuOutOfMemoryError';
  /** The size of the allocation that failed, when known. */
  readonly requestedBytes: number | undefined;
  constructor(message: string, requestedBytes?: number) {
    super('out-of-memory', `WebGPU out of memory: ${message}`);
    this.requestedBytes = requestedBytes;
  }
}

import { WebGpuUnavailableError } from './errors.js';

/**
 * How to get a device. With `device`, nothing is requested; otherwise an adapter of `gpu` (or `navigator.gpu`).
 *
 * @example
 * import { create, globals } from 'webgpu'; // Node (Dawn)
 * Object.assign(globalThis, globals);
 * const backend = await createWebGpuBackend({ gpu: create([]) });
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export interface DeviceOptions {
  /** A device the caller owns (shared with their own pipelines). The backend never destroys it. */
  readonly device?: GPUDevice;
  /** The `GPU` object to ask for an adapter: in Node, `create([])` from the `webgpu` package (Dawn). */
  readonly gpu?: GPU;
  /** Passed to `requestAdapter` (for example `{ featureLevel: 'compatibility' }` on Dawn's GLES backend). */
  readonly adapterOptions?: GPURequestAdapterOptions;
}

/**
 * The limits the kernels size themselves by, read from the device (never assumed).
 *
 * @example
 * console.log(backend.limits.maxStorageBufferBindingSize);
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export interface WebGpuLimits {
  /** The largest storage buffer binding, in bytes. */
  readonly maxStorageBufferBindingSize: number;
  /** The largest buffer, in bytes. */
  readonly maxBufferSize: number;
  /** The most workgroups per dispatch dimension. */
  readonly maxComputeWorkgroupsPerDimension: number;
  /** The most invocations (threads) per workgroup. */
  readonly maxComputeInvocationsPerWorkgroup: number;
  /** The most storage buffers one shader stage binds. */
  readonly maxStorageBuffersPerShaderStage: number;
}

/** Limits worth raising to the adapter's maximum when the backend requests the device itself. */
const raisedLimits = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
] as const;

export interface AcquiredDevice {
  readonly device: GPUDevice;
  readonly ownsDevice: boolean;
  readonly adapterInfo: string;
  /**
   * The `GPU` object and adapter the device came from, when the backend requested it. The backend holds them
   * for its lifetime: in Node, Dawn aborts the process if the `GPU` object is garbage-collected while one of its
   * devices is in use (`createWebGpuBackend({ gpu: create([]) })` keeps no other reference).
   */
  readonly origin?: { readonly gpu: GPU; readonly adapter: GPUAdapter };
}

export async function acquireDevice(options: DeviceOptions): Promise<AcquiredDevice> {
  if (options.device) return { device: options.device, ownsDevice: false, adapterInfo: 'user device' };
  const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) {
    throw new WebGpuUnavailableError(
      "no navigator.gpu; in Node pass { gpu: create([]) } from the 'webgpu' package, in Chromium enable WebGPU",
    );
  }
  const adapter = await gpu.requestAdapter(options.adapterOptions);
  if (!adapter) throw new WebGpuUnavailableError('requestAdapter() returned no adapter (no driver, or WebGPU disabled)');
  const requiredLimits: Record<string, number> = {};
  for (const name of raisedLimits) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  try {
    const device = await adapter.requestDevice({ requiredLimits, label: 'contrastive-webgpu' });
    const info = adapter.info as GPUAdapterInfo | undefined;
    const adapterInfo = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') : '';
    return { device, ownsDevice: true, adapterInfo, origin: { gpu, adapter } };
  } catch (error) {
    throw new WebGpuUnavailableError(`requestDevice() failed: ${(error as Error).message}`);
  }
}

export function readLimits(device: GPUDevice): WebGpuLimits {
  const limits = device.limits;
  return {
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxBufferSize: limits.maxBufferSize,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
  };
}

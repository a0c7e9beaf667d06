import { ContrastiveInputError, formatShape, TensorTracker, type Shape } from '@contrastive/core';
import { BufferPool } from './buffer-pool.js';
import { readLimits, type AcquiredDevice, type WebGpuLimits } from './device-acquisition.js';
import { WebGpuBackendError, WebGpuDeviceLostError, WebGpuOutOfMemoryError } from './errors.js';
import { GpuStorage, GpuTensor } from './gpu-tensor.js';
import { KernelRunner } from './kernel-runner.js';

/** GPUBufferUsage STORAGE | COPY_SRC | COPY_DST, and MAP_READ | COPY_DST for read-back staging. */
export const tensorUsage = 0x80 | 0x04 | 0x08;
const stagingUsage = 0x01 | 0x08;

/**
 * Everything one backend instance shares: the device, its limits, the buffer pool, compiled kernels, the live
 * tensor tracker and the device's health (loss, out-of-memory reported asynchronously by the device).
 */
export class WebGpuContext {
  readonly device: GPUDevice;
  readonly limits: WebGpuLimits;
  readonly pool: BufferPool;
  readonly runner: KernelRunner;
  readonly tracker: TensorTracker<GpuTensor>;
  readonly lost: Promise<WebGpuDeviceLostError>;
  readonly adapterInfo: string;
  private readonly ownsDevice: boolean;
  /** Held so that Dawn's `GPU` object outlives the device (see `AcquiredDevice.origin`); dropped by `destroy`. */
  private origin: AcquiredDevice['origin'];
  private destroyed = false;
  private lostError: WebGpuDeviceLostError | undefined;
  private pendingError: WebGpuBackendError | Error | undefined;

  constructor(acquired: AcquiredDevice) {
    this.device = acquired.device;
    this.adapterInfo = acquired.adapterInfo;
    this.ownsDevice = acquired.ownsDevice;
    this.origin = acquired.origin;
    this.limits = readLimits(this.device);
    this.pool = new BufferPool(this.device);
    this.runner = new KernelRunner(this.device, this.pool, this.limits);
    this.tracker = new TensorTracker<GpuTensor>((tensor) => this.release(tensor), (value): value is GpuTensor => this.owns(value));
    this.lost = this.device.lost.then((info) => {
      this.lostError = new WebGpuDeviceLostError(info.reason ?? 'unknown', info.message ?? '');
      return this.lostError;
    });
    this.device.addEventListener?.('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      const message = error?.message ?? String(error);
      this.pendingError ??=
        error?.constructor?.name === 'GPUOutOfMemoryError'
          ? new WebGpuOutOfMemoryError(message)
          : new Error(`WebGPU error reported by the device: ${message}`);
    });
  }

  owns(value: unknown): value is GpuTensor {
    return value instanceof GpuTensor && value.owner === this;
  }

  /** Throws the typed error for a lost device, or one the device reported since the last call. */
  assertUsable(): void {
    if (this.destroyed) throw new WebGpuDeviceLostError('destroyed', 'backend.destroy() was called');
    if (this.lostError) throw this.lostError;
    const pending = this.pendingError;
    if (pending) {
      this.pendingError = undefined;
      throw pending;
    }
  }

  /** A new tensor of `shape` backed by a pooled buffer (values undefined until a kernel writes them). */
  allocate(shape: Shape): GpuTensor {
    this.assertUsable();
    const size = shape.reduce((acc, extent) => acc * extent, 1);
    const bytes = Math.max(4, size * 4);
    const limit = Math.min(this.limits.maxBufferSize, this.limits.maxStorageBufferBindingSize);
    if (bytes > limit) {
      throw new WebGpuOutOfMemoryError(
        `a tensor of shape ${formatShape(shape)} needs ${bytes} bytes, above this device's maxStorageBufferBindingSize ` +
          `(${this.limits.maxStorageBufferBindingSize}) or maxBufferSize (${this.limits.maxBufferSize})`,
        bytes,
      );
    }
    return this.tracker.track(new GpuTensor(new GpuStorage(this.pool.acquire(bytes, tensorUsage), true), shape, this));
  }

  /** A new tensor sharing `source`'s values (no copy): reshape. */
  view(source: GpuTensor, shape: Shape): GpuTensor {
    this.live(source).storage.references++;
    return this.tracker.track(new GpuTensor(source.storage, shape, this));
  }

  /** Wraps a buffer the caller owns; disposing the tensor leaves the buffer alone. */
  wrap(buffer: GPUBuffer, shape: Shape): GpuTensor {
    this.assertUsable();
    const size = shape.reduce((acc, extent) => acc * extent, 1);
    if ((buffer.usage & 0x80) === 0) {
      throw new ContrastiveInputError('buffer', 'a GPUBuffer with STORAGE usage', `usage flags ${buffer.usage}`);
    }
    if (buffer.size < size * 4) {
      throw new ContrastiveInputError('buffer', `at least ${size * 4} bytes for shape ${formatShape(shape)}`, `${buffer.size} bytes`);
    }
    return this.tracker.track(new GpuTensor(new GpuStorage(buffer, false), shape, this));
  }

  live(tensor: GpuTensor): GpuTensor {
    if (!this.owns(tensor)) throw new ContrastiveInputError('tensor', 'a tensor of this webgpu backend', String(tensor));
    if (tensor.disposed) throw new Error('webgpu backend: tensor used after dispose');
    return tensor;
  }

  async read(tensor: GpuTensor): Promise<Float32Array> {
    this.assertUsable();
    const bytes = this.live(tensor).size * 4;
    if (bytes === 0) return new Float32Array(0);
    const staging = this.pool.acquire(bytes, stagingUsage);
    this.runner.copy(tensor.buffer, staging, bytes);
    try {
      await staging.mapAsync(0x0001, 0, Math.ceil(bytes / 4) * 4);
    } catch (error) {
      // A failed map usually means the device is gone: prefer the typed error when the loss is already known.
      await Promise.race([this.lost, Promise.resolve()]);
      this.assertUsable();
      throw error;
    }
    const values = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    this.pool.release(staging);
    this.assertUsable();
    return values;
  }

  /**
   * Frees pooled buffers, destroys the device when the backend requested it, and lets go of the `GPU` object and
   * adapter, so that nothing of this backend keeps Dawn alive. Every later call throws `WebGpuDeviceLostError`.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pool.trim(0);
    if (this.ownsDevice) this.device.destroy();
    this.origin = undefined;
  }

  private release(tensor: GpuTensor): void {
    tensor.disposed = true;
    const storage = tensor.storage;
    if (--storage.references === 0 && storage.owned) this.pool.release(storage.buffer);
  }
}

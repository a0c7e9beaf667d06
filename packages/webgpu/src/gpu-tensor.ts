import type { Shape } from '@contrastive/core';
import type { KnownValues } from './known-values.js';

/**
 * A GPU buffer shared by tensors that view the same values (a reshape shares its input's storage).
 *
 * @example
 * const shared = backend.reshape(x, [4]).storage === x.storage; // true: a reshape shares its input's storage
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export class GpuStorage {
  /** How many tensors view this storage; the buffer goes back to the pool when it drops to 0. */
  references = 1;
  /**
   * The values as the host gave them (`fromArray`, a small `fill`), for core's host checks; undefined for values
   * computed on the GPU, for user buffers, and once the buffer was handed out (`bufferOf`), as it may be written.
   */
  known: KnownValues | undefined;
  constructor(
    /** The buffer holding the values. */
    readonly buffer: GPUBuffer,
    /** False for buffers the user passed in (`fromBuffer`): never released to the pool nor destroyed. */
    readonly owned: boolean,
  ) {}
}

/**
 * A float32 tensor of the WebGPU backend: a shape over `size` values at the start of a storage buffer. Made by the
 * backend (`fromArray`, `fill`, `fromBuffer`, every primitive), never constructed directly.
 *
 * @example
 * const x = backend.fromArray([1, 2, 3, 4], [2, 2]);
 * console.log(x.shape, x.size, backend.bufferOf(x).size); // [2, 2] 4 16
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export class GpuTensor {
  /** True once the backend disposed it. */
  disposed = false;
  /** The number of values (the product of `shape`). */
  readonly size: number;

  constructor(
    /** The storage it views (shared with reshapes of it). */
    readonly storage: GpuStorage,
    /** The tensor's shape. */
    readonly shape: Shape,
    /** The backend that made it (`isTensor` is true only for the owner's tensors). */
    readonly owner: object,
  ) {
    this.size = shape.reduce((acc, extent) => acc * extent, 1);
  }

  /** The storage buffer; the values are its first `4 * size` bytes. */
  get buffer(): GPUBuffer {
    return this.storage.buffer;
  }

  /** Bytes of the values (at least 4, as WebGPU bindings cannot be empty). */
  get byteLength(): number {
    return Math.max(4, this.size * 4);
  }
}

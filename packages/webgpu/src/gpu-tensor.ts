import type { Shape } from '@contrastive/core';
import type { KnownValues } from './known-values.js';

/** A GPU buffer shared by tensors that view the same values (a reshape shares its input's storage). */
export class GpuStorage {
  references = 1;
  /**
   * The values as the host gave them (`fromArray`, a small `fill`), for core's host checks; undefined for values
   * computed on the GPU, for user buffers, and once the buffer was handed out (`bufferOf`), as it may be written.
   */
  known: KnownValues | undefined;
  constructor(
    readonly buffer: GPUBuffer,
    /** False for buffers the user passed in (`fromBuffer`): never released to the pool nor destroyed. */
    readonly owned: boolean,
  ) {}
}

/** A float32 tensor of the WebGPU backend: a shape over `size` values at the start of a storage buffer. */
export class GpuTensor {
  disposed = false;
  readonly size: number;

  constructor(
    readonly storage: GpuStorage,
    readonly shape: Shape,
    /** The backend that made it (`isTensor` is true only for the owner's tensors). */
    readonly owner: object,
  ) {
    this.size = shape.reduce((acc, extent) => acc * extent, 1);
  }

  get buffer(): GPUBuffer {
    return this.storage.buffer;
  }

  /** Bytes of the values (at least 4, as WebGPU bindings cannot be empty). */
  get byteLength(): number {
    return Math.max(4, this.size * 4);
  }
}

/**
 * Statistics of a `BufferPool`, for leak checks and for showing that no allocation grows with N x N.
 *
 * @example
 * const { liveBuffers, peakAllocatedBytes } = backend.poolStats();
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export interface BufferPoolStats {
  /** Buffers handed out and not yet released. */
  readonly liveBuffers: number;
  /** Buffers created so far (a reused buffer counts once). */
  readonly createdBuffers: number;
  /** Bytes of the largest buffer ever created. */
  readonly largestBufferBytes: number;
  /** Bytes currently held by created buffers (handed out or waiting in the pool). */
  readonly allocatedBytes: number;
  /** Highest `allocatedBytes` seen. */
  readonly peakAllocatedBytes: number;
}

/**
 * Reuses `GPUBuffer`s by (rounded size, usage). Sizes round up to a power of two below 1 MiB and to a multiple of
 * 1 MiB above, so a training loop's repeated shapes hit the pool. Released buffers wait in the pool until it holds
 * more than `retainedBytes`, then the oldest are destroyed.
 */
export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly sizes = new Map<GPUBuffer, number>();
  private freeBytes = 0;
  private live = 0;
  private created = 0;
  private largest = 0;
  private allocated = 0;
  private peak = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly retainedBytes = 256 * 2 ** 20,
  ) {}

  static roundSize(bytes: number): number {
    const atLeast = Math.max(16, Math.ceil(bytes / 4) * 4);
    const mebibyte = 2 ** 20;
    if (atLeast >= mebibyte) return Math.ceil(atLeast / mebibyte) * mebibyte;
    return 2 ** Math.ceil(Math.log2(atLeast));
  }

  acquire(bytes: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const size = BufferPool.roundSize(bytes);
    const key = `${usage}:${size}`;
    const reused = this.free.get(key)?.pop();
    this.live++;
    if (reused) {
      this.freeBytes -= size;
      return reused;
    }
    const buffer = this.device.createBuffer({ size, usage });
    this.sizes.set(buffer, size);
    this.created++;
    this.largest = Math.max(this.largest, size);
    this.allocated += size;
    this.peak = Math.max(this.peak, this.allocated);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const size = this.sizes.get(buffer);
    if (size === undefined) return;
    this.live--;
    const key = `${buffer.usage}:${size}`;
    const list = this.free.get(key) ?? [];
    list.push(buffer);
    this.free.set(key, list);
    this.freeBytes += size;
    if (this.freeBytes > this.retainedBytes) this.trim(this.retainedBytes / 2);
  }

  /** Destroys pooled (released) buffers until at most `keepBytes` remain in the pool. */
  trim(keepBytes = 0): void {
    for (const [key, list] of this.free) {
      while (list.length > 0 && this.freeBytes > keepBytes) this.destroy(list.shift()!);
      if (list.length === 0) this.free.delete(key);
    }
  }

  stats(): BufferPoolStats {
    return {
      liveBuffers: this.live,
      createdBuffers: this.created,
      largestBufferBytes: this.largest,
      allocatedBytes: this.allocated,
      peakAllocatedBytes: this.peak,
    };
  }

  private destroy(buffer: GPUBuffer): void {
    const size = this.sizes.get(buffer)!;
    this.sizes.delete(buffer);
    this.freeBytes -= size;
    this.allocated -= size;
    buffer.destroy();
  }
}

import type { BufferPool } from './buffer-pool.js';
import type { WebGpuLimits } from './device-acquisition.js';
import { WebGpuOutOfMemoryError } from './errors.js';
import { negativeInfinityBits, paramWords, workgroupSize } from './shaders/prelude.js';

/** One storage binding: a buffer and the bytes of it the kernel sees. */
export interface Binding {
  readonly buffer: GPUBuffer;
  readonly byteLength: number;
}

/** A WGSL program by cache key; `code` runs once per key. */
export interface KernelSource {
  readonly key: string;
  readonly code: () => string;
}

const uniformUsage = 0x40 | 0x08; // GPUBufferUsage.UNIFORM | COPY_DST (constants, so no global is needed)

/** The bits of a float32, for passing floats through the u32 parameter block. */
export function floatBits(value: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return view.getUint32(0, true);
}

/**
 * Compiles WGSL once per key and dispatches it: binding 0 is the parameter block (`paramWords` u32 words), the
 * following bindings are storage buffers in the order the shader declares them. Each dispatch is submitted at
 * once, so pooled parameter buffers can be rewritten by the next call (queue order keeps them apart).
 */
export class KernelRunner {
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
    private readonly limits: WebGpuLimits,
  ) {}

  run(source: KernelSource, params: readonly number[], bindings: readonly Binding[], invocations: number): void {
    if (invocations <= 0) return;
    const pipeline = this.pipeline(source);
    const words = new Uint32Array(paramWords);
    if (params.length >= paramWords) throw new Error(`${source.key}: ${params.length} parameters, at most ${paramWords - 1}`);
    words.set(params.map((value) => value >>> 0));
    words[paramWords - 1] = negativeInfinityBits;
    const uniform = this.pool.acquire(words.byteLength, uniformUsage);
    this.device.queue.writeBuffer(uniform, 0, words);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform, size: words.byteLength } }];
    bindings.forEach((binding, index) => {
      this.checkBinding(source.key, binding.byteLength);
      entries.push({ binding: index + 1, resource: { buffer: binding.buffer, size: binding.byteLength } });
    });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const [x, y] = this.grid(Math.ceil(invocations / workgroupSize));
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    this.pool.release(uniform);
  }

  /** Zeroes the first `byteLength` bytes (a multiple of 4) of a buffer. */
  clear(buffer: GPUBuffer, byteLength: number): void {
    const encoder = this.device.createCommandEncoder();
    encoder.clearBuffer(buffer, 0, Math.ceil(byteLength / 4) * 4);
    this.device.queue.submit([encoder.finish()]);
  }

  copy(source: GPUBuffer, target: GPUBuffer, byteLength: number): void {
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, target, 0, Math.ceil(byteLength / 4) * 4);
    this.device.queue.submit([encoder.finish()]);
  }

  private pipeline(source: KernelSource): GPUComputePipeline {
    let pipeline = this.pipelines.get(source.key);
    if (!pipeline) {
      const module = this.device.createShaderModule({ code: source.code(), label: source.key });
      pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: source.key });
      this.pipelines.set(source.key, pipeline);
    }
    return pipeline;
  }

  /** Workgroups as a 2-D grid within `maxComputeWorkgroupsPerDimension`; shaders rebuild the linear index. */
  private grid(groups: number): [number, number] {
    const perDimension = this.limits.maxComputeWorkgroupsPerDimension;
    const x = Math.min(groups, perDimension);
    const y = Math.ceil(groups / x);
    if (y > perDimension) {
      throw new WebGpuOutOfMemoryError(`${groups} workgroups exceed maxComputeWorkgroupsPerDimension^2 (${perDimension}^2)`);
    }
    return [x, y];
  }

  private checkBinding(key: string, byteLength: number): void {
    if (byteLength > this.limits.maxStorageBufferBindingSize) {
      throw new WebGpuOutOfMemoryError(
        `${key} binds ${byteLength} bytes, above maxStorageBufferBindingSize (${this.limits.maxStorageBufferBindingSize})`,
        byteLength,
      );
    }
  }
}

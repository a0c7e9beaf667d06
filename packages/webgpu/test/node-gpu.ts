/**
 * Test support for Node: Dawn through the `webgpu` package (needs a Vulkan driver: scripts/install-system-deps.sh).
 * One `GPU` object per test file; each backend requests its own device.
 */
import { create, globals } from 'webgpu';
import { createWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions } from '../src/index.js';

let gpu: GPU | undefined;

/** Dawn's `GPUBufferUsage`, `GPUMapMode`, ... as globals, as in a browser. */
Object.assign(globalThis, globals);

export function nodeGpu(): GPU {
  gpu ??= create([]);
  return gpu;
}

export function createNodeBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  return createWebGpuBackend({ gpu: nodeGpu(), ...options });
}

import { ContrastiveInputError, computeLossAndGradients, createReferenceBackend, ntXent } from '@contrastive/core';
import { expectClose } from '../test/compare.js';
import { describe, expect, it } from 'vitest';
import { createNodeBackend, nodeGpu } from '../test/node-gpu.js';
import { createWebGpuBackend, WebGpuDeviceLostError, WebGpuOutOfMemoryError, WebGpuUnavailableError } from './index.js';

describe('typed errors', () => {
  it('reports a missing WebGPU and a missing adapter as WebGpuUnavailableError', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createWebGpuBackend({ gpu: noAdapter })).rejects.toThrow(WebGpuUnavailableError);
    if (!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
      await expect(createWebGpuBackend()).rejects.toThrow(/no navigator\.gpu/);
    }
  });

  it('reports allocations above the device limits as WebGpuOutOfMemoryError, leaking nothing', async () => {
    const backend = await createNodeBackend();
    const before = backend.liveCount();
    const rows = Math.ceil(backend.limits.maxStorageBufferBindingSize / 4 / 1024) + 1;
    expect(() => backend.fill([rows, 1024], 0)).toThrow(WebGpuOutOfMemoryError);
    expect(backend.liveCount()).toBe(before);
    backend.destroy();
  });

  it('after a device loss, operations throw WebGpuDeviceLostError and a new backend works', async () => {
    const backend = await createNodeBackend();
    const x = backend.fromArray([1, 2], [2]);
    backend.device.destroy();
    const lost = await backend.lost;
    expect(lost).toBeInstanceOf(WebGpuDeviceLostError);
    expect(lost.reason).toBe('destroyed');
    expect(() => backend.add(x, x)).toThrow(WebGpuDeviceLostError);
    await expect(backend.read(x)).rejects.toThrow(WebGpuDeviceLostError);
    backend.dispose(x);
    expect(backend.liveCount()).toBe(0);
    const fresh = await createNodeBackend();
    expect(Array.from(await fresh.read(fresh.add(fresh.fromArray([1, 2], [2]), fresh.fill([], 1))))).toEqual([2, 3]);
    fresh.destroy();
  });

  it('rejects bad primitive input with ContrastiveInputError naming the argument', async () => {
    const backend = await createNodeBackend();
    expect(() => backend.fromArray([1, 2, 3], [2, 2])).toThrow(ContrastiveInputError);
    const x = backend.fromArray([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => backend.matmul(x, x)).toThrow(/matmul/);
    expect(() => backend.add(x, backend.fill([2], 1))).toThrow(ContrastiveInputError);
    expect(() => backend.slice(x, [0, 2], [2, 2])).toThrow(ContrastiveInputError);
    expect(() => backend.fromBuffer(backend.device.createBuffer({ size: 8, usage: 0x80 }), [4])).toThrow(/buffer/);
    backend.destroy();
  });
});

describe('GPU-resident buffers', () => {
  it('takes a user GPUDevice and GPUBuffers as inputs and returns gradients as GPUBuffers', async () => {
    const adapter = await nodeGpu().requestAdapter();
    const device = await adapter!.requestDevice();
    const backend = await createWebGpuBackend({ device });
    const values = [1, 2, 0.5, 0.3, -1, 2, 2, 0, 1, 1.1, 1.7, 0.2];
    const userBuffer = (data: number[]) => {
      const buffer = device.createBuffer({ size: data.length * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
      new Float32Array(buffer.getMappedRange()).set(data);
      buffer.unmap();
      return buffer;
    };
    const [anchorsBuffer, positivesBuffer] = [userBuffer(values.slice(0, 6)), userBuffer(values.slice(6))];
    const anchors = backend.fromBuffer(anchorsBuffer, [2, 3]);
    const positives = backend.fromBuffer(positivesBuffer, [2, 3]);
    const { loss, gradients } = computeLossAndGradients(backend, ntXent, { anchors, positives }, { temperature: 0.2 });
    const gradientBuffer = backend.takeBuffer(gradients.anchors!);
    expect(gradientBuffer.size).toBeGreaterThanOrEqual(24);

    const staging = device.createBuffer({ size: 24, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(gradientBuffer, 0, staging, 0, 24);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const fromBuffer = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    const reference = createReferenceBackend();
    const expected = computeLossAndGradients(reference, ntXent, {
      anchors: reference.fromArray(values.slice(0, 6), [2, 3]),
      positives: reference.fromArray(values.slice(6), [2, 3]),
    }, { temperature: 0.2 });
    expectClose(fromBuffer, reference.readSync!(expected.gradients.anchors!), 1e-4, 1e-5);

    for (const t of [loss, gradients.positives!, anchors, positives]) backend.dispose(t);
    expect(backend.liveCount()).toBe(0);
    backend.destroy();
    // The user's device and buffers outlive the backend: copy from one to prove it is still usable.
    device.pushErrorScope('validation');
    const check = device.createCommandEncoder();
    check.copyBufferToBuffer(anchorsBuffer, 0, gradientBuffer, 0, 24);
    device.queue.submit([check.finish()]);
    expect(await device.popErrorScope()).toBeNull();
    gradientBuffer.destroy();
    device.destroy();
  });
});

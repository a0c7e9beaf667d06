// The backend's contract hooks (knownValues, isDisposed), its memory budget and its lifetime (destroy).
import { composedWorkingMatrices, computeLoss, computeLossAndGradients, ContrastiveResourceError, ntXent } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { randomValues } from '../test/compare.js';
import { createNodeBackend, nodeGpu } from '../test/node-gpu.js';
import { createWebGpuBackend, WebGpuDeviceLostError } from './index.js';
import { largestKnownFill } from './known-values.js';

describe('knownValues: what the host gave, never what the GPU computed', () => {
  it('keeps fromArray data (the uploaded float32 copy, or as given where rounding changes a check) for reshapes too', async () => {
    const backend = await createNodeBackend();
    const given = [0.5, -2, 3];
    const exact = backend.fromArray(given, [3]);
    expect(backend.knownValues(exact)).toBeInstanceOf(Float32Array);
    expect(Array.from(backend.knownValues(exact)!)).toEqual(given);
    given[0] = 99; // the caller's array is copied
    expect(backend.knownValues(exact)![0]).toBe(0.5);
    expect(backend.knownValues(backend.fromArray([0.1, Math.PI], [2]))).toBeInstanceOf(Float32Array); // rounding is harmless
    const inexact = backend.fromArray([0.1, 1e39], [2, 1]); // 1e39 overflows float32: kept as given
    expect(Array.from(backend.knownValues(inexact)!)).toEqual([0.1, 1e39]);
    expect(Array.from(backend.knownValues(backend.reshape(inexact, [2]))!)).toEqual([0.1, 1e39]);
    expect(backend.knownValues(backend.add(exact, exact))).toBeUndefined();
    backend.dispose(exact);
    expect(backend.isDisposed(exact)).toBe(true);
    expect(backend.knownValues(exact)).toBeUndefined();
    backend.destroy();
  });

  it('knows small fills, not large ones, and forgets a buffer handed out by bufferOf (it may be written)', async () => {
    const backend = await createNodeBackend();
    expect(Array.from(backend.knownValues(backend.fill([2, 2], -1))!)).toEqual([-1, -1, -1, -1]);
    expect(backend.knownValues(backend.fill([largestKnownFill + 1], 0))).toBeUndefined();
    const x = backend.fromArray([1, 2], [2]);
    backend.bufferOf(x);
    expect(backend.knownValues(x)).toBeUndefined();
    backend.destroy();
  });

  it('checks user buffers (fromBuffer) on the device: a NaN in positives is named by read', async () => {
    const backend = await createNodeBackend();
    const values = Float32Array.from(randomValues(32, 1));
    values[7] = Number.NaN;
    const buffer = backend.device.createBuffer({ size: values.byteLength, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
    new Float32Array(buffer.getMappedRange()).set(values);
    buffer.unmap();
    const positives = backend.fromBuffer(buffer, [4, 8]);
    const anchors = backend.fromArray(randomValues(32, 2), [4, 8]);
    const loss = computeLoss(backend, ntXent, { anchors, positives });
    await expect(backend.read(loss)).rejects.toMatchObject({ name: 'ContrastiveInputError', argument: 'positives' });
    for (const t of [loss, anchors, positives]) backend.dispose(t);
    expect(backend.liveCount()).toBe(0);
    backend.destroy();
    buffer.destroy();
  });
});

describe('memoryBudgetBytes', () => {
  it('defaults to 2 GiB, or 16 times the largest buffer on smaller devices, and rejects bad values', async () => {
    const backend = await createNodeBackend();
    const largest = Math.min(backend.limits.maxBufferSize, backend.limits.maxStorageBufferBindingSize);
    expect(backend.capabilities.memoryBudgetBytes).toBe(Math.min(2 * 1024 ** 3, composedWorkingMatrices * largest));
    backend.destroy();
    for (const memoryBudgetBytes of [0, -1, Number.NaN, Infinity]) {
      await expect(createWebGpuBackend({ gpu: nodeGpu(), memoryBudgetBytes })).rejects.toMatchObject({ argument: 'memoryBudgetBytes' });
    }
  });

  it('guards the composed kernel (16 N x N matrices) but not the fused one, which keeps none', async () => {
    const inputs = (backend: Awaited<ReturnType<typeof createNodeBackend>>) => ({
      anchors: backend.fromArray(randomValues(64 * 8, 3), [64, 8]),
      positives: backend.fromArray(randomValues(64 * 8, 4), [64, 8]),
    });
    const budget = { memoryBudgetBytes: 16 * 128 * 128 * 4 - 1 }; // 128 x 128 similarities need one byte more
    const composed = await createNodeBackend({ fused: false, ...budget });
    const before = composed.liveCount();
    const given = inputs(composed);
    expect(() => computeLossAndGradients(composed, ntXent, given)).toThrow(ContrastiveResourceError);
    expect(composed.liveCount()).toBe(before + 2);
    composed.destroy();
    const fused = await createNodeBackend(budget);
    expect(fused.fused?.similarityCrossEntropy?.workingMatrices?.({ rows: 128, columns: 128, selfSimilarity: true, normalized: true, constantShift: false })).toBe(0);
    const { loss } = computeLossAndGradients(fused, ntXent, inputs(fused));
    expect(Number.isFinite((await fused.read(loss))[0])).toBe(true);
    fused.destroy();
  });
});

describe('destroy', () => {
  it('makes every later call throw WebGpuDeviceLostError, and may be called twice', async () => {
    const backend = await createNodeBackend();
    const x = backend.fromArray([1, 2, 3, 4], [2, 2]);
    backend.destroy();
    backend.destroy();
    expect(() => backend.fromArray([1], [1])).toThrow(WebGpuDeviceLostError);
    expect(() => backend.add(x, x)).toThrow(WebGpuDeviceLostError);
    await expect(backend.read(x)).rejects.toThrow(WebGpuDeviceLostError);
    expect(() => computeLoss(backend, ntXent, { anchors: x, positives: x })).toThrow(WebGpuDeviceLostError);
  });
});

import { computeLossAndGradients, ContrastiveInputError, createReferenceBackend, ntXent } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, randomValues } from '../test/compare.js';
import { createWebGpuBackend, type WebGpuBackend } from './index.js';

/** The backend in Chromium through `navigator.gpu` (no options): small cases, the adapter is software. */
let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await createWebGpuBackend();
});
afterAll(() => gpu.destroy());

describe('webgpu backend in Chromium', () => {
  it('runs primitives through navigator.gpu', async () => {
    const x = gpu.fromArray([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(await gpu.read(gpu.sum(x, 1, false)))).toEqual([6, 15]);
    expect(Array.from(await gpu.read(gpu.matmul(x, x, { transposeB: true })))).toEqual([14, 32, 32, 77]);
    expect(Array.from(await gpu.read(gpu.exp(gpu.fill([1], -Infinity))))).toEqual([0]);
  });

  it('fused NT-Xent loss and gradients match the float64 reference, with no leaks', async () => {
    const before = gpu.liveCount();
    const values = { anchors: randomValues(5 * 4, 1, 2), positives: randomValues(5 * 4, 2, 2) };
    const reference = createReferenceBackend();
    const expected = computeLossAndGradients(reference, ntXent, {
      anchors: reference.fromArray(values.anchors, [5, 4]),
      positives: reference.fromArray(values.positives, [5, 4]),
    }, { temperature: 0.1 });
    const anchors = gpu.fromArray(values.anchors, [5, 4]);
    const positives = gpu.fromArray(values.positives, [5, 4]);
    const { loss, gradients } = computeLossAndGradients(gpu, ntXent, { anchors, positives }, { temperature: 0.1 });
    expectClose(await gpu.read(loss), reference.readSync!(expected.loss), 1e-4, 1e-5);
    expectClose(await gpu.read(gradients.anchors!), reference.readSync!(expected.gradients.anchors!), 2e-4, 2e-5);
    expectClose(await gpu.read(gradients.positives!), reference.readSync!(expected.gradients.positives!), 2e-4, 2e-5);
    for (const t of [loss, gradients.anchors!, gradients.positives!, anchors, positives]) gpu.dispose(t);
    expect(gpu.liveCount()).toBe(before);
  });

  it('flags a non-finite computed input on the device (SwiftShader keeps x * 0 = NaN): read names it, nothing leaks', async () => {
    const before = gpu.liveCount();
    const anchors = gpu.scope(() => gpu.div(gpu.fill([4, 8], 1), gpu.fill([4, 8], 0)));
    const positives = gpu.fromArray(randomValues(32, 3, 1), [4, 8]);
    const { loss, gradients } = computeLossAndGradients(gpu, ntXent, { anchors, positives });
    for (const output of [loss, gradients.anchors!, gradients.positives!]) {
      const error = await gpu.read(output).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ContrastiveInputError);
      expect((error as ContrastiveInputError).argument).toBe('anchors');
    }
    for (const t of [loss, gradients.anchors!, gradients.positives!, anchors, positives]) gpu.dispose(t);
    expect(gpu.liveCount()).toBe(before);
  });
});

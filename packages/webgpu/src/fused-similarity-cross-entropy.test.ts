import { computeLossAndGradients, createReferenceBackend, type TensorBackend } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../test/compare.js';
import { similarityLossCases, type LossCase } from '../test/loss-cases.js';
import { createNodeBackend } from '../test/node-gpu.js';
import type { WebGpuBackend } from './index.js';

/**
 * The fused, tiled kernel against the float64 reference backend (core's composed math, independent code) and
 * against this backend's own composed path, for every loss that uses it; plus the memory bound.
 */
let fused: WebGpuBackend;
let composed: WebGpuBackend;
let tiled: WebGpuBackend;
beforeAll(async () => {
  fused = await createNodeBackend();
  composed = await createNodeBackend({ fused: false });
  // 510 rows x dimension 32 x 40 keys per dispatch: 13 ragged key tiles and anchor tiles per pass.
  tiled = await createNodeBackend({ workPerDispatch: 510 * 32 * 40 });
});
afterAll(() => {
  for (const backend of [fused, composed, tiled]) backend.destroy();
});

async function evaluate<T>(b: TensorBackend<T>, testCase: LossCase): Promise<Record<string, Float32Array | Float64Array>> {
  const before = b.liveCount();
  const inputs = Object.fromEntries(Object.entries(testCase.inputs).map(([name, t]) => [name, b.fromArray(t.values, t.shape)]));
  const { loss, gradients } = computeLossAndGradients(b, testCase.loss, inputs, testCase.options);
  const out: Record<string, Float32Array | Float64Array> = { loss: await b.read(loss) };
  for (const [name, gradient] of Object.entries(gradients)) out[name] = await b.read(gradient as T);
  for (const t of [loss, ...Object.values(gradients), ...Object.values(inputs)]) b.dispose(t as T);
  expect(b.liveCount(), 'no leaked tensors').toBe(before);
  return out;
}

describe('fused similarityCrossEntropy', () => {
  it('is installed as the override', () => {
    expect(fused.fused?.similarityCrossEntropy).toBeDefined();
    expect(composed.fused?.similarityCrossEntropy).toBeUndefined();
  });

  for (const testCase of similarityLossCases(6, 5)) {
    it(`${testCase.id}: loss and gradients match the reference and the composed path`, async () => {
      const expected = await evaluate(createReferenceBackend(), testCase);
      const viaFused = await evaluate(fused, testCase);
      const viaComposed = await evaluate(composed, testCase);
      for (const name of Object.keys(expected)) {
        expectClose(viaFused[name]!, expected[name]!, 2e-4, 2e-5);
        expectClose(viaFused[name]!, viaComposed[name]!, 2e-4, 2e-5);
      }
    });
  }

  it('keeps tiny losses precise (log1p form): a dominant positive at low temperature', async () => {
    const anchors = { values: [1, 0, 0, 1], shape: [2, 2] };
    const testCase = similarityLossCases(2, 2)[0]!;
    const tiny: LossCase = { ...testCase, inputs: { anchors, positives: anchors }, options: { temperature: 0.05, reduction: 'none' } };
    const expected = await evaluate(createReferenceBackend(), tiny);
    const actual = await evaluate(fused, tiny);
    // l = log1p(2 exp(-20)) ~ 4.1e-9: a float32 log(1 + x) would round it to 0.
    expect(expected.loss![0]).toBeGreaterThan(1e-9);
    expectClose(actual.loss!, expected.loss!, 1e-5, 0);
  });

  it('spans several key tiles (online log-sum-exp across dispatches) and never allocates N x N', async () => {
    const testCase = similarityLossCases(255, 32)[0]!;
    const rows = 2 * 255;
    const expected = await evaluate(createReferenceBackend(), testCase);
    const actual = await evaluate(tiled, testCase);
    for (const name of Object.keys(expected)) expectClose(actual[name]!, expected[name]!, 2e-4, 2e-5);
    const similarityBytes = rows * rows * 4;
    // The largest buffer is an [rows, 32] matrix (65 KiB pooled), far below the 1 MiB [rows, rows] one.
    expect(tiled.poolStats().largestBufferBytes).toBeLessThan(similarityBytes / 4);
    await evaluate(composed, testCase);
    expect(composed.poolStats().largestBufferBytes).toBeGreaterThanOrEqual(similarityBytes);
  });
});

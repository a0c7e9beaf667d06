import { ntXent, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import { expectGradientClose, expectLossClose, gaussians, referenceLossAndGradients } from './loss-samples.test-support.js';
import { createOnnxLossRunner } from './onnx-loss-runner.js';
import { defaultWasmThreads } from './ort-web-threads.js';

// This file leaves ort.env.wasm.numThreads unset: the runner picks the count (the page is cross-origin isolated by
// the headers of vitest.browser.config.ts). Each browser test file loads its own onnxruntime-web.
const generic = (loss: unknown) => loss as LossDefinition<string, object>;
const page = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
const cores = page.navigator?.hardwareConcurrency ?? 1;

describe('onnxruntime-web wasm in a cross-origin isolated page', () => {
  const runner = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['wasm'], logSeverityLevel: 3 } });
  afterAll(() => runner.release());

  it('is cross-origin isolated, with SharedArrayBuffer', () => {
    expect(page.crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe('function');
  });

  it.skipIf(cores < 2)('runs NT-Xent with more than one thread, like the float64 reference', async () => {
    expect(ort.env.wasm.numThreads, 'unset before the first session').toBeUndefined();
    // Rows enough for ORT to split the matmuls across its threads.
    const shape = [512, 64];
    const inputs = { anchors: { values: gaussians(512 * 64, 41), shape }, positives: { values: gaussians(512 * 64, 42), shape } };
    const actual = await runner.run(ntXent, inputs as never, { temperature: 0.1 });
    // ORT resets numThreads to 1 when it cannot start threads ("Falling back to single-threading").
    expect(ort.env.wasm.numThreads).toBe(defaultWasmThreads());
    expect(ort.env.wasm.numThreads).toBe(Math.min(4, cores));
    const expected = referenceLossAndGradients(generic(ntXent), inputs, { temperature: 0.1 });
    expectLossClose(actual.loss, expected.loss);
    for (const name of ['anchors', 'positives'] as const) expectGradientClose(actual.gradients[name]!, expected.gradients[name]!, name);
  });

  it.skipIf(cores < 2)('runs the webgpu EP in the same threaded runtime', async () => {
    const webgpu = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['webgpu'], logSeverityLevel: 3 } });
    const shape = [16, 8];
    const inputs = { anchors: { values: gaussians(16 * 8, 43), shape }, positives: { values: gaussians(16 * 8, 44), shape } };
    const actual = await webgpu.run(ntXent, inputs, { temperature: 0.1 });
    await webgpu.release();
    expect(ort.env.wasm.numThreads).toBe(Math.min(4, cores));
    const expected = referenceLossAndGradients(generic(ntXent), inputs, { temperature: 0.1 });
    expectLossClose(actual.loss, expected.loss);
    for (const name of ['anchors', 'positives'] as const) expectGradientClose(actual.gradients[name]!, expected.gradients[name]!, name);
  });
});

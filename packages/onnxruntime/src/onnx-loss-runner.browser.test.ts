import { clip, computeLossAndGradients, ntXent, sigLip, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import { expectGradientClose, expectLossClose, gaussians, referenceLossAndGradients, sampleInputs } from './loss-samples.test-support.js';
import { createOnnxLossRunner } from './onnx-loss-runner.js';
import { createOnnxRuntimeBackend } from './onnx-runtime-backend.js';

ort.env.wasm.numThreads = 1;
const generic = (loss: unknown) => loss as LossDefinition<string, object>;

describe.each([
  ['onnxruntime-web (webgpu)', ['webgpu']],
  ['onnxruntime-web (wasm)', ['wasm']],
] as const)('in Chromium on %s', (label, executionProviders) => {
  const runtime = { ort, sessionOptions: { executionProviders: [...executionProviders], logSeverityLevel: 3 as const } };
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  if (label.includes('webgpu')) {
    it('has a WebGPU adapter', async () => {
      const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
      expect(gpu, 'navigator.gpu (launch Chromium with --enable-unsafe-webgpu)').toBeDefined();
      expect(await gpu!.requestAdapter()).not.toBeNull();
    });
  }

  it('computes NT-Xent and its gradients like the float64 reference', async () => {
    const inputs = sampleInputs(generic(ntXent), {}, 4);
    const actual = await runner.run(ntXent, inputs as never, { temperature: 0.2 });
    const expected = referenceLossAndGradients(generic(ntXent), inputs, { temperature: 0.2 });
    expectLossClose(actual.loss, expected.loss);
    for (const name of ['anchors', 'positives'] as const) expectGradientClose(actual.gradients[name]!, expected.gradients[name]!, name);
  });

  it('stays finite with logits above 88 (CLIP at logit scale 100, nearly collinear rows)', async () => {
    const base = gaussians(5, 3);
    const rows = (seed: number) => ({ values: gaussians(20, seed, 0.01).map((v, i) => Math.fround(base[i % 5]! + v)), shape: [4, 5] });
    const inputs = { anchors: rows(31), positives: rows(32), logitScale: { values: [100], shape: [] } };
    const actual = await runner.run(clip, inputs, {});
    expect(Array.from(actual.loss).every(Number.isFinite)).toBe(true);
    const expected = referenceLossAndGradients(generic(clip), inputs, {});
    expectLossClose(actual.loss, expected.loss);
    for (const name of ['anchors', 'positives', 'logitScale'] as const) expectGradientClose(actual.gradients[name]!, expected.gradients[name]!, name);
  });

  // 256 pairs: 8 column groups (sigmoid-pairwise-kernel.ts), whose backward concatenates 8 parts. Before Concats were
  // limited to 7 inputs (tracing-backend.ts, maximumConcatInputs) the WebGPU provider returned zeros for them.
  it('computes SigLIP over 8 column groups (256 pairs) like the float64 reference', async () => {
    const n = 256;
    const inputs = {
      anchors: { values: gaussians(n * 8, 41, 0.35), shape: [n, 8] },
      positives: { values: gaussians(n * 8, 42, 0.35), shape: [n, 8] },
      logTemperature: { values: [Math.fround(Math.log(10))], shape: [] },
      bias: { values: [-10], shape: [] },
    };
    const actual = await runner.run(sigLip, inputs, {});
    const expected = referenceLossAndGradients(generic(sigLip), inputs, {});
    expectLossClose(actual.loss, expected.loss);
    for (const name of ['anchors', 'positives', 'logTemperature', 'bias'] as const) expectGradientClose(actual.gradients[name]!, expected.gradients[name]!, name);
  });

  it('reads a loss and its gradients in one batched run (eager backend)', async () => {
    const backend = createOnnxRuntimeBackend(runtime);
    const inputs = sampleInputs(generic(ntXent), {}, 6);
    const result = computeLossAndGradients(backend, ntXent, {
      anchors: backend.fromArray(inputs['anchors']!.values, inputs['anchors']!.shape),
      positives: backend.fromArray(inputs['positives']!.values, inputs['positives']!.shape),
    });
    const [loss, anchors] = await Promise.all([backend.read(result.loss), backend.read(result.gradients.anchors!)]);
    expect(backend.statistics.runs).toBe(1);
    const expected = referenceLossAndGradients(generic(ntXent), inputs, {});
    expectLossClose(loss!, expected.loss);
    expectGradientClose(anchors!, expected.gradients['anchors']!, 'anchors');
    await backend.release();
  });
});

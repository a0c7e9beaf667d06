import { clip, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { traceLoss } from './export-onnx.js';
import { expectGradientClose, expectLossClose, float32Tolerance, gaussians, referenceLossAndGradients, relativeToLargest } from './loss-samples.test-support.js';
import { createOnnxLossRunner, type HostTensor } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';

const clipLoss = clip as unknown as LossDefinition<string, object>;
const shapesOf = (n: number, d: number) => ({ anchors: [n, d], positives: [n, d], logitScale: [] });
const opCounts = (options: object, n: number, maxBlockBytes?: number) => {
  const traced = traceLoss(clipLoss, clipLoss.resolveOptions(options), shapesOf(n, 8), maxBlockBytes === undefined ? {} : { maxBlockBytes });
  const counts = new Map<string, number>();
  for (const node of traced.model.graph.node) counts.set(node.op_type, (counts.get(node.op_type) ?? 0) + 1);
  return counts;
};

describe('fused cross-view kernel (CLIP): when it applies', () => {
  it('takes it with the logit scale a graph input: one Gemm/MatMul forms s, GatherElements takes its diagonal', () => {
    const ops = opCounts({ normalize: false }, 16);
    expect(ops.get('ScatterElements')).toBe(1);
    expect(ops.get('GatherElements')).toBe(1);
    expect(ops.get('ReduceMax')).toBe(2);
    expect(ops.has('Transpose')).toBe(false);
  });
  it('on unit rows takes the preset line shift (decision 0014): no [n, n] maxima outside the fallback Loops', () => {
    for (const options of [{}, { maxLogitScale: null }]) {
      const ops = opCounts(options, 16);
      // The diagonal from row dots (no GatherElements); ReduceMax only over [n, 1] vectors: the largest shift, the
      // least shift, row and column denominators (as -max(-x)) and the largest column scale.
      expect(ops.get('GatherElements')).toBeUndefined();
      expect(ops.get('ScatterElements')).toBe(1);
      expect(ops.get('ReduceMax')).toBe(5);
      expect(ops.get('Loop')).toBe(2);
      expect(ops.has('Transpose')).toBe(false);
    }
  });
  it('runs over row blocks (cross-view-blocks.ts) once one [n, n] float32 matrix would exceed maxBlockBytes', () => {
    // Whole: the product forming s and the transposed one for G^T a; blocks of 15 rows (1023 / 64): two blocks, each
    // forming its logits in the forward and again in the backward, plus its G^T a.
    expect(opCounts({ normalize: false }, 16, 16 * 16 * 4).get('Gemm')).toBe(2);
    const blocked = opCounts({ normalize: false }, 16, 16 * 16 * 4 - 1);
    expect(blocked.get('Gemm')).toBe(2 * 3);
    expect(blocked.has('Transpose')).toBe(false);
  });
});

const views = (n: number, d: number, seed: number) => ({
  anchors: { values: gaussians(n * d, seed), shape: [n, d] },
  positives: { values: gaussians(n * d, seed + 1), shape: [n, d] },
});

describe.each(nodeRuntimes)('fused cross-view kernel (CLIP) on %s', (_, runtime) => {
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  async function expectReference(inputs: Record<string, HostTensor>, options: object) {
    const actual = await runner.run(clipLoss, inputs, options);
    const expected = referenceLossAndGradients(clipLoss, inputs, options);
    expectLossClose(actual.loss, expected.loss);
    for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
    return { actual, expected };
  }

  it.each([0.5, 0.07, 0.01])('matches the float64 reference at T = %s (logit scale 1/T), the loss and all three gradients', async (temperature) => {
    const inputs = { ...views(96, 16, 3), logitScale: { values: [1 / temperature], shape: [] } };
    await expectReference(inputs, { reduction: 'none' });
    await expectReference(inputs, {});
    await expectReference(inputs, { normalize: false, maxLogitScale: null, reduction: 'sum' });
  });

  it('clamped above maxLogitScale: the scale gradient is 0, the rest as at the clamp', async () => {
    const { actual } = await expectReference({ ...views(40, 8, 5), logitScale: { values: [150], shape: [] } }, {});
    expect(actual.gradients['logitScale']![0]).toBe(0);
  });
});

describe('fused cross-view kernel (CLIP) on onnxruntime-node: gradient digits when the positive dominates', () => {
  const [, runtime] = nodeRuntimes[0]!;
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  // 1024 pairs, D = 128, texts within 1% of their images: loss ~1e-11, far below float32's 1e-7 of `softmax - 1`.
  // The diagonal's coefficient comes from the negatives' mass, so every gradient keeps the float32 tier relative to
  // its own largest entry (the logit scale's included).
  it.each([1 / 0.026, 1 / 0.05])('1024 pairs, D = 128, logit scale %s: loss and gradients within the float32 tier', async (logitScale) => {
    const anchors = gaussians(1024 * 128, 11);
    const jitter = gaussians(anchors.length, 12, 0.01);
    const inputs = {
      anchors: { values: anchors, shape: [1024, 128] },
      positives: { values: anchors.map((v, i) => Math.fround(v + jitter[i]!)), shape: [1024, 128] },
      logitScale: { values: [logitScale], shape: [] },
    };
    const actual = await runner.run(clipLoss, inputs, {});
    const expected = referenceLossAndGradients(clipLoss, inputs, {});
    expect(expected.loss[0]!).toBeLessThan(1e-5);
    expect(Math.abs(actual.loss[0]! - expected.loss[0]!)).toBeLessThanOrEqual(float32Tolerance.loss * expected.loss[0]!);
    for (const name of ['anchors', 'positives', 'logitScale']) {
      expect(relativeToLargest(actual.gradients[name]!, expected.gradients[name]!), name).toBeLessThanOrEqual(float32Tolerance.gradient);
    }
  }, 120_000);
});

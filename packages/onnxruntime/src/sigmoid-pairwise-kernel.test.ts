import { sigLip, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { traceLoss } from './export-onnx.js';
import { expectGradientClose, expectLossClose, gaussians, referenceLossAndGradients } from './loss-samples.test-support.js';
import { createOnnxLossRunner } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';
import { sigmoidPairwiseWorkingMatrices } from './sigmoid-pairwise-kernel.js';

const sigLipLoss = sigLip as unknown as LossDefinition<string, object>;
const shapesOf = (n: number, d: number) => ({ anchors: [n, d], positives: [n, d], logTemperature: [], bias: [] });
const opCounts = (n: number, maxBlockBytes?: number) => {
  const traced = traceLoss(sigLipLoss, sigLipLoss.resolveOptions({}), shapesOf(n, 8), maxBlockBytes === undefined ? {} : { maxBlockBytes });
  const counts = new Map<string, number>();
  for (const node of traced.model.graph.node) counts.set(node.op_type, (counts.get(node.op_type) ?? 0) + 1);
  return counts;
};

describe('fused pairwise-sigmoid kernel (SigLIP): when it applies', () => {
  it('forms the logits with one Gemm, masks the diagonal in place, and never uses ORT Sigmoid on them', () => {
    const ops = opCounts(16);
    expect(ops.get('Softplus')).toBe(1);
    expect(ops.get('ScatterElements')).toBe(1);
    expect(ops.has('Transpose')).toBe(false);
  });
  it('runs the composed kernel once one [n, n] float32 matrix would exceed maxBlockBytes, and counts it so', () => {
    expect(opCounts(16, 16 * 16 * 4).has('Softplus')).toBe(true);
    expect(opCounts(16, 16 * 16 * 4 - 1).has('Softplus')).toBe(false);
    expect(sigmoidPairwiseWorkingMatrices(16 * 16 * 4, 16)).toBe(4);
    expect(sigmoidPairwiseWorkingMatrices(16 * 16 * 4 - 1, 16)).toBe(12);
  });
});

const views = (n: number, d: number, seed: number, scale = 1) => ({
  anchors: { values: gaussians(n * d, seed, scale), shape: [n, d] },
  positives: { values: gaussians(n * d, seed + 1, scale), shape: [n, d] },
});
const scalar = (value: number) => ({ values: [value], shape: [] });

describe.each(nodeRuntimes)('fused pairwise-sigmoid kernel (SigLIP) on %s', (_, runtime) => {
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  it.each([
    ['t = 10, bias -10 (SigLIP init)', 10, -10, {}],
    ['t = 100, bias -10', 100, -10, {}],
    ['t = 10, bias -10, normalize false, per-row values', 10, -10, { normalize: false, reduction: 'none' }],
  ] as const)('matches the float64 reference at %s, the loss and all four gradients', async (_name, t, bias, options) => {
    const inputs = { ...views(96, 16, 5, 0.25), logTemperature: scalar(Math.log(t)), bias: scalar(bias) };
    const actual = await runner.run(sigLipLoss, inputs, options);
    const expected = referenceLossAndGradients(sigLipLoss, inputs, options);
    expectLossClose(actual.loss, expected.loss);
    for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
  });

  it('stays finite with logits near 1e4 (normalize false): softplus(x) = x, the sigmoid saturates', async () => {
    const inputs = { ...views(32, 8, 9, 30), logTemperature: scalar(Math.log(10)), bias: scalar(0) };
    const actual = await runner.run(sigLipLoss, inputs, { normalize: false });
    const expected = referenceLossAndGradients(sigLipLoss, inputs, { normalize: false });
    expect(expected.loss[0]!).toBeGreaterThan(1000);
    expectLossClose(actual.loss, expected.loss);
    for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
  });
});

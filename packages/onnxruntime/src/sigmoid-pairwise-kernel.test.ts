import { sigLip, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { traceLoss } from './export-onnx.js';
import { expectGradientClose, expectLossClose, gaussians, referenceLossAndGradients } from './loss-samples.test-support.js';
import { createOnnxLossRunner } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';
import { sigmoidPairwiseGroups, sigmoidPairwiseWorkingMatrices } from './sigmoid-pairwise-kernel.js';

const sigLipLoss = sigLip as unknown as LossDefinition<string, object>;
const shapesOf = (n: number, d: number) => ({ anchors: [n, d], positives: [n, d], logTemperature: [], bias: [] });
const opCounts = (n: number, maxBlockBytes?: number) => {
  const traced = traceLoss(sigLipLoss, sigLipLoss.resolveOptions({}), shapesOf(n, 8), maxBlockBytes === undefined ? {} : { maxBlockBytes });
  const counts = new Map<string, number>();
  for (const node of traced.model.graph.node) counts.set(node.op_type, (counts.get(node.op_type) ?? 0) + 1);
  return counts;
};

describe('fused pairwise-sigmoid kernel (SigLIP): when it applies', () => {
  it('forms the logits with one Gemm per column group, masks the diagonal in place, one Log, no Softplus', () => {
    for (const [n, groups] of [[16, 1], [97, 2], [250, 4], [256, 8], [4096, 8]] as const) {
      expect(sigmoidPairwiseGroups(n)).toBe(groups);
      const ops = opCounts(n);
      expect(ops.get('ScatterElements'), `n = ${n}`).toBe(groups);
      // One Log over the matrix (n^2 / groups values); core's O(n) diagonal terms add two (log1p, forward and backward).
      expect(ops.get('Log'), `n = ${n}`).toBe(3);
      for (const op of ['Softplus', 'Transpose']) expect(ops.has(op), `n = ${n}: ${op}`).toBe(false);
    }
  });
  it('runs the composed kernel once one [n, n] float32 matrix would exceed maxBlockBytes, and counts it so', () => {
    expect(opCounts(16, 16 * 16 * 4).has('ScatterElements')).toBe(true);
    expect(opCounts(16, 16 * 16 * 4 - 1).has('ScatterElements')).toBe(false);
    expect(sigmoidPairwiseWorkingMatrices(16 * 16 * 4, 16)).toBe(5);
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

  it.each([
    ['2 groups, one padding column', 97],
    ['4 groups, two padding columns', 250],
    ['8 groups', 256],
    ['8 groups, five padding columns', 515],
  ] as const)('matches the float64 reference with %s (n = %i), the loss and all four gradients', async (_name, n) => {
    const inputs = { ...views(n, 16, 7), logTemperature: scalar(Math.log(10)), bias: scalar(-10) };
    const actual = await runner.run(sigLipLoss, inputs, {});
    const expected = referenceLossAndGradients(sigLipLoss, inputs, {});
    expectLossClose(actual.loss, expected.loss);
    for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
  });

  // Each row loss is a sum of non-negative terms, each formed to a few roundings (Y ~ one per combining level,
  // log(U) + C/U ~ two), then summed in float32: the row loss keeps a relative error under 1e-5 at n = 256,
  // whatever its size. A dropped rounding correction would cost O(1) relative error on the tiny rows below.
  const expectRowsRelativelyClose = (actual: ArrayLike<number>, expected: ArrayLike<number>) => {
    for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!), `row ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(1e-5 * expected[i]!);
  };
  const logitRange = (a: readonly number[], p: readonly number[], n: number, d: number, t: number, bias: number) => {
    let [low, high] = [Infinity, -Infinity];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += a[i * d + k]! * p[j * d + k]!;
      [low, high] = [Math.min(low, t * dot + bias), Math.max(high, t * dot + bias)];
    }
    return { low, high };
  };

  it('keeps every row loss to 1e-5 relative with logits across [-30, 30] (8 groups, normalize false)', async () => {
    const [n, d] = [256, 8];
    const inputs = { ...views(n, d, 11, 2), logTemperature: scalar(0), bias: scalar(0) };
    const { low, high } = logitRange(inputs.anchors.values, inputs.positives.values, n, d, 1, 0);
    expect(low).toBeLessThan(-30);
    expect(high).toBeGreaterThan(30);
    const options = { normalize: false, reduction: 'none' };
    const actual = await runner.run(sigLipLoss, inputs, options);
    const expected = referenceLossAndGradients(sigLipLoss, inputs, options);
    expectRowsRelativelyClose(actual.loss, expected.loss);
    for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
  });

  it('keeps every row loss to 1e-5 relative with logits across [-100, 16], one near the bound max|a| max|p| + bias (normalize false)', async () => {
    const [n, d] = [256, 8];
    const base = views(n, d, 17, 2);
    // Positive k + 1 copies anchor k, the longest: a logit near the bound, off the diagonal.
    const norms = Array.from({ length: n }, (_, i) => Math.hypot(...base.anchors.values.slice(i * d, (i + 1) * d)));
    const k = norms.indexOf(Math.max(...norms));
    for (let c = 0; c < d; c++) base.positives.values[((k + 1) % n) * d + c] = base.anchors.values[k * d + c]!;
    const largestNorm = (values: readonly number[]) => Math.max(...Array.from({ length: n }, (_, i) => Math.hypot(...values.slice(i * d, (i + 1) * d))));
    // The Cauchy-Schwarz bound of every logit, max |a| max |p| + bias, at 15.99 (decision 0011, "Bounded logits").
    const bias = Math.fround(15.99 - largestNorm(base.anchors.values) * largestNorm(base.positives.values));
    const inputs = { ...base, logTemperature: scalar(0), bias: scalar(bias) };
    const { low, high } = logitRange(inputs.anchors.values, inputs.positives.values, n, d, 1, bias);
    expect(low).toBeLessThan(-100);
    expect(high).toBeGreaterThan(0);
    const options = { normalize: false, reduction: 'none' };
    const actual = await runner.run(sigLipLoss, inputs, options);
    const expected = referenceLossAndGradients(sigLipLoss, inputs, options);
    expectRowsRelativelyClose(actual.loss, expected.loss);
    for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
  });

  it('keeps the digits of row losses near 1e-20 (positives that dominate, off-diagonal logits near -50)', async () => {
    const [n, t, bias] = [256, 100, -50];
    const noise = gaussians(n * n, 13, 0.02);
    const near = (shift: number) => noise.map((v, k) => Math.fround((Math.floor(k / n) === k % n ? 1 : 0) + (k % 2 === shift ? v : 0)));
    const inputs = { anchors: { values: near(0), shape: [n, n] }, positives: { values: near(1), shape: [n, n] }, logTemperature: scalar(Math.log(t)), bias: scalar(bias) };
    const options = { normalize: false, reduction: 'none' };
    const actual = await runner.run(sigLipLoss, inputs, options);
    const expected = referenceLossAndGradients(sigLipLoss, inputs, options);
    for (const value of expected.loss) expect(value).toBeLessThan(1e-15);
    expectRowsRelativelyClose(actual.loss, expected.loss);
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

import { losses, ntXent, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { traceLoss } from './export-onnx.js';
import { expectGradientClose, expectLossClose, gaussians, referenceLossAndGradients, relativeToLargest } from './loss-samples.test-support.js';
import { createOnnxLossRunner, type HostTensor } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';

const ntXentLoss = ntXent as unknown as LossDefinition<string, object>;
const dcl = losses.dcl as unknown as LossDefinition<string, object>;
const simclrInfoNce = losses.simclrInfoNce as unknown as LossDefinition<string, object>;

/** Rows along distinct axes: every logit of every row is 0, far below the scale at low temperature. */
function orthogonal(rows: number, dimension: number, offset: number): HostTensor {
  return { values: Array.from({ length: rows * dimension }, (_, i) => (i % dimension === Math.floor(i / dimension) + offset ? 1 : 0)), shape: [rows, dimension] };
}

/** Rows `normalize(2 e_0 + e_(i+1))`, views equal: positives' cosine 1, every negative's 0.8 (loss ~ (2N - 2) e^(-0.2 / T)). */
function closeRows(rows: number): HostTensor {
  const dimension = rows + 1;
  const norm = Math.sqrt(5);
  return { values: Array.from({ length: rows * dimension }, (_, i) => (i % dimension === 0 ? 2 / norm : i % dimension === Math.floor(i / dimension) + 1 ? 1 / norm : 0)), shape: [rows, dimension] };
}

describe('preset row shift: the graph', () => {
  const pair = { anchors: [16, 8], positives: [16, 8] };
  const graph = (temperature: number) => traceLoss(ntXentLoss, { temperature }, pair).model.graph;
  it('runs the row-maxima pass only inside a Loop (the fallback) from temperature 1/40 down to 0.01, and no Loop at the constant shift', () => {
    for (const temperature of [0.02, 0.01]) {
      const loops = graph(temperature).node.filter((node) => node.op_type === 'Loop');
      // One Loop for the forward's fallback, two for the backward's (wide shifts, then the forward's fallback).
      expect(loops).toHaveLength(3);
      const bodyOps = loops.map((loop) => new Set(loop.attribute.find((a) => a.name === 'body')!.g!.node.map((node) => node.op_type)));
      expect(bodyOps.filter((ops) => ops.has('ReduceMax') && ops.has('Exp'))).toHaveLength(1);
    }
    expect(graph(0.5).node.some((node) => node.op_type === 'Loop')).toBe(false);
  });
  it('keeps the row maxima below temperature 0.01 (maximumPresetShift): ReduceMax at the top level, no Loop', () => {
    for (const temperature of [0.0099, 0.005, 0.001]) {
      expect(graph(temperature).node.some((node) => node.op_type === 'Loop')).toBe(false);
      expect(graph(temperature).node.some((node) => node.op_type === 'ReduceMax')).toBe(true);
    }
  });
});

describe.each(nodeRuntimes)('preset row shift (and the row maxima below T = 0.01) on %s against the float64 reference', (_, runtime) => {
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  async function expectReference(loss: LossDefinition<string, object>, inputs: Record<string, HostTensor>, options: object) {
    const actual = await runner.run(loss, inputs, options);
    const expected = referenceLossAndGradients(loss, inputs, options);
    expectLossClose(actual.loss, expected.loss);
    for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
    return { actual, expected };
  }

  const random = (pairs: number, d: number, seed: number) => ({
    anchors: { values: gaussians(pairs * d, seed), shape: [pairs, d] },
    positives: { values: gaussians(pairs * d, seed + 1), shape: [pairs, d] },
  });

  it.each([0.02, 0.01, 0.005, 0.001])('NT-Xent, DCL and SimCLR n-view on random rows at T = %s', async (temperature) => {
    await expectReference(ntXentLoss, random(48, 6, 21), { temperature, reduction: 'none' });
    await expectReference(ntXentLoss, random(48, 6, 23), { temperature });
    await expectReference(dcl, random(32, 6, 25), { temperature, reduction: 'none' });
    await expectReference(simclrInfoNce, { embeddings: { values: gaussians(30 * 6, 27), shape: [30, 6] } }, { views: 3, temperature });
  });

  it.each([0.01, 0.005])('keeps the digits of a dominating positive at T = %s (loss and gradient)', async (temperature) => {
    // Each row's positive is itself (logit 1 / T), every negative at cosine 0.8: l = log1p(14 e^(-0.2 / T)), 2.9e-8
    // at T = 0.01 (the preset shift is the positive's logit) and 5.8e-17 at T = 0.005 (the row maxima).
    const rows = closeRows(8);
    const { actual, expected } = await expectReference(ntXentLoss, { anchors: rows, positives: rows }, { temperature, reduction: 'none' });
    const exact = Math.log1p(14 * Math.exp(-0.2 / temperature));
    for (let i = 0; i < 8; i++) expect(Math.abs(actual.loss[i]! - exact)).toBeLessThanOrEqual(1e-4 * exact);
    // The float64 reference's `softmax - 1` keeps the gradient to ~1e-16 of the weights: checked where that is
    // far below the gradient (T = 0.01, entries ~1e-6).
    if (temperature === 0.01) for (const [name, values] of Object.entries(expected.gradients)) expect(relativeToLargest(actual.gradients[name]!, values), name).toBeLessThan(1e-4);
  });

  it('falls back to the row maxima where a row is opposite to all others (T = 0.01), finite and exact', async () => {
    // Row 0 of the anchors against 15 rows along -e_0: its every logit is -100, 114 + ln n below its preset shift.
    const rows = (first: number) => ({ values: Array.from({ length: 8 * 4 }, (_, i) => (i % 4 === 0 ? (i === 0 ? first : -1) : 0)), shape: [8, 4] });
    const inputs = { anchors: rows(1), positives: rows(-1) };
    const { actual } = await expectReference(ntXentLoss, inputs, { temperature: 0.01, reduction: 'none' });
    for (const value of actual.loss) expect(Number.isFinite(value)).toBe(true);
    await expectReference(dcl, inputs, { temperature: 0.01, reduction: 'none' });
  });

  it.each([0.005, 0.001])('rows far below the scale at T = %s (the row maxima, below the preset\'s range)', async (temperature) => {
    const inputs = { anchors: orthogonal(8, 16, 0), positives: orthogonal(8, 16, 8) };
    const { actual } = await expectReference(ntXentLoss, inputs, { temperature, reduction: 'none' });
    for (const value of actual.loss) expect(value).toBeCloseTo(Math.log(15), 5);
    await expectReference(dcl, inputs, { temperature, reduction: 'none' });
  });

  it('takes the two backward products where the shifts span more than 40 (strong and weak positives, T = 0.01)', async () => {
    const inputs = random(24, 6, 31);
    // Half the pairs identical (shift 1 / T), half independent (shift near 1 / T - K): a span of ~K.
    inputs.positives.values = inputs.positives.values.map((v, i) => (i < 12 * 6 ? inputs.anchors.values[i]! : v));
    await expectReference(ntXentLoss, inputs, { temperature: 0.01, reduction: 'none' });
  });

  it.each([0.01, 0.001])('keeps zero rows finite at T = %s', async (temperature) => {
    const inputs = random(16, 6, 33);
    inputs.anchors.values = inputs.anchors.values.map((v, i) => (i < 6 || (i >= 30 && i < 36) ? 0 : v));
    const { actual } = await expectReference(ntXentLoss, inputs, { temperature, reduction: 'none' });
    for (const value of actual.gradients['anchors']!) expect(Number.isFinite(value)).toBe(true);
  });
});

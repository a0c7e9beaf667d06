import { losses, ntXent, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { traceLoss } from './export-onnx.js';
import { expectGradientClose, expectLossClose, gaussians, referenceLossAndGradients } from './loss-samples.test-support.js';
import { createOnnxLossRunner, type HostTensor } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';

const simclrInfoNce = losses.simclrInfoNce as unknown as LossDefinition<string, object>;
const supCon = losses.supCon as unknown as LossDefinition<string, object>;
const ntXentLoss = ntXent as unknown as LossDefinition<string, object>;

const opTypes = (loss: LossDefinition<string, object>, options: object, shapes: Record<string, number[]>) =>
  new Set(traceLoss(loss, loss.resolveOptions(options), shapes).model.graph.node.map((node) => node.op_type));

describe('symmetric fused kernel: when it applies', () => {
  const pair = { anchors: [16, 8], positives: [16, 8] };
  it('NT-Xent on normalised rows at temperature >= 1/40 takes it (ScatterElements, no Transpose of G)', () => {
    for (const temperature of [0.025, 0.07, 0.5]) {
      const ops = opTypes(ntXentLoss, { temperature }, pair);
      expect(ops.has('ScatterElements')).toBe(true);
      expect(ops.has('Transpose')).toBe(false);
    }
    expect(opTypes(simclrInfoNce, { views: 3, temperature: 0.1 }, { embeddings: [12, 8] }).has('ScatterElements')).toBe(true);
  });
  it('falls back to the composed kernel where the constant shift could underflow or is not allowed', () => {
    expect(opTypes(ntXentLoss, { temperature: 0.02 }, pair).has('ScatterElements')).toBe(false);
    expect(opTypes(ntXentLoss, { temperature: 0.1, normalize: false }, pair).has('ScatterElements')).toBe(false);
    // SupCon's labels are a graph input: the positives are not known when the graph is traced.
    expect(opTypes(supCon, { temperature: 0.1 }, { embeddings: [12, 8], labels: [12] }).has('ScatterElements')).toBe(false);
  });
});

/** Unit rows along one axis each: row `i` of both views is `e_(i mod D)`, slightly perturbed. */
function nearlyOrthogonal(rows: number, dimension: number, seed: number): HostTensor {
  const noise = gaussians(rows * dimension, seed, 1e-3);
  return { values: noise.map((v, i) => (i % dimension === Math.floor(i / dimension) % dimension ? 1 + v : v)), shape: [rows, dimension] };
}

describe.each(nodeRuntimes)('symmetric fused kernel on %s', (_, runtime) => {
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  async function expectReference(loss: LossDefinition<string, object>, inputs: Record<string, HostTensor>, options: object) {
    const actual = await runner.run(loss, inputs, options);
    const expected = referenceLossAndGradients(loss, inputs, options);
    expectLossClose(actual.loss, expected.loss);
    for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
    return { actual, expected };
  }

  it('matches the float64 reference for NT-Xent, per-row and mean, over 96 pairs', async () => {
    const inputs = { anchors: { values: gaussians(96 * 16, 3), shape: [96, 16] }, positives: { values: gaussians(96 * 16, 4), shape: [96, 16] } };
    await expectReference(ntXentLoss, inputs, { temperature: 0.07, reduction: 'none' });
    await expectReference(ntXentLoss, inputs, { temperature: 0.025 });
  });

  it('matches the float64 reference for three views (two positives per row)', async () => {
    await expectReference(simclrInfoNce, { embeddings: { values: gaussians(60 * 8, 5), shape: [60, 8] } }, { views: 3, temperature: 0.1, reduction: 'none' });
  });

  it('keeps relative precision when the positive dominates (loss near 1e-8)', async () => {
    // Positives equal to their anchors, negatives orthogonal: l = log1p(6 exp(-1/T) + ...) ~ 6 exp(-20) = 1.2e-8,
    // where `log(R) + c - s_p` in float32 would only be accurate to ~1e-6 absolute.
    const anchors = nearlyOrthogonal(4, 8, 6);
    const { actual, expected } = await expectReference(ntXentLoss, { anchors, positives: anchors }, { temperature: 0.05, reduction: 'none' });
    for (let i = 0; i < expected.loss.length; i++) {
      expect(expected.loss[i]!).toBeLessThan(1e-6);
      expect(Math.abs(actual.loss[i]! - expected.loss[i]!)).toBeLessThanOrEqual(1e-4 * expected.loss[i]!);
    }
  });
});

import { losses, ntXent, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { traceLoss } from './export-onnx.js';
import { expectGradientClose, expectLossClose, float32Tolerance, gaussians, referenceLossAndGradients, relativeToLargest } from './loss-samples.test-support.js';
import { createOnnxLossRunner, type HostTensor } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';

const simclrInfoNce = losses.simclrInfoNce as unknown as LossDefinition<string, object>;
const supCon = losses.supCon as unknown as LossDefinition<string, object>;
const ntXentLoss = ntXent as unknown as LossDefinition<string, object>;

const opTypes = (loss: LossDefinition<string, object>, options: object, shapes: Record<string, number[]>, maxBlockBytes?: number) =>
  new Set(traceLoss(loss, loss.resolveOptions(options), shapes, maxBlockBytes === undefined ? {} : { maxBlockBytes }).model.graph.node.map((node) => node.op_type));

describe('symmetric fused kernel: when it applies', () => {
  const pair = { anchors: [16, 8], positives: [16, 8] };
  it('NT-Xent on normalised rows takes it at every temperature (ScatterElements, no Transpose of G)', () => {
    for (const temperature of [0.001, 0.01, 0.02, 0.025, 0.07, 0.5]) {
      const ops = opTypes(ntXentLoss, { temperature }, pair);
      expect(ops.has('ScatterElements')).toBe(true);
      expect(ops.has('Transpose')).toBe(false);
    }
    expect(opTypes(simclrInfoNce, { views: 3, temperature: 0.1 }, { embeddings: [12, 8] }).has('ScatterElements')).toBe(true);
  });
  it('runs row blocks in an ONNX Loop once one [rows, n] block would exceed maxBlockBytes', () => {
    // 2N = 32 rows: the whole matrix is 32 x 32 x 4 = 4096 bytes.
    expect(opTypes(ntXentLoss, { temperature: 0.1 }, pair, 4096).has('Loop')).toBe(false);
    expect(opTypes(ntXentLoss, { temperature: 0.1 }, pair, 4095).has('Loop')).toBe(true);
    expect(() => traceLoss(ntXentLoss, {}, pair, { maxBlockBytes: Number.NaN })).toThrow(/maxBlockBytes/);
  });
  it('shifts by a preset per-row shift below temperature 1/40 (row maxima only in its fallback Loop), by the constant above', () => {
    const graph = (temperature: number) => traceLoss(ntXentLoss, ntXentLoss.resolveOptions({ temperature }), pair).model.graph;
    const bodies = (temperature: number) => graph(temperature).node.filter((node) => node.op_type === 'Loop').map((loop) => loop.attribute.find((a) => a.name === 'body')!.g!);
    expect(bodies(0.025)).toHaveLength(0);
    expect(bodies(0.5)).toHaveLength(0);
    for (const temperature of [0.02, 0.01]) {
      expect(bodies(temperature).filter((body) => body.node.some((node) => node.op_type === 'ReduceMax'))).toHaveLength(1);
    }
    // Blocks of rows keep the row maxima: no preset, so none of its checks (ReduceMin over the denominators).
    const blocked = traceLoss(ntXentLoss, ntXentLoss.resolveOptions({ temperature: 0.01 }), pair, { maxBlockBytes: 4 * 32 * 7 }).model.graph;
    expect(blocked.node.some((node) => node.op_type === 'ReduceMin')).toBe(false);
    expect(graph(0.01).node.some((node) => node.op_type === 'ReduceMin')).toBe(true);
  });

  it('falls back to the composed kernel where the unit-row promise is missing', () => {
    expect(opTypes(ntXentLoss, { temperature: 0.1, normalize: false }, pair).has('ScatterElements')).toBe(false);
  });
  it('takes SupCon, whose labels are a graph input, through the run-time groups (runtime-group-kernel.test.ts)', () => {
    expect(opTypes(supCon, { temperature: 0.1 }, { embeddings: [12, 8], labels: [12] }).has('ScatterElements')).toBe(true);
    expect(opTypes(supCon, { temperature: 0.1, normalize: false }, { embeddings: [12, 8], labels: [12] }).has('ScatterElements')).toBe(false);
  });
});

/** Unit rows along one axis each: row `i` of both views is `e_(i mod D)`, slightly perturbed. */
function nearlyOrthogonal(rows: number, dimension: number, seed: number): HostTensor {
  const noise = gaussians(rows * dimension, seed, 1e-3);
  return { values: noise.map((v, i) => (i % dimension === Math.floor(i / dimension) % dimension ? 1 + v : v)), shape: [rows, dimension] };
}

describe.each(nodeRuntimes)('symmetric fused kernel on %s', (_, runtime) => {
  const runner = createOnnxLossRunner(runtime);
  // 7 rows of 4 bytes per key: blocks of 7 rows in a Loop, and a tail block whenever 7 does not divide 2N.
  const blocked = (keys: number) => createOnnxLossRunner({ ...runtime, maxBlockBytes: 7 * 4 * keys });
  afterAll(() => runner.release());

  async function expectReference(loss: LossDefinition<string, object>, inputs: Record<string, HostTensor>, options: object, using = runner) {
    const actual = await using.run(loss, inputs, options);
    const expected = referenceLossAndGradients(loss, inputs, options);
    expectLossClose(actual.loss, expected.loss);
    for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
    return { actual, expected };
  }

  it('matches the float64 reference for NT-Xent, per-row and mean, over 96 pairs', async () => {
    const inputs = { anchors: { values: gaussians(96 * 16, 3), shape: [96, 16] }, positives: { values: gaussians(96 * 16, 4), shape: [96, 16] } };
    await expectReference(ntXentLoss, inputs, { temperature: 0.07, reduction: 'none' });
    await expectReference(ntXentLoss, inputs, { temperature: 0.025 });
    await expectReference(ntXentLoss, inputs, { temperature: 0.01, reduction: 'none' });
    await expectReference(ntXentLoss, inputs, { temperature: 0.5 });
  });

  it('matches the float64 reference for three views (two positives per row)', async () => {
    await expectReference(simclrInfoNce, { embeddings: { values: gaussians(60 * 8, 5), shape: [60, 8] } }, { views: 3, temperature: 0.1, reduction: 'none' });
    await expectReference(simclrInfoNce, { embeddings: { values: gaussians(60 * 8, 5), shape: [60, 8] } }, { views: 3, temperature: 0.01, reduction: 'none' });
  });

  it('gives the same results in row blocks (ONNX Loop plus a tail block) as the reference', async () => {
    const inputs = { anchors: { values: gaussians(25 * 6, 7), shape: [25, 6] }, positives: { values: gaussians(25 * 6, 8), shape: [25, 6] } };
    const loop = blocked(50);
    await expectReference(ntXentLoss, inputs, { temperature: 0.1, reduction: 'none' }, loop);
    await expectReference(ntXentLoss, inputs, { temperature: 0.01, reduction: 'none' }, loop);
    const views = blocked(21);
    await expectReference(simclrInfoNce, { embeddings: { values: gaussians(21 * 6, 9), shape: [21, 6] } }, { views: 3, temperature: 0.2 }, views);
    await expectReference(simclrInfoNce, { embeddings: { values: gaussians(21 * 6, 9), shape: [21, 6] } }, { views: 3, temperature: 0.005 }, views);
    await Promise.all([loop.release(), views.release()]);
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

/** Two views that agree closely: `positives = anchors + noise`, so the positive dominates every row. */
function agreeingViews(pairs: number, dimension: number, noise: number) {
  const anchors = gaussians(pairs * dimension, 11);
  const jitter = gaussians(pairs * dimension, 12, noise);
  return { anchors: { values: anchors, shape: [pairs, dimension] }, positives: { values: anchors.map((v, i) => Math.fround(v + jitter[i]!)), shape: [pairs, dimension] } };
}

describe('symmetric fused kernel on onnxruntime-node: gradient digits when the positive dominates', () => {
  const [, runtime] = nodeRuntimes[0]!;
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  // 1024 pairs (2048 rows), D = 128, views within 1% of each other: loss ~1e-11. While the backward took the
  // positives' coefficients as `softmax - 1` in float32, the error was 14x the largest entry here (and 2.5e-4 of it
  // at T = 0.05, under this tier); from the negatives' mass it is ~5e-6 (scripts/dominant-positive-gradient.ts).
  it.each([0.026])('NT-Xent, 1024 pairs, D = 128, T = %s: gradients within the float32 tier of the largest entry', async (temperature) => {
    const views = agreeingViews(1024, 128, 0.01);
    expect(opTypes(ntXentLoss, { temperature }, { anchors: [1024, 128], positives: [1024, 128] }).has('ScatterElements')).toBe(true);
    const actual = await runner.run(ntXentLoss, views, { temperature });
    const expected = referenceLossAndGradients(ntXentLoss, views, { temperature });
    expect(expected.loss[0]!).toBeLessThan(1e-10);
    expect(Math.abs(actual.loss[0]! - expected.loss[0]!)).toBeLessThanOrEqual(float32Tolerance.loss * expected.loss[0]!);
    for (const name of ['anchors', 'positives']) {
      expect(relativeToLargest(actual.gradients[name]!, expected.gradients[name]!), name).toBeLessThanOrEqual(float32Tolerance.gradient);
    }
  }, 120_000);

  it('three views (two positives per row), 256 samples, D = 128, T = 0.026: the same bound', async () => {
    const base = gaussians(256 * 128, 13);
    const jitter = [1, 2].map((view) => gaussians(base.length, 100 + view, 0.01));
    const values = [base, ...jitter.map((noise) => base.map((v, i) => Math.fround(v + noise[i]!)))].flat();
    const inputs = { embeddings: { values, shape: [768, 128] } };
    const options = { views: 3, temperature: 0.026 };
    const actual = await runner.run(simclrInfoNce, inputs, options);
    const expected = referenceLossAndGradients(simclrInfoNce, inputs, options);
    expect(relativeToLargest(actual.gradients['embeddings']!, expected.gradients['embeddings']!)).toBeLessThanOrEqual(float32Tolerance.gradient);
  }, 120_000);
});

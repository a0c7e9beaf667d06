import { contrastiveLoss, infoNce, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { traceLoss } from './export-onnx.js';
import { expectRunnerMatchesReference, float32Tolerance, gaussians, referenceLossAndGradients, relativeToLargest } from './loss-samples.test-support.js';
import { createOnnxLossRunner, type HostTensor } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';

const infoNceLoss = infoNce as unknown as LossDefinition<string, object>;
const contrastive = contrastiveLoss as unknown as LossDefinition<string, object>;
const opCounts = (loss: LossDefinition<string, object>, options: object, n: number) => {
  const traced = traceLoss(loss, loss.resolveOptions(options), { anchors: [n, 8], positives: [n, 8] }, {});
  const counts = new Map<string, number>();
  for (const node of traced.model.graph.node) counts.set(node.op_type, (counts.get(node.op_type) ?? 0) + 1);
  return counts;
};

// Outside the kernel the graph holds no ReduceMax (the L2 normalisation takes none, decision 0003) and, for InfoNCE,
// one [n, 1] Exp (the positive's term); the counts below are the kernel's own on top of those.
const products = (ops: Map<string, number>) => (ops.get('Gemm') ?? 0) + (ops.get('MatMul') ?? 0);

describe('fused cross-view kernel, one direction (in-batch InfoNCE, the contrastive loss): when it applies', () => {
  it('constant shift (unit rows, T >= 1/40): three products (s - scale, E p, E^T (u a)), one ScatterElements, no row max', () => {
    for (const [loss, options, exps] of [[infoNceLoss, {}, 2], [contrastive, {}, 1], [infoNceLoss, { temperature: 0.05 }, 2]] as const) {
      const ops = opCounts(loss, options, 16);
      expect(products(ops)).toBe(3);
      expect(ops.get('ScatterElements')).toBe(1);
      expect(ops.get('GatherElements')).toBe(1);
      expect(ops.get('Exp')).toBe(exps);
      expect(ops.has('ReduceMax')).toBe(false);
      expect(ops.has('Transpose')).toBe(false);
    }
  });
  it('row maxima (T = 0.01, or rows not normalised): one ReduceMax over the rows added, still three products', () => {
    const cases = [[infoNceLoss, { temperature: 0.01 }, 2, 1], [contrastive, { temperature: 0.01 }, 1, 1], [infoNceLoss, { normalize: false }, 2, 1]] as const;
    for (const [loss, options, exps, maxima] of cases) {
      const ops = opCounts(loss, options, 16);
      expect(products(ops)).toBe(3);
      expect(ops.get('ReduceMax')).toBe(maxima);
      expect(ops.get('Exp')).toBe(exps);
      expect(ops.get('ScatterElements')).toBe(1);
    }
  });
});

const views = (n: number, d: number, seed: number) => ({
  anchors: { values: gaussians(n * d, seed), shape: [n, d] },
  positives: { values: gaussians(n * d, seed + 1), shape: [n, d] },
});

describe.each(nodeRuntimes)('fused cross-view kernel, one direction and decoupled, on %s', (_, runtime) => {
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  const expectReference = (loss: LossDefinition<string, object>, inputs: Record<string, HostTensor>, options: object) =>
    expectRunnerMatchesReference(runner, loss, inputs, options);

  it.each([0.5, 0.1, 0.01, 0.002])('in-batch InfoNCE matches the float64 reference at T = %s (one direction, symmetric, raw rows)', async (temperature) => {
    const inputs = views(96, 16, 3);
    await expectReference(infoNceLoss, inputs, { temperature, reduction: 'none' });
    await expectReference(infoNceLoss, inputs, { temperature, symmetric: true });
    await expectReference(infoNceLoss, views(48, 8, 7), { temperature, normalize: false, reduction: 'sum' });
  });

  it.each([0.5, 0.1, 0.01, 0.002])('the contrastive loss (decoupled) matches the float64 reference at T = %s, both forms', async (temperature) => {
    const inputs = views(96, 16, 5);
    await expectReference(contrastive, inputs, { temperature, reduction: 'none' });
    await expectReference(contrastive, inputs, { temperature, symmetric: true });
  });
});

describe('fused one-direction kernel on onnxruntime-node: digits when the positive dominates', () => {
  const [, runtime] = nodeRuntimes[0]!;
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  // 1024 pairs, D = 128, positives within 1% of their anchors, T = 0.026: loss ~1e-11, far below float32's 1e-7 of
  // `softmax - 1`. The loss comes as log1p(rest / e) and the positive's coefficient from the negatives' mass, so the
  // loss and every gradient keep the float32 tier relative to their own size.
  it('in-batch InfoNCE, 1024 pairs, D = 128, T = 0.026: loss and gradients within the float32 tier of their own size', async () => {
    const anchors = gaussians(1024 * 128, 21);
    const jitter = gaussians(anchors.length, 22, 0.01);
    const inputs = {
      anchors: { values: anchors, shape: [1024, 128] },
      positives: { values: anchors.map((v, i) => Math.fround(v + jitter[i]!)), shape: [1024, 128] },
    };
    const actual = await runner.run(infoNceLoss, inputs, { temperature: 0.026 });
    const expected = referenceLossAndGradients(infoNceLoss, inputs, { temperature: 0.026 });
    expect(expected.loss[0]!).toBeLessThan(1e-5);
    expect(Math.abs(actual.loss[0]! - expected.loss[0]!)).toBeLessThanOrEqual(float32Tolerance.loss * expected.loss[0]!);
    for (const name of ['anchors', 'positives']) {
      expect(relativeToLargest(actual.gradients[name]!, expected.gradients[name]!), name).toBeLessThanOrEqual(float32Tolerance.gradient);
    }
  }, 120_000);
});

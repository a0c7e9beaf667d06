import { describe, expect, it } from 'vitest';
import { contrastiveLoss } from '../losses/contrastive-loss.js';
import { infoNce } from '../losses/info-nce.js';
import { computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend, type ReferenceTensor } from '../reference/reference-backend.js';
import type { TensorBackend } from '../tensor-backend.js';
import { composedCrossViewCrossEntropy, type CrossViewInputs } from './cross-view-cross-entropy.js';
import { fusedCrossViewCrossEntropy } from './fused-cross-view-cross-entropy.js';
import type { CrossViewPlan } from './fused-cross-view-passes.js';
import { densePasses, expectClose, rows } from './fused-cross-view.test-support.js';
import { diagonalPairing } from './pairing-ids.js';

type T = ReferenceTensor;
const b = createReferenceBackend();
const fused = fusedCrossViewCrossEntropy(densePasses(b));
const composed = composedCrossViewCrossEntropy<T>();
const read = (x: T | undefined) => (x === undefined ? [] : Array.from(b.readSync!(x)));

function run(kernel: typeof fused, inputs: CrossViewInputs<T>, weights: number[]) {
  const forward = kernel.forward(b, inputs);
  const grads = kernel.backward(b, forward.saved, b.fromArray(weights, [weights.length]));
  return { rowLosses: read(forward.rowLosses), anchors: read(grads.anchors), keys: read(grads.keys), scale: read(grads.scale), saved: forward.saved };
}

function inputsFor(n: number, scale: number, unit: boolean, inDenominator: boolean, directions: 1 | 2): CrossViewInputs<T> {
  return {
    anchors: b.fromArray(rows(n, 5, 3, unit), [n, 5]), keys: b.fromArray(rows(n, 5, 11, unit), [n, 5]), scale: b.fill([], scale),
    pairing: diagonalPairing(b, n, inDenominator), learnableScale: true, rowNormsAtMostOne: unit, directions,
  };
}

const planOf = (saved: unknown) => (saved as { plan: CrossViewPlan }).plan;

describe('fusedCrossViewCrossEntropy, one direction and decoupled (core math, dense passes, float64)', () => {
  const cases = [
    ['temperature 0.5, unit rows (constant shift)', 2, true],
    ['temperature 0.07, unit rows (constant shift)', 1 / 0.07, true],
    ['temperature 0.01, unit rows (row maxima)', 100, true],
    ['temperature 0.001, unit rows (row maxima)', 1000, true],
    ['scale 3, rows not normalised (row maxima)', 3, false],
  ] as const;
  const forms = [
    ['one direction', 1, true],
    ['one direction, decoupled', 1, false],
    ['two directions, decoupled', 2, false],
  ] as const;
  for (const [form, directions, inDenominator] of forms) {
    it.each(cases)(`${form}, %s: equals the composed kernel, all three gradients`, (_name, scale, unit) => {
      const n = 7;
      const weights = Array.from({ length: n }, (_, i) => 0.5 + i / 10);
      const actual = run(fused, inputsFor(n, scale, unit, inDenominator, directions), weights);
      const expected = run(composed, inputsFor(n, scale, unit, inDenominator, directions), weights);
      const plan = planOf(actual.saved);
      expect(plan).toMatchObject({ directions, positivesInDenominator: inDenominator });
      expect(plan.constantShift).toBe(unit && scale <= 40 ? scale : undefined);
      expect(actual.rowLosses).toHaveLength(n);
      for (const key of ['rowLosses', 'anchors', 'keys', 'scale'] as const) expectClose(actual[key], expected[key], 1e-12);
    });
  }

  it('a fixed scale above maximumRowShift (temperature below 0.001) runs the composed kernel; a learnable one does not', () => {
    const fixed = { ...inputsFor(4, 2000, true, true, 1), learnableScale: false };
    expect(run(fused, fixed, [1, 1, 1, 1]).saved).not.toHaveProperty('plan');
    expect(run(fused, { ...fixed, scale: b.fill([], 1000) }, [1, 1, 1, 1]).saved).toHaveProperty('plan');
    expect(run(fused, inputsFor(4, 2000, true, true, 1), [1, 1, 1, 1]).saved).toHaveProperty('plan');
  });

  it('one direction, n = 1: the loss is 0 and so are the gradients (the positive is the whole denominator)', () => {
    const actual = run(fused, inputsFor(1, 10, true, true, 1), [1]);
    expect(planOf(actual.saved).directions).toBe(1);
    expect(actual.rowLosses).toEqual([0]);
    for (const key of ['anchors', 'keys', 'scale'] as const) actual[key].forEach((x) => expect(x).toBe(0));
  });

  it('one direction keeps the digits of a dominating positive (loss ~1e-9): against the stated closed form', () => {
    // Row i: l_i = log1p(sum_{j != i} exp(s_ij - s_ii)); dl_i/d a_i = scale * sum_{j != i} q_ij (p_j - p_i), with
    // q_ij = exp(s_ij - s_ii) / (1 + rest_i), computed here term by term in float64 from the gaps (no cancellation).
    const n = 5;
    const width = 4;
    const base = rows(n, width, 5, true);
    const near = base.map((x, i) => x + 1e-3 * Math.sin(i));
    const scale = 25;
    const inputs: CrossViewInputs<T> = {
      anchors: b.fromArray(base, [n, width]), keys: b.fromArray(near, [n, width]), scale: b.fill([], scale),
      pairing: diagonalPairing(b, n, true), learnableScale: false, rowNormsAtMostOne: false, directions: 1,
    };
    const actual = run(fused, inputs, new Array<number>(n).fill(1));
    const row = (x: number[], i: number) => x.slice(i * width, (i + 1) * width);
    const dot = (x: number[], y: number[]) => x.reduce((sum, v, k) => sum + v * y[k]!, 0);
    for (let i = 0; i < n; i += 1) {
      const a = row(base, i);
      const gaps = Array.from({ length: n }, (_, j) => scale * dot(a, row(near, j).map((v, k) => v - row(near, i)[k]!)));
      const terms = gaps.map((g, j) => (j === i ? 0 : Math.exp(g)));
      const rest = terms.reduce((sum, t) => sum + t, 0);
      expect(Math.abs(actual.rowLosses[i]! - Math.log1p(rest))).toBeLessThanOrEqual(1e-12 * Math.log1p(rest));
      const gradient = Array.from({ length: width }, (_, k) => scale * terms.reduce((sum, t, j) => sum + (t / (1 + rest)) * (row(near, j)[k]! - row(near, i)[k]!), 0));
      expectClose(row(actual.anchors, i), gradient, 1e-9);
    }
  });

  it('routes in-batch InfoNCE and the contrastive loss (both forms) through the fused kernel, matching the reference', () => {
    let calls = 0;
    const counting = densePasses(b);
    const forward = counting.forward;
    counting.forward = (...args) => { calls += 1; return forward(...args); };
    const backend: TensorBackend<T> = { ...b, fused: { ...b.fused, crossViewCrossEntropy: fusedCrossViewCrossEntropy(counting) } };
    const n = 6;
    const inputs = () => ({ anchors: b.fromArray(rows(n, 4, 21, false), [n, 4]), positives: b.fromArray(rows(n, 4, 23, false), [n, 4]) });
    const runs = [
      () => [computeLossAndGradients(backend, infoNce, inputs(), { temperature: 0.01 }), computeLossAndGradients(b, infoNce, inputs(), { temperature: 0.01 })],
      () => [computeLossAndGradients(backend, infoNce, inputs(), { symmetric: true }), computeLossAndGradients(b, infoNce, inputs(), { symmetric: true })],
      () => [computeLossAndGradients(backend, infoNce, inputs(), { normalize: false }), computeLossAndGradients(b, infoNce, inputs(), { normalize: false })],
      () => [computeLossAndGradients(backend, contrastiveLoss, inputs(), {}), computeLossAndGradients(b, contrastiveLoss, inputs(), {})],
      () => [computeLossAndGradients(backend, contrastiveLoss, inputs(), { temperature: 0.01, symmetric: true }), computeLossAndGradients(b, contrastiveLoss, inputs(), { temperature: 0.01, symmetric: true })],
    ];
    for (const pair of runs) {
      const [actual, expected] = pair();
      expectClose(read(actual!.loss), read(expected!.loss), 1e-12);
      for (const key of ['anchors', 'positives'] as const) expectClose(read(actual!.gradients[key]!), read(expected!.gradients[key]!), 1e-12);
    }
    expect(calls).toBe(runs.length);
  });
});

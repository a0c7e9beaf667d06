import { describe, expect, it } from 'vitest';
import { clip } from '../losses/clip.js';
import { computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import type { TensorBackend } from '../tensor-backend.js';
import type { ReferenceTensor } from '../reference/reference-backend.js';
import { composedCrossViewCrossEntropy, type CrossViewInputs } from './cross-view-cross-entropy.js';
import { fusedCrossViewCrossEntropy } from './fused-cross-view-cross-entropy.js';
import { densePasses, expectClose, rows } from './fused-cross-view.test-support.js';
import { diagonalPairing } from './pairing-ids.js';

const b = createReferenceBackend();
type T = ReferenceTensor;

const fused = fusedCrossViewCrossEntropy(densePasses(b));
const composed = composedCrossViewCrossEntropy<T>();

function run(kernel: typeof fused, inputs: CrossViewInputs<T>, weights: number[]) {
  const forward = kernel.forward(b, inputs);
  const grads = kernel.backward(b, forward.saved, b.fromArray(weights, [weights.length]));
  const read = (x: T | undefined) => (x === undefined ? [] : Array.from(b.readSync!(x)));
  return { rowLosses: read(forward.rowLosses), anchors: read(grads.anchors), keys: read(grads.keys), scale: read(grads.scale), saved: forward.saved };
}

describe('fusedCrossViewCrossEntropy (core math, dense passes, float64)', () => {
  it.each([
    ['temperature 0.5, unit rows (constant shift)', 2, true],
    ['temperature 0.07, unit rows (row and column maxima)', 1 / 0.07, true],
    ['temperature 0.01 (CLIP scale 100), unit rows', 100, true],
    ['scale 3, rows not normalised (maxima)', 3, false],
    ['scale 2000, unit rows (no bound on the scale)', 2000, true],
  ] as const)('%s: equals the composed kernel, all three gradients', (_name, scale, unit) => {
    const n = 7;
    const inputs: CrossViewInputs<T> = {
      anchors: b.fromArray(rows(n, 5, 3, unit), [n, 5]), keys: b.fromArray(rows(n, 5, 11, unit), [n, 5]),
      scale: b.fill([], scale), pairing: diagonalPairing(b, n, true), learnableScale: true, rowNormsAtMostOne: unit,
    };
    const weights = Array.from({ length: n }, (_, i) => 0.5 + i / 10);
    const actual = run(fused, inputs, weights);
    const expected = run(composed, inputs, weights);
    expect(actual.saved).toHaveProperty('plan');
    const plan = (actual.saved as { plan: { constantShift?: number; presetShift?: boolean } }).plan;
    expect(plan.constantShift).toBe(unit && scale <= 40 ? scale : undefined);
    // Decision 0014: the preset line shift is offered on unit rows above the constant shift, up to maximumPresetShift.
    expect(plan.presetShift).toBe(unit && scale > 40 && scale <= 100 ? true : undefined);
    for (const key of ['rowLosses', 'anchors', 'keys', 'scale'] as const) expectClose(actual[key], expected[key], 1e-12);
  });

  it('keeps the digits of a dominating positive: the diagonal coefficient from the negatives\' mass', () => {
    // Views within 1e-3 of each other at scale 20: loss ~1e-8, where `softmax - 1` would lose ~8 digits in float32.
    const n = 6;
    const base = rows(n, 4, 5, true);
    const near = base.map((x, i) => x + 1e-3 * Math.sin(i));
    const inputs: CrossViewInputs<T> = {
      anchors: b.fromArray(base, [n, 4]), keys: b.fromArray(near, [n, 4]), scale: b.fill([], 20),
      pairing: diagonalPairing(b, n, true), learnableScale: true, rowNormsAtMostOne: false,
    };
    const weights = new Array<number>(n).fill(1);
    const actual = run(fused, inputs, weights);
    const expected = run(composed, inputs, weights);
    for (const key of ['rowLosses', 'anchors', 'keys', 'scale'] as const) expectClose(actual[key], expected[key], 1e-10);
  });

  it('falls back to the composed kernel when the pairing is not diagonal', () => {
    const n = 4;
    const pairing = { ...diagonalPairing(b, n, true), keyGroups: b.fromArray([0, 0, 2, 3], [1, n]) };
    const inputs: CrossViewInputs<T> = { anchors: b.fromArray(rows(n, 3, 1, true), [n, 3]), keys: b.fromArray(rows(n, 3, 2, true), [n, 3]), scale: b.fill([], 5), pairing, learnableScale: false };
    expect(run(fused, inputs, [1, 1, 1, 1]).saved).not.toHaveProperty('plan');
  });

  it('routes CLIP through the backend\'s fused crossViewCrossEntropy and matches the composed loss', () => {
    const n = 5;
    const backend: TensorBackend<T> = { ...b, fused: { ...b.fused, crossViewCrossEntropy: fusedCrossViewCrossEntropy(densePasses(b)) } };
    let calls = 0;
    const counting = { ...densePasses(b) };
    const forward = counting.forward;
    counting.forward = (...args) => { calls += 1; return forward(...args); };
    const counted: TensorBackend<T> = { ...b, fused: { ...b.fused, crossViewCrossEntropy: fusedCrossViewCrossEntropy(counting) } };
    for (const scale of [2, 100]) {
      const inputs = () => ({ anchors: b.fromArray(rows(n, 6, 7, false), [n, 6]), positives: b.fromArray(rows(n, 6, 9, false), [n, 6]), logitScale: b.fromArray([scale], []) });
      const actual = computeLossAndGradients(backend, clip, inputs());
      const expected = computeLossAndGradients(b, clip, inputs());
      computeLossAndGradients(counted, clip, inputs());
      const read = (x: T) => Array.from(b.readSync!(x));
      expectClose(read(actual.loss), read(expected.loss), 1e-12);
      for (const key of ['anchors', 'positives', 'logitScale'] as const) expectClose(read(actual.gradients[key]!), read(expected.gradients[key]!), 1e-12);
    }
    expect(calls).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { checkLossMemory } from '../contract/working-set.js';
import { ContrastiveResourceError } from '../errors.js';
import { sigLip } from '../losses/sig-lip.js';
import { createReferenceBackend, type ReferenceTensor } from '../reference/reference-backend.js';
import type { TensorBackend } from '../tensor-backend.js';
import { fusedSigmoidPairwise, type SigmoidPairwisePasses } from './fused-sigmoid-pairwise.js';
import { rows } from './fused-cross-view.test-support.js';
import { composedSigmoidPairwise, type SigmoidPairwise, type SigmoidPairwiseInputs } from './sigmoid-pairwise.js';

type T = ReferenceTensor;
const b = createReferenceBackend();

/** The passes written with primitives and a dense diagonal mask: slow, exact, for checking core's part. */
function densePasses(backend: TensorBackend<T>): SigmoidPairwisePasses<T> {
  const eye = (n: number) => backend.equal(backend.fromArray(Array.from({ length: n }, (_, i) => i), [n, 1]), backend.fromArray(Array.from({ length: n }, (_, i) => i), [1, n]));
  return {
    workingMatrices: () => 3,
    forward(scaled, positives, bias, n) {
      const x = backend.add(backend.matmul(scaled, positives, { transposeB: true }), bias);
      const zero = backend.fill([], 0);
      const tail = backend.log1p(backend.exp(backend.neg(backend.abs(x))));
      const softplus = backend.where(eye(n), zero, backend.add(backend.maximum(x, zero), tail));
      const sigmoid = backend.where(eye(n), zero, backend.exp(backend.sub(x, backend.add(backend.maximum(x, zero), tail))));
      return { offDiagonalSums: backend.sum(softplus, 1, true), state: sigmoid };
    },
    products: (left, right, state) => ({
      rows: backend.matmul(state as T, left), columns: backend.matmul(state as T, right, { transposeA: true }), rowSums: backend.sum(state as T, 1, true),
    }),
  };
}

const fused = fusedSigmoidPairwise(densePasses(b));

function run(kernel: SigmoidPairwise<T>, inputs: SigmoidPairwiseInputs<T>, weights: number[]) {
  const forward = kernel.forward(b, inputs);
  const grads = kernel.backward(b, forward.saved, b.fromArray(weights, [weights.length]));
  const read = (x: T) => Array.from(b.readSync!(x));
  return {
    rowLosses: read(forward.rowLosses), anchors: read(grads.anchors), positives: read(grads.positives),
    logTemperature: read(grads.logTemperature), bias: read(grads.bias),
  };
}

const inputsOf = (n: number, a: number[], p: number[], scale: number, bias: number): SigmoidPairwiseInputs<T> => ({
  anchors: b.fromArray(a, [n, a.length / n]), positives: b.fromArray(p, [n, p.length / n]),
  logTemperature: b.fill([], Math.log(scale)), bias: b.fill([], bias),
});

function expectClose(actual: number[], expected: number[], relative: number) {
  const scale = Math.max(...expected.map(Math.abs));
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(relative * scale));
}

describe('fusedSigmoidPairwise (core math, dense passes, float64)', () => {
  it.each([
    ['SigLIP init t = 10, bias -10, unit rows', 10, -10, true],
    ['t = 100, bias -10, unit rows', 100, -10, true],
    ['t = 3, bias 2, raw rows', 3, 2, false],
    ['t = 1000, bias -10, raw rows (logits in the hundreds)', 1000, -10, false],
  ] as const)('%s: equals the composed kernel, all four gradients', (_name, scale, bias, unit) => {
    const n = 7;
    const inputs = inputsOf(n, rows(n, 5, 3, unit), rows(n, 5, 11, unit), scale, bias);
    const weights = Array.from({ length: n }, (_, i) => 0.5 + i / 10);
    const actual = run(fused, inputs, weights);
    const expected = run(composedSigmoidPairwise<T>(), inputs, weights);
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) expectClose(actual[key], expected[key], 1e-12);
  });

  it('keeps the digits of row losses near 1e-21 (positives that dominate), written from the definition', () => {
    const n = 4;
    const near = (seed: number) => rows(n, n, seed, false).map((v, k) => (Math.floor(k / n) === k % n ? 1 : 0) + 0.05 * v);
    const [a, p] = [near(5), near(9)];
    const softplus = (u: number) => Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
    const dot = (i: number, j: number) => Array.from({ length: n }, (_, k) => a[i * n + k]! * p[j * n + k]!).reduce((s, v) => s + v, 0);
    const expected = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => softplus((i === j ? -1 : 1) * (100 * dot(i, j) - 50))).reduce((s, v) => s + v, 0));
    const actual = run(fused, inputsOf(n, a, p, 100, -50), Array(n).fill(1)).rowLosses;
    expected.forEach((e, i) => {
      expect(e).toBeLessThan(1e-15);
      expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(1e-12 * e);
    });
  });

  it('takes a saved state of the composed kernel through the composed backward', () => {
    const inputs = inputsOf(3, rows(3, 2, 1, true), rows(3, 2, 2, true), 10, -10);
    const composed = run(composedSigmoidPairwise<T>(), inputs, [1, 1, 1]);
    const saved = composedSigmoidPairwise<T>().forward(b, inputs).saved;
    const grads = fused.backward(b, saved, b.fromArray([1, 1, 1], [3]));
    expectClose(Array.from(b.readSync!(grads.anchors)), composed.anchors, 1e-15);
  });
});

describe('the resource guard with a fused sigmoidPairwise', () => {
  const shapes = { anchors: [4096, 128], positives: [4096, 128], logTemperature: [], bias: [] };
  const matrix = 4096 * 4096 * 8; // float64 bytes
  it('counts the composed kernel 12 matrices, a fused one its own count', () => {
    const budget = 6 * matrix;
    const composed = createReferenceBackend({ memoryBudgetBytes: budget });
    expect(() => checkLossMemory(composed, sigLip, shapes, sigLip.defaults)).toThrow(ContrastiveResourceError);
    expect(() => checkLossMemory(composed, sigLip, shapes, sigLip.defaults)).toThrow(/12 live matrices/);
    const withFused = { ...composed, fused: { sigmoidPairwise: fused } };
    expect(() => checkLossMemory(withFused, sigLip, shapes, sigLip.defaults)).not.toThrow();
    expect(() => checkLossMemory({ ...withFused, capabilities: { ...composed.capabilities, memoryBudgetBytes: 2 * matrix } }, sigLip, shapes, sigLip.defaults)).toThrow(/3 live matrices/);
  });
});

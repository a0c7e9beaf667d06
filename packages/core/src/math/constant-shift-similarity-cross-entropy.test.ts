import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../reference/reference-backend.js';
import type { TensorBackend } from '../tensor-backend.js';
import { constantShiftSimilarityCrossEntropy, type ConstantShiftPasses } from './constant-shift-similarity-cross-entropy.js';
import { composedSimilarityCrossEntropy, type SimilarityCrossEntropy, type SimilarityCrossEntropyInputs } from './similarity-cross-entropy.js';

const b = createReferenceBackend();
type T = ReturnType<typeof b.fill>;

/**
 * The two [n, n] passes written with primitives and dense masks: slow, exact, for checking core's part. The
 * row shift takes each row's maximum over its negatives and positives; the product is `u (E' z) + E'^T (u z)`.
 */
function densePasses(backend: TensorBackend<T>, rowShift = true): ConstantShiftPasses<T> {
  const selection = (rows: Int32Array, n: number) => {
    const values = new Float64Array(rows.length * n);
    rows.forEach((row, i) => { values[i * n + row] = 1; });
    return backend.fromArray(values, [rows.length, n]);
  };
  return {
    rowShift,
    knownValues: (x) => backend.readSync!(x),
    gatherRows: (x, rows) => backend.matmul(selection(rows, backend.shape(x)[0]!), x),
    restSums(z, plan, positiveLogits) {
      const n = plan.pairing.rows;
      const width = plan.pairing.zeroedColumns.length / n;
      const keep = new Float64Array(n * n).fill(1);
      plan.pairing.zeroedColumns.forEach((column, index) => { keep[Math.floor(index / width) * n + column] = 0; });
      const scale = backend.fill([], plan.scale);
      const logits = backend.mul(backend.matmul(z, z, { transposeB: true }), scale);
      const kept = backend.equal(backend.fromArray(keep, [n, n]), backend.fill([], 1));
      const masked = backend.where(kept, logits, backend.fill([], -Infinity));
      const shift = plan.rowShift ? positiveLogits.reduce((h, p) => backend.maximum(h, p), backend.max(masked, 1, true)) : scale;
      const zeroed = backend.exp(backend.sub(masked, shift));
      return { rest: backend.sum(zeroed, 1, true), state: zeroed, ...(plan.rowShift ? { shift } : {}) };
    },
    symmetricProduct: (z, _plan, u, state) =>
      backend.add(backend.mul(u, backend.matmul(state as T, z)), backend.matmul(state as T, backend.mul(u, z), { transposeA: true })),
  };
}

function unitRows(rows: number, columns: number, seed: number): T {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const values = Array.from({ length: rows }, () => {
    const row = Array.from({ length: columns }, next);
    const norm = Math.hypot(...row);
    return row.map((v) => v / norm);
  });
  return b.fromArray(values.flat(), [rows, columns]);
}

function selfInputs(groups: number[], scale: number, seed: number): SimilarityCrossEntropyInputs<T> {
  const n = groups.length;
  const ids = Array.from({ length: n }, (_, i) => i);
  const z = unitRows(n, 5, seed);
  return {
    anchors: z, keys: z, scale: b.fill([], scale), keysAreAnchors: true, learnableScale: false, rowNormsAtMostOne: true,
    pairing: { anchorIds: b.fromArray(ids, [n, 1]), keyIds: b.fromArray(ids, [1, n]), anchorGroups: b.fromArray(groups, [n, 1]), keyGroups: b.fromArray(groups, [1, n]), positivesInDenominator: true },
  };
}

function run(kernel: SimilarityCrossEntropy<T>, inputs: SimilarityCrossEntropyInputs<T>, weights: number[]) {
  const forward = kernel.forward(b, inputs);
  const gradients = kernel.backward(b, forward.saved, b.fromArray(weights, [weights.length]));
  return { rowLosses: b.readSync!(forward.rowLosses), counts: b.readSync!(forward.positiveCounts), anchors: b.readSync!(gradients.anchors), saved: forward.saved };
}

const kernel = constantShiftSimilarityCrossEntropy(densePasses(b));
const composed = composedSimilarityCrossEntropy<T>();

describe('constantShiftSimilarityCrossEntropy (core math, dense passes, float64)', () => {
  it.each([
    ['two views (NT-Xent)', [0, 1, 2, 3, 0, 1, 2, 3], 10],
    ['three views (two positives per row)', [0, 1, 0, 1, 0, 1], 2],
    ['temperature 1/40, the constant shift\'s limit', [0, 1, 2, 0, 1, 2], 40],
    ['temperature 1/41, shifted by row maxima', [0, 1, 2, 0, 1, 2], 41],
    ['temperature 0.01 (CLIP\'s scale 100), shifted by row maxima', [0, 1, 2, 3, 0, 1, 2, 3], 100],
    ['temperature 0.001, three views, shifted by row maxima', [0, 1, 0, 1, 0, 1], 1000],
  ] as const)('%s: equals the composed kernel to 1e-12', (_name, groups, scale) => {
    const weights = groups.map((_, i) => 0.5 + i / 10);
    const actual = run(kernel, selfInputs([...groups], scale, 7), weights);
    const expected = run(composed, selfInputs([...groups], scale, 7), weights);
    expect((actual.saved.extra as { plan?: unknown }).plan).toBeDefined();
    for (const key of ['rowLosses', 'counts', 'anchors'] as const) {
      actual[key].forEach((v, i) => expect(Math.abs(v - expected[key][i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[key][i]!))));
    }
  });

  it('tells the resource guard what each path keeps: 3 matrices shifted by a constant, 5 by row maxima, 16 composed', () => {
    const query = { rows: 8, columns: 8, selfSimilarity: true, normalized: true };
    expect(kernel.workingMatrices!({ ...query, scale: 10, constantShift: true, rowShift: false })).toBe(3);
    expect(kernel.workingMatrices!({ ...query, scale: 100, constantShift: false, rowShift: true })).toBe(5);
    expect(kernel.workingMatrices!({ ...query, scale: 2000, constantShift: false, rowShift: false })).toBe(16);
    const constantOnly = constantShiftSimilarityCrossEntropy(densePasses(b, false));
    expect(constantOnly.workingMatrices!({ ...query, scale: 100, constantShift: false, rowShift: true })).toBe(16);
  });

  it('falls back to the composed kernel above scale 40 without row-shift passes, above scale 1000, without the unit-row promise, or for uneven pairings', () => {
    const fallback = (inputs: SimilarityCrossEntropyInputs<T>) => (kernel.forward(b, inputs).saved.extra as { plan?: unknown }).plan === undefined;
    const constantOnly = constantShiftSimilarityCrossEntropy(densePasses(b, false));
    expect((constantOnly.forward(b, selfInputs([0, 1, 0, 1], 41, 1)).saved.extra as { plan?: unknown }).plan).toBeUndefined();
    expect((constantOnly.forward(b, selfInputs([0, 1, 0, 1], 40, 1)).saved.extra as { plan?: unknown }).plan).toBeDefined();
    expect(fallback(selfInputs([0, 1, 0, 1], 41, 1))).toBe(false);
    expect(fallback(selfInputs([0, 1, 0, 1], 1000, 1))).toBe(false);
    expect(fallback(selfInputs([0, 1, 0, 1], 1001, 1))).toBe(true);
    expect(fallback({ ...selfInputs([0, 1, 0, 1], 10, 1), rowNormsAtMostOne: false })).toBe(true);
    // SupCon-like groups with different positive counts per row.
    expect(fallback(selfInputs([0, 0, 0, 1, 1, 2], 10, 1))).toBe(true);
    expect(fallback(selfInputs([0, 1, 0, 1], 10, 1))).toBe(false);
  });
});

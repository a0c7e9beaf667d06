import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../reference/reference-backend.js';
import type { TensorBackend } from '../tensor-backend.js';
import { constantShiftPlan, constantShiftSimilarityCrossEntropy, type ConstantShiftPasses } from './constant-shift-similarity-cross-entropy.js';
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

function selfInputs(groups: number[], scale: number, seed: number, positivesInDenominator = true, z = unitRows(groups.length, 5, seed)): SimilarityCrossEntropyInputs<T> {
  const n = groups.length;
  const ids = Array.from({ length: n }, (_, i) => i);
  return {
    anchors: z, keys: z, scale: b.fill([], scale), keysAreAnchors: true, learnableScale: false, rowNormsAtMostOne: true,
    pairing: { anchorIds: b.fromArray(ids, [n, 1]), keyIds: b.fromArray(ids, [1, n]), anchorGroups: b.fromArray(groups, [n, 1]), keyGroups: b.fromArray(groups, [1, n]), positivesInDenominator },
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

/**
 * DCL's decoupled loss and gradient written out in float64 loops: `l_i = log sum_{j in neg(i)} exp(s_ij) -
 * mean_{p in pos(i)} s_ip` with `s = scale z z^T`, `G_ij = w_i softmax_neg(i)(s_i)_j` on the negatives and
 * `-w_i / |pos(i)|` on the positives, `d z = scale (G + G^T) z`.
 */
function decoupledByLoops(rows: number[][], groups: number[], scale: number, weights: number[]) {
  const n = rows.length;
  const dot = (a: number[], c: number[]) => a.reduce((sum, v, t) => sum + v * c[t]!, 0);
  const s = rows.map((a) => rows.map((c) => scale * dot(a, c)));
  const g = rows.map(() => new Array<number>(n).fill(0));
  const rowLosses = rows.map((_, i) => {
    const negatives = groups.flatMap((group, j) => (group !== groups[i] ? [j] : []));
    const positives = groups.flatMap((group, j) => (group === groups[i] && j !== i ? [j] : []));
    const top = Math.max(...negatives.map((j) => s[i]![j]!));
    const sum = negatives.reduce((acc, j) => acc + Math.exp(s[i]![j]! - top), 0);
    negatives.forEach((j) => { g[i]![j] = (weights[i]! * Math.exp(s[i]![j]! - top)) / sum; });
    positives.forEach((j) => { g[i]![j] = -weights[i]! / positives.length; });
    return Math.log(sum) + positives.reduce((acc, j) => acc + (top - s[i]![j]!), 0) / positives.length;
  });
  const anchors = rows.flatMap((_, a) => rows[0]!.map((_v, t) => scale * rows.reduce((acc, row, j) => acc + (g[a]![j]! + g[j]![a]!) * row[t]!, 0)));
  return { rowLosses, anchors };
}

describe('constantShiftSimilarityCrossEntropy, decoupled (DCL: positives outside the denominator)', () => {
  const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number) => {
    const largest = Math.max(...Array.from(expected, Math.abs));
    Array.from(actual).forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(relative * Math.max(1, largest)));
  };
  it.each([
    ['two views, scale 14.3 (constant shift)', [0, 1, 2, 3, 0, 1, 2, 3], 14.3],
    ['three views, scale 10 (two positives per row)', [0, 1, 0, 1, 2, 2], 10],
    ['two views, scale 100 (row maxima)', [0, 1, 2, 0, 1, 2], 100],
  ] as const)('%s: takes the fast path and equals the float64 loops and the composed kernel', (_name, groups, scale) => {
    const weights = groups.map((_, i) => 0.5 + i / 10);
    const inputs = selfInputs([...groups], scale, 11, false);
    const actual = run(kernel, inputs, weights);
    expect((actual.saved.extra as { plan?: unknown }).plan).toBeDefined();
    const rows = Array.from({ length: groups.length }, (_, i) => Array.from(b.readSync!(inputs.anchors).subarray(5 * i, 5 * i + 5)));
    const loops = decoupledByLoops(rows, [...groups], scale, weights);
    close(actual.rowLosses, loops.rowLosses, 1e-12);
    close(actual.anchors, loops.anchors, 1e-12);
    const composedRun = run(composed, selfInputs([...groups], scale, 11, false), weights);
    close(actual.rowLosses, composedRun.rowLosses, 1e-12);
    close(actual.anchors, composedRun.anchors, 1e-12);
  });

  it('keeps a dominating positive finite at scale 1000: the row shift is the negatives\' maximum, not the positive\'s logit', () => {
    // Row 0's negatives sit at cosine -1 and its positive at ~+1: a shift by the positive's logit would leave
    // exp(-2000) = 0 for every negative (log 0), while the loss is about -2000 + log 2.
    const tilt = Math.hypot(1, 0.01);
    const rows = [[1, 0, 0, 0, 0], [-1, 0, 0, 0, 0], [1 / tilt, 0.01 / tilt, 0, 0, 0], [-1 / tilt, 0.01 / tilt, 0, 0, 0]];
    const groups = [0, 1, 0, 1];
    const weights = [1, 0.5, 0.25, 2];
    const actual = run(kernel, selfInputs(groups, 1000, 0, false, b.fromArray(rows.flat(), [4, 5])), weights);
    expect((actual.saved.extra as { plan?: unknown }).plan).toBeDefined();
    const loops = decoupledByLoops(rows, groups, 1000, weights);
    expect(loops.rowLosses[0]).toBeLessThan(-1990);
    close(actual.rowLosses, loops.rowLosses, 1e-12);
    close(actual.anchors, loops.anchors, 1e-12);
  });

  it('leaves a pairing without negatives to the composed kernel', () => {
    const forward = kernel.forward(b, selfInputs([0, 0], 10, 3, false));
    expect((forward.saved.extra as { plan?: unknown }).plan).toBeUndefined();
  });
});

describe('constantShiftSimilarityCrossEntropy, positives from run-time groups (SupCon labels)', () => {
  /** Dense masks: `P = [g_i == g_j, i != j]`; `G = u E' - a P`; the groups' values hidden from `knownValues` when `hidden`. */
  const groupPasses = (hidden: readonly T[]): ConstantShiftPasses<T> => {
    const dense = densePasses(b);
    const positives = (groups: T) => {
      const n = b.shape(groups)[0]!;
      const same = b.equal(groups, b.reshape(groups, [1, n]));
      const self = b.equal(b.fromArray(Array.from({ length: n }, (_, i) => i), [n, 1]), b.fromArray(Array.from({ length: n }, (_, i) => i), [1, n]));
      return b.where(self, b.fill([], 0), b.where(same, b.fill([], 1), b.fill([], 0)));
    };
    return {
      ...dense,
      knownValues: (x) => (hidden.includes(x) ? undefined : b.readSync!(x)),
      runtimeGroups: {
        restSums(z, plan, groups, floors) {
          const { rest, shift, state } = dense.restSums(z, plan, floors);
          const mask = positives(groups);
          const logits = b.mul(b.matmul(z, z, { transposeB: true }), b.fill([], plan.scale));
          const shifted = b.sub(logits, shift ?? b.fill([], plan.scale));
          const positiveShiftedSums = b.sum(b.mul(mask, shifted), 1, true);
          return { rest, ...(shift ? { shift } : {}), counts: b.sum(mask, 1, true), positiveShiftedSums, state: { zeroed: state, mask } };
        },
        symmetricProduct(z, _plan, u, a, state) {
          const { zeroed, mask } = state as { zeroed: T; mask: T };
          const g = b.sub(b.mul(u, zeroed), b.mul(a, mask));
          return b.matmul(b.add(g, b.transpose(g)), z);
        },
      },
    };
  };
  const supConInputs = (groups: number[], scale: number, hide: boolean) => {
    const inputs = selfInputs(groups, scale, 5);
    const pairing = { ...inputs.pairing, sharedGroups: true };
    return { inputs: { ...inputs, pairing }, hidden: hide ? [pairing.anchorGroups, pairing.keyGroups] : [] };
  };

  it.each([
    ['uneven groups and an anchor without positives, scale 14.3', [0, 0, 0, 1, 1, 2, 3, 3], 14.3],
    ['uneven groups, scale 40 (the constant shift\'s limit)', [5, 5, 5, 5, 2, 2, 7], 40],
    ['uneven groups and an anchor without positives, temperature 0.01 (row maxima)', [0, 0, 0, 1, 1, 2, 3, 3], 100],
    ['every row its own group (no positives at all), scale 10', [0, 1, 2, 3], 10],
    ['one group, temperature 0.001', [4, 4, 4, 4, 4], 1000],
  ] as const)('%s: groups hidden until run time, equals the composed kernel to 1e-12', (_name, groups, scale) => {
    const weights = groups.map((_, i) => 0.5 + i / 10);
    for (const hide of [true, false]) {
      const { inputs, hidden } = supConInputs([...groups], scale, hide);
      const actual = run(constantShiftSimilarityCrossEntropy(groupPasses(hidden)), inputs, weights);
      // Known groups with equal counts (one group) take the index-table path instead.
      const plan = (actual.saved.extra as { plan?: { runtimeGroups?: boolean } }).plan;
      expect(plan?.runtimeGroups ?? false).toBe(hide || new Set(groups).size > 1);
      const expected = run(composed, supConInputs([...groups], scale, false).inputs, weights);
      for (const key of ['rowLosses', 'counts', 'anchors'] as const) {
        actual[key].forEach((v, i) => expect(Math.abs(v - expected[key][i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[key][i]!))));
      }
    }
  });

  it('keeps the groups\' promised period only where it divides the rows and the known groups repeat with it', () => {
    const periodOf = (groups: number[], groupPeriod: number, hide: boolean) => {
      const { inputs, hidden } = supConInputs(groups, 10, hide);
      const plan = constantShiftPlan(groupPasses(hidden), { ...inputs, pairing: { ...inputs.pairing, groupPeriod } });
      return plan?.groupPeriod;
    };
    expect(periodOf([0, 1, 1, 0, 1, 1], 3, true)).toBe(3);
    expect(periodOf([0, 1, 1, 0, 1, 1], 3, false)).toBe(3);
    expect(periodOf([0, 1, 1, 0, 1, 2], 3, false)).toBeUndefined();
    expect(periodOf([0, 1, 1, 0, 1, 1], 4, true)).toBeUndefined();
  });

  it('takes the composed kernel without the shared-groups promise, with more excluded keys than the row itself, or decoupled', () => {
    const planOf = (inputs: SimilarityCrossEntropyInputs<T>, hidden: readonly T[]) =>
      (constantShiftSimilarityCrossEntropy(groupPasses(hidden)).forward(b, inputs).saved.extra as { plan?: unknown }).plan;
    const { inputs, hidden } = supConInputs([0, 0, 1, 1, 1], 10, true);
    expect(planOf(inputs, hidden)).toBeDefined();
    expect(planOf({ ...inputs, pairing: { ...inputs.pairing, sharedGroups: false } }, hidden)).toBeUndefined();
    const duplicates = { ...inputs.pairing, anchorIds: b.fromArray([0, 0, 1, 2, 3], [5, 1]), keyIds: b.fromArray([0, 0, 1, 2, 3], [1, 5]) };
    expect(planOf({ ...inputs, pairing: duplicates }, hidden)).toBeUndefined();
    expect(planOf({ ...inputs, pairing: { ...inputs.pairing, positivesInDenominator: false } }, hidden)).toBeUndefined();
  });
});

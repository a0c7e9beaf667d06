import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { maximumPresetShift, maximumShiftedLogit, minimumPresetDenominator, presetRowShift, type PresetRowShift } from './constant-shift-preset-row-shift.js';
import { constantShiftSimilarityCrossEntropy, type ConstantShiftPasses } from './constant-shift-similarity-cross-entropy.js';
import { composedSimilarityCrossEntropy, type SimilarityCrossEntropy, type SimilarityCrossEntropyInputs } from './similarity-cross-entropy.js';

const b = createReferenceBackend();
type T = ReturnType<typeof b.fill>;

/**
 * Dense passes that take the preset shift (float64, primitives and masks): `E' = exp(s - c)`, and the row maxima
 * for every row when any row's denominator falls below the preset's minimum. `presets` records what each call got.
 */
function presetPasses(presets: { fellBack: boolean }[]): ConstantShiftPasses<T> {
  const selection = (rows: Int32Array, n: number) => {
    const values = new Float64Array(rows.length * n);
    rows.forEach((row, i) => { values[i * n + row] = 1; });
    return b.fromArray(values, [rows.length, n]);
  };
  return {
    rowShift: true,
    presetRowShift: true,
    knownValues: (x) => b.readSync!(x),
    gatherRows: (x, rows) => b.matmul(selection(rows, b.shape(x)[0]!), x),
    restSums(z, plan, positiveLogits, preset?: PresetRowShift<T>) {
      const n = plan.pairing.rows;
      const width = plan.pairing.zeroedColumns.length / n;
      const keep = new Float64Array(n * n).fill(1);
      plan.pairing.zeroedColumns.forEach((column, index) => { keep[Math.floor(index / width) * n + column] = 0; });
      const kept = b.equal(b.fromArray(keep, [n, n]), b.fill([], 1));
      const masked = b.where(kept, b.mul(b.matmul(z, z, { transposeB: true }), b.fill([], plan.scale)), b.fill([], -Infinity));
      const exact = positiveLogits.reduce((h, p) => b.maximum(h, p), b.max(masked, 1, true));
      let shift = exact;
      if (preset) {
        // float32's underflow, which the float64 reference would not show: terms below 2^-126 are lost.
        const shifted = b.exp(b.sub(masked, preset.shift));
        const flushed = b.where(b.greater(shifted, b.fill([], 2 ** -126)), shifted, b.fill([], 0));
        const denominators = b.readSync!(b.add(b.sum(flushed, 1, true), preset.positiveSum));
        const fellBack = Array.from(denominators).some((d) => !(d >= preset.minimumDenominator));
        presets.push({ fellBack });
        if (!fellBack) shift = preset.shift;
      }
      const zeroed = b.exp(b.sub(masked, shift));
      return { rest: b.sum(zeroed, 1, true), state: zeroed, shift };
    },
    symmetricProduct: (z, _plan, u, state) => b.add(b.mul(u, b.matmul(state as T, z)), b.matmul(state as T, b.mul(u, z), { transposeA: true })),
  };
}

function rowsOf(values: number[][]): T {
  return b.fromArray(values.map((row) => { const norm = Math.hypot(...row) || 1; return row.map((v) => v / norm); }).flat(), [values.length, values[0]!.length]);
}

function randomRows(rows: number, columns: number, seed: number): number[][] {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  return Array.from({ length: rows }, () => Array.from({ length: columns }, next));
}

function selfInputs(z: T, groups: number[], scale: number, positivesInDenominator = true): SimilarityCrossEntropyInputs<T> {
  const n = groups.length;
  const ids = Array.from({ length: n }, (_, i) => i);
  return {
    anchors: z, keys: z, scale: b.fill([], scale), keysAreAnchors: true, learnableScale: false, rowNormsAtMostOne: true,
    pairing: { anchorIds: b.fromArray(ids, [n, 1]), keyIds: b.fromArray(ids, [1, n]), anchorGroups: b.fromArray(groups, [n, 1]), keyGroups: b.fromArray(groups, [1, n]), positivesInDenominator },
  };
}

function run(kernel: SimilarityCrossEntropy<T>, inputs: SimilarityCrossEntropyInputs<T>) {
  const n = b.shape(inputs.anchors)[0]!;
  const forward = kernel.forward(b, inputs);
  const gradients = kernel.backward(b, forward.saved, b.fromArray(Array.from({ length: n }, (_, i) => 0.5 + i / 10), [n]));
  return { rowLosses: Array.from(b.readSync!(forward.rowLosses)), anchors: Array.from(b.readSync!(gradients.anchors)) };
}

/** Checks against the composed kernel; returns whether the preset fell back (undefined: no preset given). */
function expectComposed(z: T, groups: number[], scale: number, positivesInDenominator = true): boolean | undefined {
  const presets: { fellBack: boolean }[] = [];
  const actual = run(constantShiftSimilarityCrossEntropy(presetPasses(presets)), selfInputs(z, groups, scale, positivesInDenominator));
  const expected = run(composedSimilarityCrossEntropy<T>(), selfInputs(z, groups, scale, positivesInDenominator));
  expect(presets.length).toBeLessThanOrEqual(1);
  // float64 rounding of logits up to the scale: 1e-12 of the largest entry (or of 1).
  for (const key of ['rowLosses', 'anchors'] as const) {
    const largest = Math.max(1, ...expected[key].map(Math.abs));
    actual[key].forEach((v, i) => expect(Math.abs(v - expected[key][i]!), `${key}[${i}]`).toBeLessThanOrEqual(1e-12 * largest));
  }
  return presets[0]?.fellBack;
}

const twoViews = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5];

describe('presetRowShift (core math, float64)', () => {
  it('bounds every shifted logit by K and is at least each floor', () => {
    const z = rowsOf(randomRows(12, 5, 3));
    const scale = 200;
    const floors = [b.fromArray(Array.from({ length: 12 }, (_, i) => 150 - 10 * i), [12, 1])];
    const { shift, positiveSum, minimumDenominator } = presetRowShift(b, z, scale, floors, true);
    const c = b.readSync!(shift);
    const s = b.readSync!(b.mul(b.matmul(z, z, { transposeB: true }), b.fill([], scale)));
    const K = maximumShiftedLogit(12);
    // n e^K <= e^(71 - ln n): a mean's coefficient (1 / n) / denominator stays at least e^-71, a normal float32.
    expect(K).toBeCloseTo(71 - 2 * Math.log(12), 12);
    for (let i = 0; i < 12; i++) {
      expect(c[i]!).toBeGreaterThanOrEqual(150 - 10 * i);
      // c_i = max(floor, scale |z_i| - K) with |z_i| = 1.
      expect(c[i]!).toBeCloseTo(Math.max(150 - 10 * i, scale - K), 9);
      for (let j = 0; j < 12; j++) expect(s[i * 12 + j]! - c[i]!).toBeLessThanOrEqual(K + 1e-9);
      expect(b.readSync!(positiveSum)[i]!).toBeCloseTo(Math.exp(150 - 10 * i - c[i]!), 12);
    }
    expect(minimumDenominator).toBeCloseTo(12 * Math.exp(-52.7), 30);
    expect(minimumPresetDenominator(12)).toBe(minimumDenominator);
    expect(Array.from(b.readSync!(presetRowShift(b, z, scale, floors, false).positiveSum))).toEqual(new Array(12).fill(0));
  });

  it.each([41, 70, 100])('equals the composed kernel to 1e-12 of the largest entry at scale %s (two views, three views, decoupled)', (scale) => {
    expect(expectComposed(rowsOf(randomRows(12, 5, 7)), twoViews, scale)).toBe(false);
    expect(expectComposed(rowsOf(randomRows(12, 5, 8)), [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], scale)).toBe(false);
    expect(expectComposed(rowsOf(randomRows(12, 5, 9)), twoViews, scale, false)).toBe(false);
  });

  it('is not given above maximumPresetShift (100): the row maxima, exact at scales 101 and 1000', () => {
    expect(maximumPresetShift).toBe(100);
    for (const scale of [101, 1000]) expect(expectComposed(rowsOf(randomRows(12, 5, 7)), twoViews, scale)).toBeUndefined();
  });

  it('keeps the preset where the positives sit near the bound, and falls back where every logit is far below it', () => {
    // Views equal: each row's positive is its own direction (logit = scale), so c = the positive's logit.
    const repeated = randomRows(6, 5, 11);
    expect(expectComposed(rowsOf([...repeated, ...repeated]), twoViews, 100)).toBe(false);
    // Row 0 opposite to all others (which are equal): its every logit is -100, 114 + ln n below its preset
    // `100 - K`, so its denominator underflows (DCL's too); the others' logits are 100 or -100.
    const opposite = Array.from({ length: 12 }, (_, i) => [i === 0 ? 1 : -1, 0, 0]);
    expect(expectComposed(rowsOf(opposite), twoViews, 100)).toBe(true);
    expect(expectComposed(rowsOf(opposite), twoViews, 100, false)).toBe(true);
    // Rows along distinct axes: every logit 0, within 87 of the preset `100 - K` (no fallback).
    const axes = Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 }, (_v, t) => (t === i ? 1 : 0)));
    expect(expectComposed(rowsOf(axes), twoViews, 100)).toBe(false);
  });

  it('keeps zero rows exact (their bound is 0, every logit 0)', () => {
    const rows = randomRows(12, 5, 13);
    rows[0] = [0, 0, 0, 0, 0];
    rows[7] = [0, 0, 0, 0, 0];
    expect(expectComposed(rowsOf(rows), twoViews, 100)).toBe(false);
    expect(expectComposed(rowsOf(rows), twoViews, 50)).toBe(false);
  });
});

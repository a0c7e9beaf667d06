import { describe, expect, it } from 'vitest';
import { computeLoss, computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { contrastiveLoss } from './contrastive-loss.js';
import {
  bothPrecisions,
  createFloat32RoundingBackend,
  dot,
  expectFinite,
  expectGradientsMatchFiniteDifferences,
  expectInputError,
  host,
  logSumExp,
  mean,
  normalizeRows,
  randomMatrix,
  type Matrix,
} from './loss-test-support.js';

/** The definition: `l_i = -s_ii + lse_{j != i} s_ij`, `s = cos / T`; symmetric averages both directions. */
function definitionRows(x: Matrix, y: Matrix, temperature: number, symmetric = false): number[] {
  const direct = (u: Matrix, v: Matrix) => {
    const [nu, nv] = [normalizeRows(u), normalizeRows(v)];
    return nu.map((row, i) => {
      const s = nv.map((key) => dot(row, key) / temperature);
      return -s[i]! + logSumExp(s.filter((_, j) => j !== i));
    });
  };
  const forward = direct(x, y);
  if (!symmetric) return forward;
  const reverse = direct(y, x);
  return forward.map((v, i) => (v + reverse[i]!) / 2);
}

/** The origin document's code, line by line; `round` emulates float32 storage (Math.fround) or float64 (identity). */
function originalContrastiveLoss(x: Matrix, xAug: Matrix, T: number, round: (v: number) => number = (v) => v): number {
  const norm = (row: number[]) => round(Math.sqrt(round(row.reduce((acc, v) => round(acc + round(v * v)), 0))));
  const xAbs = x.map(norm);
  const xAugAbs = xAug.map(norm);
  const sim = x.map((row, i) =>
    xAug.map((aug, j) => {
      const numerator = round(row.reduce((acc, v, k) => round(acc + round(v * aug[k]!)), 0));
      return round(Math.exp(round(round(numerator / round(xAbs[i]! * xAugAbs[j]!)) / T)));
    }),
  );
  const losses = sim.map((row, i) => {
    const pos = row[i]!;
    const total = row.reduce((acc, v) => round(acc + v), 0);
    return round(Math.log(round(pos / round(total - pos))));
  });
  return -round(losses.reduce((acc, v) => round(acc + v), 0) / losses.length);
}

const x = randomMatrix(11, 4, 5);
const xAug = randomMatrix(12, 4, 5);
const inputs = { anchors: host(x), positives: host(xAug) };

describe('contrastiveLoss', () => {
  it('matches the definition written out directly, one direction and symmetric', () => {
    expect(contrastiveLoss.name).toBe('contrastive-loss');
    for (const symmetric of [false, true]) {
      const rows = definitionRows(x, xAug, 0.2, symmetric);
      const b = createReferenceBackend();
      const loss = computeLoss(b, contrastiveLoss, { anchors: b.fromArray(x.flat(), [4, 5]), positives: b.fromArray(xAug.flat(), [4, 5]) }, { temperature: 0.2, symmetric, reduction: 'none' });
      Array.from(b.readSync!(loss)).forEach((v, i) => expect(v).toBeCloseTo(rows[i]!, 12));
    }
  });

  it('matches a transliteration of the original code (float64) where it is finite', () => {
    for (const temperature of [0.1, 0.5, 1]) {
      const b = createReferenceBackend();
      const loss = computeLoss(b, contrastiveLoss, { anchors: b.fromArray(x.flat(), [4, 5]), positives: b.fromArray(xAug.flat(), [4, 5]) }, { temperature });
      expect(b.readSync!(loss)[0]).toBeCloseTo(originalContrastiveLoss(x, xAug, temperature), 10);
    }
  });

  it('has gradients that agree with central finite differences', () => {
    expectGradientsMatchFiniteDifferences(contrastiveLoss, inputs, { temperature: 0.2 });
    const upstream = { values: [0.3, -1.2, 0.7, 2], shape: [4] };
    expectGradientsMatchFiniteDifferences(contrastiveLoss, inputs, { temperature: 0.3, symmetric: true, reduction: 'none' }, upstream);
    expectGradientsMatchFiniteDifferences(contrastiveLoss, inputs, { symmetric: true, reduction: 'sum' });
  });

  it('reduces consistently: sum is the sum of the rows, mean their average', () => {
    const b = createReferenceBackend();
    const value = (reduction: 'mean' | 'sum' | 'none') =>
      Array.from(b.readSync!(computeLoss(b, contrastiveLoss, { anchors: b.fromArray(x.flat(), [4, 5]), positives: b.fromArray(xAug.flat(), [4, 5]) }, { reduction })));
    const rows = value('none');
    expect(rows).toHaveLength(4);
    expect(value('sum')[0]).toBeCloseTo(rows.reduce((a, v) => a + v, 0), 12);
    expect(value('mean')[0]).toBeCloseTo(mean(rows), 12);
  });

  it('stays finite in float64 and float32 at temperature 0.01 with near-identical and collapsed embeddings', () => {
    const base = randomMatrix(5, 1, 6)[0]!;
    const near = randomMatrix(6, 4, 6).map((row) => row.map((v, k) => base[k]! + 1e-4 * v));
    const collapsed = [base, base, base, base];
    for (const [anchors, positives] of [[near, near.slice().reverse()], [collapsed, collapsed]] as const) {
      for (const b of bothPrecisions()) {
        const { loss, gradients } = computeLossAndGradients(b, contrastiveLoss, { anchors: b.fromArray(anchors.flat(), [4, 6]), positives: b.fromArray(positives.flat(), [4, 6]) }, { temperature: 0.01, symmetric: true });
        expectFinite(b.readSync!(loss));
        expectFinite(b.readSync!(gradients.anchors!));
        expectFinite(b.readSync!(gradients.positives!));
      }
    }
    // Collapsed: every similarity is 1 / T, so each row is -100 + log(3 exp(100)) = log 3.
    const b = createReferenceBackend();
    const loss = computeLoss(b, contrastiveLoss, { anchors: b.fromArray(collapsed.flat(), [4, 6]), positives: b.fromArray(collapsed.flat(), [4, 6]) }, { temperature: 0.01 });
    expect(b.readSync!(loss)[0]).toBeCloseTo(Math.log(3), 12);
  });

  it('keeps the denominator at temperature 0.07 where the original cancels it away in float32', () => {
    // Row 0's positive has cos 1 (exp(1/0.07) = 1.6e6) and its only negative cos -0.707 (exp = 4e-5 < half an ulp).
    const anchors = [[1, 0], [0, 1]];
    const positives = [[1, 0], [-1, 1]];
    expect(originalContrastiveLoss(anchors, positives, 0.07, Math.fround)).toBe(-Infinity);
    const expected = mean(definitionRows(anchors, positives, 0.07));
    expect(Number.isFinite(expected)).toBe(true);
    for (const b of [createReferenceBackend(), createFloat32RoundingBackend()]) {
      const { loss, gradients } = computeLossAndGradients(b, contrastiveLoss, { anchors: b.fromArray(anchors.flat(), [2, 2]), positives: b.fromArray(positives.flat(), [2, 2]) }, { temperature: 0.07 });
      const value = b.readSync!(loss)[0]!;
      expect(Math.abs(value - expected) / Math.abs(expected)).toBeLessThan(b.capabilities.precision === 'float64' ? 1e-14 : 1e-6);
      expectFinite(b.readSync!(gradients.anchors!));
    }
  });

  describe('rejects bad input, naming the argument and leaking nothing', () => {
    const b = createReferenceBackend();
    const good = () => ({ anchors: b.fromArray(x.flat(), [4, 5]), positives: b.fromArray(xAug.flat(), [4, 5]) });
    const cases: [string, () => Record<string, unknown>, Record<string, unknown>, string][] = [
      ['anchors missing', () => ({ positives: good().positives }), {}, 'anchors'],
      ['anchors of rank 1', () => ({ ...good(), anchors: b.fromArray([1, 2, 3], [3]) }), {}, 'anchors'],
      ['one row (no negative)', () => ({ anchors: b.fromArray([1, 2], [1, 2]), positives: b.fromArray([1, 2], [1, 2]) }), {}, 'anchors'],
      ['positives of another shape', () => ({ ...good(), positives: b.fromArray(xAug.flat().slice(0, 15), [3, 5]) }), {}, 'positives'],
      ['NaN in anchors', () => ({ ...good(), anchors: b.fromArray([NaN, ...x.flat().slice(1)], [4, 5]) }), {}, 'anchors'],
      ['Infinity in positives', () => ({ ...good(), positives: b.fromArray([...xAug.flat().slice(1), Infinity], [4, 5]) }), {}, 'positives'],
      ['temperature 0', good, { temperature: 0 }, 'options.temperature'],
      ['temperature NaN', good, { temperature: NaN }, 'options.temperature'],
      ['symmetric not a boolean', good, { symmetric: 'yes' }, 'options.symmetric'],
      ['unknown reduction', good, { reduction: 'avg' }, 'options.reduction'],
      ['unknown option', good, { tau: 0.1 }, 'options.tau'],
    ];
    it.each(cases)('%s', (_, make, options, argument) => {
      const given = make();
      expectInputError(b, () => computeLossAndGradients(b, contrastiveLoss, given as never, options as never), argument);
    });
  });
});

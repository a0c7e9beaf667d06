import { describe, expect, it } from 'vitest';
import { computeLoss, computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import {
  createFloat32RoundingBackend,
  dot,
  expectFinite,
  expectGradientsMatchFiniteDifferences,
  expectInputError,
  host,
  lossValues,
  normalizeRows,
  randomMatrix,
  type Matrix,
} from './loss-test-support.js';
import { tripletMargin, type TripletDistance } from './triplet-margin.js';

/** PyTorch's `pairwise_distance(u, v, eps)` and the cosine distance, from the definition. */
const distances = {
  euclidean: (u: number[], v: number[], eps: number) => Math.hypot(...u.map((x, k) => x - v[k]! + eps)),
  cosine: (u: number[], v: number[]) => 1 - dot(normalizeRows([u])[0]!, normalizeRows([v])[0]!),
};

/** `max(d(a, p) - d_neg + margin, 0)`, `d_neg = d(a, n)` or, with swap, `min(d(a, n), d(p, n))`. */
function directTriplet(a: Matrix, p: Matrix, n: Matrix, margin: number, distance: TripletDistance, eps = 1e-6, swap = false): number[] {
  const d = (u: number[], v: number[]) => distances[distance](u, v, eps);
  return a.map((row, i) => {
    const negative = swap ? Math.min(d(row, n[i]!), d(p[i]!, n[i]!)) : d(row, n[i]!);
    return Math.max(d(row, p[i]!) - negative + margin, 0);
  });
}

const anchors = randomMatrix(21, 6, 4);
const positives = randomMatrix(22, 6, 4);
const negatives = randomMatrix(23, 6, 4);
const inputs = (a = anchors, p = positives, n = negatives) => ({ anchors: host(a), positives: host(p), negatives: host(n) });

describe('tripletMargin', () => {
  it('matches the definition written out directly, for both distances and every reduction', () => {
    for (const [distance, margin] of [['euclidean', 1], ['cosine', 0.2], ['euclidean', 0]] as const) {
      const rows = directTriplet(anchors, positives, negatives, margin, distance);
      expect(rows.some((v) => v === 0) || margin === 0).toBe(true); // the hinge is exercised on both sides
      const total = rows.reduce((acc, v) => acc + v, 0);
      const none = lossValues(tripletMargin, inputs(), { distance, margin, reduction: 'none' });
      none.forEach((value, i) => expect(value).toBeCloseTo(rows[i]!, 12));
      expect(lossValues(tripletMargin, inputs(), { distance, margin, reduction: 'sum' })[0]).toBeCloseTo(total, 12);
      expect(lossValues(tripletMargin, inputs(), { distance, margin })[0]).toBeCloseTo(total / rows.length, 12);
    }
  });

  it('has gradients that agree with central finite differences', () => {
    expectGradientsMatchFiniteDifferences(tripletMargin, inputs(), { margin: 1.5 });
    expectGradientsMatchFiniteDifferences(tripletMargin, inputs(), { distance: 'cosine', margin: 0.4, reduction: 'sum' });
    const upstream = { values: [1, -0.5, 2, 0.25, 3, -1], shape: [6] };
    expectGradientsMatchFiniteDifferences(tripletMargin, inputs(), { margin: 2, reduction: 'none' }, upstream);
  });

  it('matches the definition with eps and swap, for both distances', () => {
    // Negatives near the positives: d(p, n) < d(a, n) in some rows, so swap changes the loss there.
    const close = positives.map((row, i) => row.map((v, k) => v + 0.3 * negatives[i]![k]!));
    let swapped = 0;
    for (const [distance, eps, margin] of [['euclidean', 0, 1], ['euclidean', 0.25, 1], ['cosine', 1e-6, 0.5]] as const) {
      const options = distance === 'cosine' ? { distance, margin } : { distance, margin, eps };
      for (const swap of [false, true]) {
        const rows = directTriplet(anchors, positives, close, margin, distance, eps, swap);
        const none = lossValues(tripletMargin, inputs(anchors, positives, close), { ...options, swap, reduction: 'none' });
        none.forEach((value, i) => expect(value).toBeCloseTo(rows[i]!, 12));
        const total = rows.reduce((acc, v) => acc + v, 0);
        expect(lossValues(tripletMargin, inputs(anchors, positives, close), { ...options, swap })[0]).toBeCloseTo(total / rows.length, 12);
      }
      const plain = directTriplet(anchors, positives, close, margin, distance, eps, false);
      swapped += directTriplet(anchors, positives, close, margin, distance, eps, true).filter((v, i) => v !== plain[i]).length;
    }
    expect(swapped).toBeGreaterThan(0); // swap is exercised
    // eps changes the euclidean distance: 0 gives the exact one.
    const exact = directTriplet(anchors, positives, negatives, 1, 'euclidean', 0);
    lossValues(tripletMargin, inputs(), { eps: 0, reduction: 'none' }).forEach((value, i) => expect(value).toBeCloseTo(exact[i]!, 12));
  });

  it('has gradients that agree with central finite differences under eps and swap', () => {
    const close = positives.map((row, i) => row.map((v, k) => v + 0.3 * negatives[i]![k]!));
    expectGradientsMatchFiniteDifferences(tripletMargin, inputs(anchors, positives, close), { margin: 3, swap: true });
    expectGradientsMatchFiniteDifferences(tripletMargin, inputs(anchors, positives, close), { margin: 3, swap: true, eps: 0, reduction: 'sum' });
    expectGradientsMatchFiniteDifferences(tripletMargin, inputs(anchors, positives, close), { margin: 1.5, swap: true, distance: 'cosine' });
    expectGradientsMatchFiniteDifferences(tripletMargin, inputs(), { margin: 3, eps: 0.5 });
  });

  it('with eps 0: distance exactly 0 at a == p, gradient 0 there; swap ties split the gradient in halves (as PyTorch)', () => {
    const b = createReferenceBackend();
    const a = [[0.5, -1, 2], [3, 0, -0.25]];
    const n = [[0.6, -1.2, 2.1], [3.1, 0.2, -0.5]];
    const tensors = { anchors: b.fromArray(a.flat(), [2, 3]), positives: b.fromArray(a.flat(), [2, 3]), negatives: b.fromArray(n.flat(), [2, 3]) };
    const unit = (u: number[], v: number[]) => u.map((x, k) => (x - v[k]!) / Math.hypot(...u.map((y, j) => y - v[j]!)));
    const { loss, gradients } = computeLossAndGradients(b, tripletMargin, tensors, { eps: 0, reduction: 'sum' });
    expect(b.readSync!(loss)[0]).toBeCloseTo(2 - Math.hypot(...a[0]!.map((x, k) => x - n[0]![k]!)) - Math.hypot(...a[1]!.map((x, k) => x - n[1]![k]!)), 12);
    const towardNegative = a.flatMap((row, i) => unit(row, n[i]!));
    b.readSync!(gradients.anchors!).forEach((v, i) => expect(v).toBeCloseTo(-towardNegative[i]!, 12));
    expect(Array.from(b.readSync!(gradients.positives!)).every((v) => v === 0)).toBe(true);
    // swap with p == a: d(a, n) == d(p, n) exactly, so half of the negative term's gradient goes each way.
    const swapped = computeLossAndGradients(b, tripletMargin, tensors, { eps: 0, swap: true, reduction: 'sum' }).gradients;
    b.readSync!(swapped.anchors!).forEach((v, i) => expect(v).toBeCloseTo(-0.5 * towardNegative[i]!, 12));
    b.readSync!(swapped.positives!).forEach((v, i) => expect(v).toBeCloseTo(-0.5 * towardNegative[i]!, 12));
    b.readSync!(swapped.negatives!).forEach((v, i) => expect(v).toBeCloseTo(towardNegative[i]!, 12));
  });

  it('gives zero gradient at and below the hinge', () => {
    const b = createReferenceBackend();
    // positives == negatives: both distances are computed identically, so with margin 0 every hinge is exactly 0.
    for (const distance of ['euclidean', 'cosine'] as const) {
      const tensors = { anchors: b.fromArray(anchors.flat(), [6, 4]), positives: b.fromArray(positives.flat(), [6, 4]), negatives: b.fromArray(positives.flat(), [6, 4]) };
      const { loss, gradients } = computeLossAndGradients(b, tripletMargin, tensors, { margin: 0, distance, reduction: 'none' });
      expect(Array.from(b.readSync!(loss))).toEqual([0, 0, 0, 0, 0, 0]);
      for (const gradient of Object.values(gradients)) expect(Array.from(b.readSync!(gradient!)).every((v) => v === 0)).toBe(true);
    }
    // Below the hinge: the negative is the anchor's opposite, far beyond the positive.
    const far = anchors.map((row) => row.map((v) => -10 * v));
    const near = anchors.map((row) => row.map((v) => v + 0.01));
    const tensors = { anchors: b.fromArray(anchors.flat(), [6, 4]), positives: b.fromArray(near.flat(), [6, 4]), negatives: b.fromArray(far.flat(), [6, 4]) };
    const { loss, gradients } = computeLossAndGradients(b, tripletMargin, tensors);
    expect(b.readSync!(loss)[0]).toBe(0);
    for (const gradient of Object.values(gradients)) expect(Array.from(b.readSync!(gradient!)).every((v) => v === 0)).toBe(true);
  });

  it('has a finite gradient when anchor and positive are identical', () => {
    const b = createReferenceBackend();
    const a = [[0.5, -1, 2], [3, 0, -0.25]];
    const n = [[0.6, -1.2, 2.1], [3.1, 0.2, -0.5]];
    const tensors = { anchors: b.fromArray(a.flat(), [2, 3]), positives: b.fromArray(a.flat(), [2, 3]), negatives: b.fromArray(n.flat(), [2, 3]) };
    const { gradients } = computeLossAndGradients(b, tripletMargin, tensors, { reduction: 'sum' });
    // d/da of ||a - p + eps|| - ||a - n + eps||: the unit differences; a == p gives (eps,...)/(eps sqrt 3).
    const unit = (u: number[], v: number[]) => {
      const difference = u.map((x, k) => x - v[k]! + 1e-6);
      return difference.map((x) => x / Math.hypot(...difference));
    };
    const expected = a.flatMap((row, i) => unit(row, row).map((x, k) => x - unit(row, n[i]!)[k]!));
    const analytic = b.readSync!(gradients.anchors!);
    expectFinite(analytic);
    expected.forEach((value, i) => expect(analytic[i]).toBeCloseTo(value, 12));
    expectFinite(b.readSync!(gradients.positives!));
    for (const value of b.readSync!(gradients.positives!)) expect(Math.abs(value)).toBeCloseTo(1 / Math.sqrt(3), 12);
    const cosine = computeLossAndGradients(b, tripletMargin, tensors, { distance: 'cosine' });
    for (const gradient of Object.values(cosine.gradients)) expectFinite(b.readSync!(gradient!));
  });

  it('neither overflows nor underflows the euclidean norm in float32 (rows scaled by their largest magnitude)', () => {
    const b = createFloat32RoundingBackend();
    for (const scale of [1e30, 1e-30]) {
      const scaled = (m: number[][]) => m.map((row) => row.map((v) => Math.fround(v * scale)));
      const [a, p, n] = [scaled(anchors), scaled(positives), scaled(negatives)];
      const tensors = { anchors: b.fromArray(a.flat(), [6, 4]), positives: b.fromArray(p.flat(), [6, 4]), negatives: b.fromArray(n.flat(), [6, 4]) };
      // A margin proportional to the scale keeps the same rows active (the 1e-6 eps is negligible at 1e30, dominant at 1e-30).
      const margin = scale;
      const { loss, gradients } = computeLossAndGradients(b, tripletMargin, tensors, { margin, reduction: 'sum' });
      const expected = directTriplet(a, p, n, margin, 'euclidean').reduce((acc, v) => acc + v, 0);
      expect(Math.abs(b.readSync!(loss)[0]! - expected)).toBeLessThanOrEqual(1e-5 * Math.abs(expected));
      for (const gradient of Object.values(gradients)) expectFinite(b.readSync!(gradient!));
    }
  });

  it('rejects bad input with a typed error naming the argument, leaking no tensor', () => {
    const b = createReferenceBackend();
    const good = { anchors: b.fromArray(anchors.flat(), [6, 4]), positives: b.fromArray(positives.flat(), [6, 4]), negatives: b.fromArray(negatives.flat(), [6, 4]) };
    const nan = negatives.flat().map((v, i) => (i === 5 ? NaN : v));
    const cases: [string, Record<string, unknown>, Record<string, unknown>?][] = [
      ['anchors', { ...good, anchors: b.fromArray([1, 2], [2]) }],
      ['positives', { ...good, positives: b.fromArray(positives.flat(), [4, 6]) }],
      ['negatives', { anchors: good.anchors, positives: good.positives }],
      ['negatives', { ...good, negatives: b.fromArray(negatives.flat().slice(0, 20), [5, 4]) }],
      ['negatives', { ...good, negatives: b.fromArray(nan, [6, 4]) }],
      ['options.margin', good, { margin: -1 }],
      ['options.margin', good, { margin: Infinity }],
      ['options.distance', good, { distance: 'manhattan' }],
      ['options.reduction', good, { reduction: 'max' }],
      ['options.eps', good, { eps: -1e-6 }],
      ['options.eps', good, { eps: NaN }],
      ['options.eps', good, { eps: '0' }],
      ['options.eps', good, { distance: 'cosine', eps: 0 }],
      ['options.swap', good, { swap: 1 }],
      ['options.p', good, { p: 1 }],
    ];
    for (const [argument, bad, options] of cases) {
      expectInputError(b, () => computeLoss(b, tripletMargin, bad as never, options as never), argument);
      expectInputError(b, () => computeLossAndGradients(b, tripletMargin, bad as never, options as never), argument);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { computeLoss, computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { alignment, uniformity } from './alignment-uniformity.js';
import {
  expectFinite,
  expectGradientsMatchFiniteDifferences,
  expectInputError,
  host,
  lossValues,
  mean,
  normalizeRows,
  randomMatrix,
  type Matrix,
} from './loss-test-support.js';

const squaredDistance = (u: number[], v: number[]) => u.reduce((acc, x, k) => acc + (x - v[k]!) ** 2, 0);

/** `mean_i ||a_i - p_i||^alpha`, from the definition. */
function directAlignment(a: Matrix, p: Matrix, alpha: number, normalize = true): number {
  const [na, np] = normalize ? [normalizeRows(a), normalizeRows(p)] : [a, p];
  return mean(na.map((row, i) => Math.sqrt(squaredDistance(row, np[i]!)) ** alpha));
}

/** `log mean_{i<j} exp(-t ||z_i - z_j||^2)`, from the definition (plain sums; fine for these small cases). */
function directUniformity(x: Matrix, t: number, normalize = true): number {
  const z = normalize ? normalizeRows(x) : x;
  const terms: number[] = [];
  for (let i = 0; i < z.length; i++) for (let j = i + 1; j < z.length; j++) terms.push(Math.exp(-t * squaredDistance(z[i]!, z[j]!)));
  return Math.log(mean(terms));
}

const anchors = randomMatrix(31, 5, 3);
const positives = randomMatrix(32, 5, 3);
const embeddings = randomMatrix(33, 6, 3);

describe('alignment', () => {
  const pair = { anchors: host(anchors), positives: host(positives) };

  it('matches the definition written out directly', () => {
    for (const alpha of [2, 1, 0.5, 3]) {
      for (const normalize of [true, false]) {
        expect(lossValues(alignment, pair, { alpha, normalize })[0]).toBeCloseTo(directAlignment(anchors, positives, alpha, normalize), 12);
      }
    }
  });

  it('has gradients that agree with central finite differences', () => {
    expectGradientsMatchFiniteDifferences(alignment, pair);
    expectGradientsMatchFiniteDifferences(alignment, pair, { alpha: 0.7 });
    expectGradientsMatchFiniteDifferences(alignment, pair, { alpha: 3, normalize: false }, { values: [-1.5], shape: [] });
  });

  it('gives 0 with a zero, finite gradient at zero distance, for every alpha', () => {
    const b = createReferenceBackend();
    const same = anchors.map((row, i) => (i === 2 ? positives[2]! : row));
    const tensors = { anchors: b.fromArray(same.flat(), [5, 3]), positives: b.fromArray(same.flat(), [5, 3]) };
    for (const alpha of [2, 1, 0.5, 3]) {
      const { loss, gradients } = computeLossAndGradients(b, alignment, tensors, { alpha });
      expect(b.readSync!(loss)[0]).toBe(0);
      for (const gradient of Object.values(gradients)) expect(Array.from(b.readSync!(gradient!)).every((v) => v === 0)).toBe(true);
    }
    // One row at zero distance among others: that row's gradient is 0, the value is the others' mean.
    const mixed = { anchors: b.fromArray(same.flat(), [5, 3]), positives: b.fromArray(positives.flat(), [5, 3]) };
    const { loss, gradients } = computeLossAndGradients(b, alignment, mixed, { alpha: 0.5 });
    expect(b.readSync!(loss)[0]).toBeCloseTo(directAlignment(same, positives, 0.5), 12);
    expect(Array.from(b.readSync!(gradients.anchors!).slice(6, 9))).toEqual([0, 0, 0]);
    expectFinite(b.readSync!(gradients.anchors!));
  });

  it('rejects bad input with a typed error naming the argument, leaking no tensor', () => {
    const b = createReferenceBackend();
    const good = { anchors: b.fromArray(anchors.flat(), [5, 3]), positives: b.fromArray(positives.flat(), [5, 3]) };
    const cases: [string, Record<string, unknown>, Record<string, unknown>?][] = [
      ['anchors', { ...good, anchors: undefined }],
      ['positives', { ...good, positives: b.fromArray(positives.flat().slice(0, 12), [4, 3]) }],
      ['positives', { ...good, positives: b.fromArray(positives.flat().map((v, i) => (i === 0 ? -Infinity : v)), [5, 3]) }],
      ['options.alpha', good, { alpha: 0 }],
      ['options.alpha', good, { alpha: NaN }],
      ['options.normalize', good, { normalize: 1 }],
      ['options.reduction', good, { reduction: 'mean' }],
    ];
    for (const [argument, bad, options] of cases) {
      expectInputError(b, () => computeLoss(b, alignment, bad as never, options as never), argument);
      expectInputError(b, () => computeLossAndGradients(b, alignment, bad as never, options as never), argument);
    }
  });
});

describe('uniformity', () => {
  it('matches the definition written out directly', () => {
    for (const [t, normalize] of [[2, true], [0.5, true], [0.3, false]] as const) {
      expect(lossValues(uniformity, { embeddings: host(embeddings) }, { t, normalize })[0]).toBeCloseTo(directUniformity(embeddings, t, normalize), 12);
    }
    const two = embeddings.slice(0, 2);
    expect(lossValues(uniformity, { embeddings: host(two) })[0]).toBeCloseTo(directUniformity(two, 2), 12);
  });

  it('treats a zero row as the zero vector (distance 1 to every unit row)', () => {
    const withZero = [...embeddings.slice(0, 3), [0, 0, 0]];
    expect(lossValues(uniformity, { embeddings: host(withZero) })[0]).toBeCloseTo(directUniformity(withZero, 2), 12);
  });

  it('has gradients that agree with central finite differences', () => {
    expectGradientsMatchFiniteDifferences(uniformity, { embeddings: host(embeddings) });
    expectGradientsMatchFiniteDifferences(uniformity, { embeddings: host(embeddings) }, { t: 0.4, normalize: false }, { values: [0.5], shape: [] });
  });

  it('gives log(1) = 0 with a finite gradient for collapsed embeddings', () => {
    const b = createReferenceBackend();
    const collapsed = Array.from({ length: 5 }, () => [0.3, -1.2, 2]);
    for (const normalize of [true, false]) {
      const { loss, gradients } = computeLossAndGradients(b, uniformity, { embeddings: b.fromArray(collapsed.flat(), [5, 3]) }, { normalize });
      expect(Math.abs(b.readSync!(loss)[0]!)).toBeLessThan(1e-15);
      const gradient = b.readSync!(gradients.embeddings!);
      expectFinite(gradient);
      for (const value of gradient) expect(Math.abs(value)).toBeLessThan(1e-12);
    }
  });

  it('rejects bad input with a typed error naming the argument, leaking no tensor', () => {
    const b = createReferenceBackend();
    const good = { embeddings: b.fromArray(embeddings.flat(), [6, 3]) };
    const cases: [string, Record<string, unknown>, Record<string, unknown>?][] = [
      ['embeddings', { embeddings: b.fromArray([1, 2, 3], [1, 3]) }],
      ['embeddings', { embeddings: b.fromArray([1, 2, 3, 4], [2, 2, 1]) }],
      ['embeddings', { embeddings: b.fromArray([1, 2, NaN, 4], [2, 2]) }],
      ['embeddings', {}],
      ['options.t', good, { t: 0 }],
      ['options.t', good, { t: -2 }],
      ['options.temperature', good, { temperature: 2 }],
    ];
    for (const [argument, bad, options] of cases) {
      expectInputError(b, () => computeLoss(b, uniformity, bad as never, options as never), argument);
      expectInputError(b, () => computeLossAndGradients(b, uniformity, bad as never, options as never), argument);
    }
  });
});

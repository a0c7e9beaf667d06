import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { dot, expectInputError, normalizeRows, randomMatrix, type Matrix } from './loss-test-support.js';
import { topKAccuracy } from './top-k-accuracy.js';

/** The fraction of queries with fewer than k candidates scoring strictly above their positive, from the definition. */
function directTopK(a: Matrix, p: Matrix, k: number, normalize = true): number {
  const [na, np] = normalize ? [normalizeRows(a), normalizeRows(p)] : [a, p];
  const hits = na.map((row, i) => {
    const positive = dot(row, np[i]!);
    return np.filter((candidate) => dot(row, candidate) > positive).length < k ? 1 : 0;
  });
  return hits.reduce<number>((acc, v) => acc + v, 0) / a.length;
}

function measure(a: Matrix, p: Matrix, options?: Parameters<typeof topKAccuracy>[2]): number {
  const b = createReferenceBackend();
  const anchors = b.fromArray(a.flat(), [a.length, a[0]!.length]);
  const positives = b.fromArray(p.flat(), [p.length, p[0]!.length]);
  const before = b.liveCount();
  const result = topKAccuracy(b, { anchors, positives }, options);
  expect(b.shape(result)).toEqual([]);
  expect(b.liveCount()).toBe(before + 1);
  return b.readSync!(result)[0]!;
}

describe('topKAccuracy', () => {
  const anchors = randomMatrix(41, 6, 3);
  // Candidates: noisy copies of the anchors (so some are hits) followed by two distractors (M = 8 > N = 6).
  const positives = [...anchors.map((row, i) => row.map((v, k) => v + randomMatrix(42 + i, 1, 3)[0]![k]!)), ...randomMatrix(49, 2, 3)];

  it('matches the definition written out directly, for several k, with and without normalisation', () => {
    const seen = new Set<number>();
    for (const k of [1, 2, 3, 8]) {
      for (const normalize of [true, false]) {
        const expected = directTopK(anchors, positives, k, normalize);
        seen.add(expected);
        expect(measure(anchors, positives, { k, normalize })).toBeCloseTo(expected, 15);
      }
    }
    expect(seen.size).toBeGreaterThan(2); // the cases are not all 0 or all 1
    expect(measure(anchors, positives, { k: 8 })).toBe(1);
    expect(measure(anchors, positives)).toBeCloseTo(directTopK(anchors, positives, 1), 15);
  });

  it('counts ties as hits: only strictly greater scores rank above the positive', () => {
    // Query 0's positive is duplicated as candidate 2 (an exact tie): still a hit, where counting ties would miss.
    const a = [[1, 0], [0.6, 0.8]];
    const p = [[1, 0], [3, 4], [1, 0]];
    expect(measure(a, p, { k: 1 })).toBe(1);
    // Query 1's positive [1, 0.1] scores ~0.677, below candidate 2 (score 1): a miss at k = 1, a hit at k = 2.
    const better = [[1, 0], [1, 0.1], [0.6, 0.8]];
    expect(measure(a, better, { k: 1 })).toBe(0.5);
    expect(measure(a, better, { k: 2 })).toBe(1);
  });

  it('rejects bad input with a typed error naming the argument, leaking no tensor', () => {
    const b = createReferenceBackend();
    const good = { anchors: b.fromArray(anchors.flat(), [6, 3]), positives: b.fromArray(positives.flat(), [8, 3]) };
    const cases: [string, Record<string, unknown>, Record<string, unknown>?][] = [
      ['anchors', { ...good, anchors: [1, 2, 3] }],
      ['anchors', { ...good, anchors: b.fromArray([1, 2, 3], [3]) }],
      ['anchors', { ...good, anchors: b.fromArray(anchors.flat().map((v, i) => (i === 4 ? NaN : v)), [6, 3]) }],
      ['positives', { ...good, positives: b.fromArray(positives.flat().slice(0, 15), [5, 3]) }],
      ['positives', { ...good, positives: b.fromArray(positives.flat().slice(0, 16), [8, 2]) }],
      ['positives', { anchors: good.anchors }],
      ['options.k', good, { k: 0 }],
      ['options.k', good, { k: 1.5 }],
      ['options.normalize', good, { normalize: 'no' }],
      ['options.temperature', good, { temperature: 1 }],
      ['inputs', null as never],
    ];
    for (const [argument, bad, options] of cases) {
      expectInputError(b, () => topKAccuracy(b, bad as never, options as never), argument);
    }
  });
});

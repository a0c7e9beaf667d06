import { describe, expect, it } from 'vitest';
import { drawLabelled, evaluateFewLabels, score } from './few-label.js';
import { createRandom } from './random.js';

describe('few-label evaluation', () => {
  const labels = Uint8Array.from({ length: 60 }, (_, i) => i % 3);

  it('draws exactly the budget of each label, distinct rows, and every row for "all"', () => {
    const rows = drawLabelled(labels, 4, createRandom(7));
    expect(rows.length).toBe(12);
    expect(new Set(rows).size).toBe(12);
    expect([0, 1, 2].map((label) => Array.from(rows).filter((row) => labels[row] === label).length)).toEqual([4, 4, 4]);
    expect(Array.from(drawLabelled(labels, 'all', createRandom(7)))).toEqual(Array.from(labels.keys()));
  });

  it('draws different subsets on later draws and the same ones for the same seed', () => {
    const random = createRandom(3);
    const [first, second] = [drawLabelled(labels, 2, random), drawLabelled(labels, 2, random)];
    expect(Array.from(first)).not.toEqual(Array.from(second));
    expect(Array.from(drawLabelled(labels, 2, createRandom(3)))).toEqual(Array.from(first));
  });

  it('reports the mean and the sample standard deviation', () => {
    // mean 0.5; squared deviations 0.01 + 0 + 0.01 over n - 1 = 2: variance 0.01.
    const { mean, spread } = score([0.4, 0.5, 0.6]);
    expect(mean).toBeCloseTo(0.5, 12);
    expect(spread).toBeCloseTo(0.1, 12);
    expect(score([0.7])).toEqual({ mean: 0.7, spread: 0 });
  });

  it('scores a representation that separates the labels perfectly at 100% and one that carries no signal near chance', () => {
    // "learned": one-hot of the label (perfect); "random" and "raw": the same constant for every image.
    const count = 10 * 6;
    const tenLabels = Uint8Array.from({ length: count }, (_, i) => i % 10);
    const oneHot = (l: Uint8Array) => Float64Array.from({ length: l.length * 10 }, (_, j) => (j % 10 === l[Math.floor(j / 10)] ? 1 : 0));
    const constant = (n: number) => new Float64Array(n * 2).fill(1);
    const test = Uint8Array.from({ length: 20 }, (_, i) => i % 10);
    const rows = evaluateFewLabels(
      {
        learned: { train: oneHot(tenLabels), test: oneHot(test), dimension: 10 },
        random: { train: constant(count), test: constant(20), dimension: 2 },
        raw: { train: constant(count), test: constant(20), dimension: 2 },
      },
      tenLabels,
      test,
      { budgets: [1, 3, 'all'], draws: 4, seed: 1, neighbours: 5, probe: { penalty: 0.01, iterations: 100 } },
    );
    expect(rows.map((row) => [row.labelsPerClass, row.labelledCount, row.draws])).toEqual([[1, 10, 4], [3, 30, 4], ['all', 60, 1]]);
    for (const row of rows) {
      expect(row.learned).toEqual({ knn: { mean: 1, spread: 0 }, linearProbe: { mean: 1, spread: 0 } });
      // Identical features: every test image gets one and the same class, right for 2 of the 20.
      expect(row.raw.linearProbe.mean).toBe(0.1);
      expect(row.raw.knn.mean).toBe(0.1);
    }
  });
});

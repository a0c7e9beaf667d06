import { describe, expect, it } from 'vitest';
import { pca } from './pca.js';

describe('pca', () => {
  it('finds the axes of an axis-aligned cloud with their sample variances', () => {
    // Points (x, y, z) with x spread widest, then y, z constant: variances known in closed form.
    const xs = [-3, -1, 1, 3];
    const ys = [0.5, -0.5, -0.5, 0.5];
    const values = xs.flatMap((x, i) => [x + 10, ys[i]! + 2, 7]);
    const result = pca(values, 3);
    const variance = (v: number[]) => v.reduce((acc, a) => acc + a * a, 0) / (v.length - 1);
    expect(result.variances[0]).toBeCloseTo(variance(xs), 10);
    expect(result.variances[1]).toBeCloseTo(variance(ys), 10);
    expect(Array.from(result.components[0]!).map((v) => Math.abs(v))).toEqual([1, 0, 0].map((v) => expect.closeTo(v, 8)));
    // Projections are the centred coordinates (component signs are fixed positive).
    const points = Array.from(result.points);
    xs.forEach((x, i) => {
      expect(points[2 * i]).toBeCloseTo(x, 8);
      expect(points[2 * i + 1]).toBeCloseTo(ys[i]!, 8);
    });
  });

  it('finds a diagonal direction', () => {
    const t = [-2, -1, 0, 1, 2];
    const values = t.flatMap((v) => [v, v]);
    const [first] = pca(values, 2, 1).components;
    expect(first![0]).toBeCloseTo(Math.SQRT1_2, 8);
    expect(first![1]).toBeCloseTo(Math.SQRT1_2, 8);
  });
});

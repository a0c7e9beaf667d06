import { describe, expect, it } from 'vitest';
import { linearProbeAccuracy, trainLinearProbe } from './linear-probe.js';

/** The root of an increasing function on [low, high] by bisection. */
function bisect(f: (x: number) => number, low: number, high: number): number {
  for (let i = 0; i < 200; i++) {
    const middle = (low + high) / 2;
    if (f(middle) < 0) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

describe('linear probe', () => {
  it('reaches the optimum of the penalised log-likelihood on a problem solved by hand', () => {
    // Two 1-D points, x = +1 (class 0) and x = -1 (class 1). By symmetry the biases stay equal and
    // W = [w, -w]; J(w) = log(1 + exp(-2w)) + (penalty / 2) 2 w^2, so J'(w) = 0 where
    // 2 penalty w (1 + exp(2w)) = 2, i.e. penalty w (1 + exp(2w)) = 1.
    const penalty = 0.1;
    const w = bisect((x) => penalty * x * (1 + Math.exp(2 * x)) - 1, 0, 10);
    const probe = trainLinearProbe([1, -1], [0, 1], 1, 2, { penalty, iterations: 500 });
    expect(probe.weights[0]).toBeCloseTo(w, 6);
    expect(probe.weights[1]).toBeCloseTo(-w, 6);
    expect(probe.biases[0]).toBeCloseTo(probe.biases[1]!, 9);
  });

  it('classifies three separable clusters, including points it did not train on', () => {
    const centres = [
      [4, 0],
      [0, 4],
      [-4, -4],
    ];
    const offsets = [[0.5, 0.2], [-0.3, 0.4], [0.1, -0.6]];
    const features = centres.flatMap((c) => offsets.flatMap((o) => [c[0]! + o[0]!, c[1]! + o[1]!]));
    const labels = centres.flatMap((_, label) => offsets.map(() => label));
    const probe = trainLinearProbe(features, labels, 2, 3);
    expect(linearProbeAccuracy(probe, features, labels)).toBe(1);
    expect(linearProbeAccuracy(probe, [3, 1, -1, 3, -3, -5, 4, 0.5], [0, 1, 2, 1])).toBe(0.75);
  });

  it('gives the same weights for the same inputs (no hidden randomness)', () => {
    const features = [1, 2, -1, 0.5, 3, -2, 0, 1];
    const first = trainLinearProbe(features, [0, 1, 0, 1], 2, 2, { penalty: 0.01, iterations: 50 });
    const second = trainLinearProbe(features, [0, 1, 0, 1], 2, 2, { penalty: 0.01, iterations: 50 });
    expect(Array.from(second.weights)).toEqual(Array.from(first.weights));
  });
});

import { createReferenceBackend } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { createAdam } from './optimizer.js';

/** Adam written out directly on plain numbers (Kingma and Ba 2015, Algorithm 1). */
function directAdam(p: number[], gradients: number[][], rates: number[], beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8): number[] {
  let m = p.map(() => 0);
  let v = p.map(() => 0);
  let params = [...p];
  gradients.forEach((g, step) => {
    const t = step + 1;
    m = m.map((mi, i) => beta1 * mi + (1 - beta1) * g[i]!);
    v = v.map((vi, i) => beta2 * vi + (1 - beta2) * g[i]! ** 2);
    params = params.map((pi, i) => pi - (rates[step]! * (m[i]! / (1 - beta1 ** t))) / (Math.sqrt(v[i]! / (1 - beta2 ** t)) + epsilon));
  });
  return params;
}

describe('createAdam', () => {
  it('matches Adam written out directly over three steps with a changing learning rate', () => {
    const b = createReferenceBackend();
    const start = [0.5, -1, 2, 0];
    const gradients = [[0.1, -0.2, 3, 0], [0.2, 0.1, -1, 0.5], [-0.3, 0.05, 0.5, 0.1]];
    const rates = [0.1, 0.05, 0.02];
    const adam = createAdam(b, { learningRate: 0.1 });
    let parameter = b.fromArray(start, [2, 2]);
    gradients.forEach((g, step) => {
      const gradient = b.fromArray(g, [2, 2]);
      const [next] = adam.step([parameter], [gradient], rates[step]);
      b.dispose(parameter);
      b.dispose(gradient);
      parameter = next!;
    });
    const expected = directAdam(start, gradients, rates);
    Array.from(b.readSync!(parameter)).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 12));
  });

  it('takes a first step of about learningRate * sign(gradient) and keeps only its two moments alive', () => {
    const b = createReferenceBackend();
    const adam = createAdam(b, { learningRate: 0.01 });
    const parameter = b.fromArray([1, 1, 1], [1, 3]);
    const gradient = b.fromArray([5, -0.001, 0], [1, 3]);
    const before = b.liveCount();
    const [next] = adam.step([parameter], [gradient]);
    expect(b.liveCount()).toBe(before + 3);
    const values = Array.from(b.readSync!(next!));
    expect(values[0]).toBeCloseTo(0.99, 6);
    expect(values[1]).toBeCloseTo(1.01, 4);
    expect(values[2]).toBe(1);
    adam.dispose();
    expect(b.liveCount()).toBe(before + 1);
  });
});

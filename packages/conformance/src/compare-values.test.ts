import { describe, expect, it } from 'vitest';
import { compareValues } from './compare-values.js';
import { tolerances } from './tolerances.js';

const t = (values: number[], shape = [values.length]) => ({ shape, values });
const float64 = tolerances.float64;

describe('compareValues', () => {
  it('bounds a loss by 1e-10 x max(1, |expected|) per element', () => {
    expect(compareValues('loss', t([1000 + 9e-8]), t([1000]), float64, 'loss')).toBeUndefined();
    expect(compareValues('loss', t([1000 + 2e-7]), t([1000]), float64, 'loss')).toMatch(/loss: element 0/);
    expect(compareValues('loss', t([0.5e-10]), t([0]), float64, 'loss')).toBeUndefined();
    expect(compareValues('loss', t([2e-10]), t([0]), float64, 'loss')).toMatch(/error 2\.00e-10/);
  });

  it('bounds a gradient by the largest magnitude of the whole tensor', () => {
    // scale 100: small entries may be off by 1e-8 x 100 = 1e-6
    expect(compareValues('g', t([100, 1e-3 + 9e-7]), t([100, 1e-3]), float64, 'gradient')).toBeUndefined();
    expect(compareValues('g', t([100, 1e-3 + 2e-6]), t([100, 1e-3]), float64, 'gradient')).toMatch(/element 1/);
  });

  it('holds primitives to purely relative error, so tiny values keep their digits', () => {
    expect(compareValues('p', t([1e-30 * (1 + 5e-13)]), t([1e-30]), float64, 'primitive')).toBeUndefined();
    expect(compareValues('p', t([1.1e-30]), t([1e-30]), float64, 'primitive')).toBeDefined();
    expect(compareValues('p', t([1e-300]), t([0]), float64, 'primitive')).toBeDefined();
  });

  it('requires non-finite values to match exactly and rejects NaN where a number is expected', () => {
    expect(compareValues('x', t([-Infinity, NaN]), t([-Infinity, NaN]), float64, 'primitive')).toBeUndefined();
    expect(compareValues('x', t([Infinity]), t([-Infinity]), float64, 'primitive')).toMatch(/Infinity/);
    expect(compareValues('x', t([NaN]), t([1]), float64, 'loss')).toMatch(/element 0 is NaN, expected 1/);
  });

  it('reports a shape mismatch before comparing values', () => {
    expect(compareValues('x', t([1, 2], [2]), t([1, 2], [1, 2]), float64, 'loss')).toMatch(/shape \[2\], expected \[1, 2\]/);
  });

  it('keeps gradient tolerances looser than loss tolerances at every precision', () => {
    for (const tolerance of Object.values(tolerances)) expect(tolerance.gradient).toBeGreaterThan(tolerance.loss);
    expect(tolerances.float32.loss).toBeGreaterThan(tolerances.float64.loss);
    expect(tolerances.float16.loss).toBeGreaterThan(tolerances.float32.loss);
  });
});

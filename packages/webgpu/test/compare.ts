/** Test support: compares float32 GPU results with float64 reference values at stated tolerances. */
import { expect } from 'vitest';

/** |actual - expected| <= absolute + relative * |expected| elementwise; NaN and infinities must match exactly. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative = 1e-5, absolute = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(e)) {
      expect(a, `index ${i}`).toBe(e);
      continue;
    }
    const bound = absolute + relative * Math.abs(e);
    if (!(Math.abs(a - e) <= bound)) expect.fail(`index ${i}: got ${a}, expected ${e} (bound ${bound})`);
  }
}

/** Deterministic float32-representable values in [-scale, scale). */
export function randomValues(count: number, seed: number, scale = 1): number[] {
  let state = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return Math.fround(((state >>> 0) / 2 ** 32 - 0.5) * 2 * scale);
  });
}

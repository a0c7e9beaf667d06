import { describe, expect, it } from 'vitest';
import { augmentImages } from './augment.js';
import { createRandom, type Random } from './random.js';

/** A random source whose integers are fixed (for the shift) and that never drops or perturbs anything else. */
const fixedShift = (values: number[]): Random => {
  // next() = 0.5: shifted (probability 1 below), never dropped (dropout 0).
  let i = 0;
  return { next: () => 0.5, normal: () => 0, integer: () => values[i++ % values.length]! };
};

describe('augmentImages', () => {
  const image = Float64Array.from({ length: 16 }, (_, i) => i + 1); // a 4x4 image, 1..16

  it('shifts by up to one pixel with zero fill (shiftX = +1, shiftY = -1)', () => {
    // integer(3) - 1: 2 -> shiftX = +1, 0 -> shiftY = -1.
    const out = augmentImages(image, 1, 4, 4, fixedShift([2, 0]), { maxShift: 1, shiftProbability: 1, noise: 0, dropout: 0 });
    const expected = Array.from({ length: 16 }, (_, k) => {
      const [x, y] = [k % 4, Math.floor(k / 4)];
      const [sx, sy] = [x - 1, y + 1];
      return sx >= 0 && sx < 4 && sy >= 0 && sy < 4 ? image[sy * 4 + sx]! : 0;
    });
    expect(Array.from(out)).toEqual(expected);
  });

  it('never shifts at shiftProbability 0', () => {
    const out = augmentImages(image, 1, 4, 4, createRandom(2), { maxShift: 1, shiftProbability: 0, noise: 0, dropout: 0 });
    expect(Array.from(out)).toEqual(Array.from(image));
  });

  it('drops every pixel at dropout 1 and none at dropout 0', () => {
    const random = createRandom(5);
    expect(Array.from(augmentImages(image, 1, 4, 4, random, { maxShift: 0, shiftProbability: 0, noise: 0, dropout: 1 })).every((v) => v === 0)).toBe(true);
    expect(Array.from(augmentImages(image, 1, 4, 4, random, { maxShift: 0, shiftProbability: 0, noise: 0, dropout: 0 }))).toEqual(Array.from(image));
  });

  it('adds noise of the requested standard deviation', () => {
    const count = 500;
    const zeros = new Float64Array(count * 16);
    const out = augmentImages(zeros, count, 4, 4, createRandom(9), { maxShift: 0, shiftProbability: 0, noise: 0.1, dropout: 0 });
    const mean = out.reduce((a, v) => a + v, 0) / out.length;
    const std = Math.sqrt(out.reduce((a, v) => a + (v - mean) ** 2, 0) / out.length);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std).toBeGreaterThan(0.095);
    expect(std).toBeLessThan(0.105);
  });
});

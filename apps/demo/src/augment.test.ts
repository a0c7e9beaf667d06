import { describe, expect, it } from 'vitest';
import { augmentImages, type AugmentOptions } from './augment.js';
import { createRandom, type Random } from './random.js';

/** A random source whose uniforms come from `values` in turn and whose normals are 0. */
const fixed = (values: number[]): Random => {
  let i = 0;
  return { next: () => values[i++ % values.length]!, normal: () => 0, integer: () => 0 };
};
const none: AugmentOptions = { maxShift: 0, maxRotation: 0, maxScale: 0, noise: 0, dropout: 0 };

describe('augmentImages', () => {
  const image = Float64Array.from({ length: 16 }, (_, i) => i + 1); // a 4x4 image, 1..16
  const shifted = (dx: number, dy: number) =>
    Array.from({ length: 16 }, (_, k) => {
      const [sx, sy] = [(k % 4) - dx, Math.floor(k / 4) - dy];
      return sx >= 0 && sx < 4 && sy >= 0 && sy < 4 ? image[sy * 4 + sx]! : 0;
    });

  it('is the identity with every option at 0', () => {
    expect(Array.from(augmentImages(image, 1, 4, 4, createRandom(2), none))).toEqual(Array.from(image));
  });

  it('shifts by whole pixels exactly, with zero fill (shiftX = +1, shiftY = -1)', () => {
    // Uniform draws in order: shiftX = (2u - 1) * 1 with u = 1 -> +1, shiftY with u = 0 -> -1.
    const out = augmentImages(image, 1, 4, 4, fixed([1, 0]), { ...none, maxShift: 1 });
    expect(Array.from(out)).toEqual(shifted(1, -1));
  });

  it('interpolates bilinearly: a half-pixel shift averages neighbours', () => {
    // u = 0.75 -> shiftX = 0.5, u = 0.5 -> shiftY = 0: output (x, y) reads input (x - 0.5, y), the mean of x - 1 and x.
    const out = augmentImages(image, 1, 4, 4, fixed([0.75, 0.5]), { ...none, maxShift: 1 });
    const expected = Array.from({ length: 16 }, (_, k) => (shifted(0, 0)[k]! + shifted(1, 0)[k]!) / 2);
    Array.from(out).forEach((value, k) => expect(value).toBeCloseTo(expected[k]!, 12));
  });

  it('rotates by 90 degrees about the centre (a permutation of the pixels)', () => {
    // Draws: theta (u = 1 -> +90 deg), scale (u = 0.5 -> 1), no shift; output (x, y) reads input (c + (y - c), c - (x - c)) = (y, 3 - x).
    const out = augmentImages(image, 1, 4, 4, fixed([1, 0.5]), { ...none, maxRotation: 90, maxScale: 0.5 });
    const expected = Array.from({ length: 16 }, (_, k) => image[(3 - (k % 4)) * 4 + Math.floor(k / 4)]!);
    Array.from(out).forEach((value, k) => expect(value).toBeCloseTo(expected[k]!, 12));
  });

  it('scales about the centre: at 2x the centre 2x2 block spreads over the image', () => {
    // Only the scale is drawn (the other limits are 0); u = 1 -> scale 1 + 1 = 2: output (x, y) reads input (1.5 + (x - 1.5) / 2, ...), inside [0.75, 2.25].
    const out = augmentImages(image, 1, 4, 4, fixed([1]), { ...none, maxScale: 1 });
    const at = (x: number, y: number) => 4 * y + x + 1; // the image is linear in x and y, so bilinear is exact
    const expected = Array.from({ length: 16 }, (_, k) => at(1.5 + ((k % 4) - 1.5) / 2, 1.5 + (Math.floor(k / 4) - 1.5) / 2));
    Array.from(out).forEach((value, k) => expect(value).toBeCloseTo(expected[k]!, 12));
  });

  it('drops every pixel at dropout 1 and none at dropout 0', () => {
    const random = createRandom(5);
    expect(Array.from(augmentImages(image, 1, 4, 4, random, { ...none, dropout: 1 })).every((v) => v === 0)).toBe(true);
    expect(Array.from(augmentImages(image, 1, 4, 4, random, none))).toEqual(Array.from(image));
  });

  it('adds noise of the requested standard deviation', () => {
    const count = 500;
    const zeros = new Float64Array(count * 16);
    const out = augmentImages(zeros, count, 4, 4, createRandom(9), { ...none, noise: 0.1 });
    const mean = out.reduce((a, v) => a + v, 0) / out.length;
    const std = Math.sqrt(out.reduce((a, v) => a + (v - mean) ** 2, 0) / out.length);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std).toBeGreaterThan(0.095);
    expect(std).toBeLessThan(0.105);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeDigits, loadDigits, splitDigits } from './data.js';
import { createRandom } from './random.js';

describe('digits data', () => {
  // Figures from sklearn's load_digits() (python3-sklearn 1.2.1), the source of the bundled file.
  const classCounts = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];
  const firstImage = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0];

  it('loads the 1,797 images of 8x8 with the labels and pixels of the source', () => {
    const digits = loadDigits();
    expect([digits.count, digits.width, digits.height, digits.images.length]).toEqual([1797, 8, 8, 1797 * 64]);
    expect(classCounts.map((_, label) => digits.labels.filter((l) => l === label).length)).toEqual(classCounts);
    expect(Array.from(digits.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(Array.from(digits.images.subarray(0, 64), (v) => v * 16)).toEqual(firstImage);
    expect(digits.images.reduce((a, v) => a + v * 16, 0)).toBe(561718);
  });

  it('splits into disjoint train and test sets that cover every image', () => {
    const digits = loadDigits();
    const { train, test } = splitDigits(digits, 0.2, createRandom(1));
    expect([train.count, test.count]).toEqual([1438, 359]);
    const key = (images: Float64Array, i: number) => images.subarray(i * 64, (i + 1) * 64).join(',');
    const all = new Map<string, number>();
    for (let i = 0; i < digits.count; i++) all.set(key(digits.images, i), (all.get(key(digits.images, i)) ?? 0) + 1);
    for (const part of [train, test]) for (let i = 0; i < part.count; i++) all.set(key(part.images, i), all.get(key(part.images, i))! - 1);
    expect([...all.values()].every((v) => v === 0)).toBe(true);
  });

  it('splits the demo way: 359 test digits, then 288 validation and 1,150 training digits', () => {
    const random = createRandom(1);
    const { train, test } = splitDigits(loadDigits(), 0.2, random);
    const inner = splitDigits(train, 0.2, random);
    expect([inner.train.count, inner.test.count, test.count]).toEqual([1150, 288, 359]);
  });

  it('rejects a file of another format, naming it', () => {
    expect(() => decodeDigits(new TextEncoder().encode('NOTDIGITS.......'))).toThrow(/digits file: expected magic "CDIGITS1"/);
  });
});

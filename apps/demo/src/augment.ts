/**
 * Augmentations suited to 8x8 digits: with probability `shiftProbability`, a random shift of up to `maxShift`
 * pixels along each axis (zero fill); additive Gaussian noise; and pixel dropout. Two independent draws of one
 * image make a positive pair.
 */
import type { Random } from './random.js';

export interface AugmentOptions {
  /** Largest shift in pixels along each axis. Default 1. */
  readonly maxShift: number;
  /** Probability that an image is shifted at all (the demo README says why not always). Default 0.5. */
  readonly shiftProbability: number;
  /** Standard deviation of the additive noise, in units of the full pixel range [0, 1]. Default 0.1. */
  readonly noise: number;
  /** Probability that a pixel is set to 0. Default 0.1. */
  readonly dropout: number;
}

export const defaultAugmentOptions: AugmentOptions = { maxShift: 1, shiftProbability: 0.5, noise: 0.1, dropout: 0.1 };

/** Augments `count` images of `width * height` pixels (row-major); returns a new array. */
export function augmentImages(
  images: Float64Array,
  count: number,
  width: number,
  height: number,
  random: Random,
  options: AugmentOptions = defaultAugmentOptions,
): Float64Array {
  const size = width * height;
  const out = new Float64Array(count * size);
  for (let n = 0; n < count; n++) {
    const shifted = options.shiftProbability > 0 && random.next() < options.shiftProbability;
    const shiftX = shifted ? random.integer(2 * options.maxShift + 1) - options.maxShift : 0;
    const shiftY = shifted ? random.integer(2 * options.maxShift + 1) - options.maxShift : 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const sourceX = x - shiftX;
        const sourceY = y - shiftY;
        const inside = sourceX >= 0 && sourceX < width && sourceY >= 0 && sourceY < height;
        let value = inside ? images[n * size + sourceY * width + sourceX]! : 0;
        if (options.noise > 0) value += options.noise * random.normal();
        if (options.dropout > 0 && random.next() < options.dropout) value = 0;
        out[n * size + y * width + x] = value;
      }
    }
  }
  return out;
}

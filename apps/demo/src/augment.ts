/**
 * Augmentations suited to 8x8 digits. Each view is a random affine resampling of the image followed by noise and
 * pixel dropout; two independent draws of one image make a positive pair.
 *
 * Affine: a rotation by `theta ~ U(-maxRotation, maxRotation)` degrees, a scale `s ~ U(1 - maxScale, 1 + maxScale)`
 * and a shift `(tx, ty) ~ U(-maxShift, maxShift)` pixels each, about the image centre `c = ((W-1)/2, (H-1)/2)`:
 * output pixel `p` takes the input at `q = c + R(-theta) (p - c - t) / s`, read by bilinear interpolation with 0
 * outside the image (a padded canvas). With `theta = 0`, `s = 1` and integer `t` this is an exact shift.
 * Then each pixel gets Gaussian noise of standard deviation `noise`, and is set to 0 with probability `dropout`.
 */
import type { Random } from './random.js';

export interface AugmentOptions {
  /** Largest shift in pixels along each axis (continuous, uniform). */
  readonly maxShift: number;
  /** Largest rotation in degrees, either way. */
  readonly maxRotation: number;
  /** Largest relative change of scale (0.1: between 0.9x and 1.1x). */
  readonly maxScale: number;
  /** Standard deviation of the additive noise, in units of the full pixel range [0, 1]. */
  readonly noise: number;
  /** Probability that a pixel is set to 0. */
  readonly dropout: number;
}

export const defaultAugmentOptions: AugmentOptions = { maxShift: 0.5, maxRotation: 5, maxScale: 0.05, noise: 0.1, dropout: 0.1 };

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
  const [centreX, centreY] = [(width - 1) / 2, (height - 1) / 2];
  const uniform = (limit: number) => (limit > 0 ? (2 * random.next() - 1) * limit : 0);
  for (let n = 0; n < count; n++) {
    const theta = (uniform(options.maxRotation) * Math.PI) / 180;
    const scale = 1 + uniform(options.maxScale);
    const [shiftX, shiftY] = [uniform(options.maxShift), uniform(options.maxShift)];
    const [cos, sin] = [Math.cos(theta) / scale, Math.sin(theta) / scale];
    const image = images.subarray(n * size, (n + 1) * size);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const [u, v] = [x - centreX - shiftX, y - centreY - shiftY];
        let value = bilinear(image, width, height, centreX + cos * u + sin * v, centreY - sin * u + cos * v);
        if (options.noise > 0) value += options.noise * random.normal();
        if (options.dropout > 0 && random.next() < options.dropout) value = 0;
        out[n * size + y * width + x] = value;
      }
    }
  }
  return out;
}

/** The image at real coordinates `(x, y)` by bilinear interpolation, pixels outside the image being 0. */
function bilinear(image: Float64Array, width: number, height: number, x: number, y: number): number {
  const [x0, y0] = [Math.floor(x), Math.floor(y)];
  const [fx, fy] = [x - x0, y - y0];
  const at = (px: number, py: number) => (px >= 0 && px < width && py >= 0 && py < height ? image[py * width + px]! : 0);
  const top = (1 - fx) * at(x0, y0) + (fx > 0 ? fx * at(x0 + 1, y0) : 0);
  const bottom = fy > 0 ? (1 - fx) * at(x0, y0 + 1) + (fx > 0 ? fx * at(x0 + 1, y0 + 1) : 0) : 0;
  return (1 - fy) * top + fy * bottom;
}

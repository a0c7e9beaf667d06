/**
 * Augmentations suited to 8x8 digits, applied independently to make the two views of each image: a shift of up to
 * one pixel in each direction (zeros enter at the border), pixel dropout (each pixel zeroed with probability
 * `dropout`), and Gaussian noise of standard deviation `noise`, clamped to [0, 1].
 */
import type { SeededRandom } from '@contrastive/playground';

export interface AugmentOptions {
  readonly dropout: number;
  readonly noise: number;
}

export function augmentDigit(
  image: ArrayLike<number>,
  width: number,
  height: number,
  random: SeededRandom,
  options: AugmentOptions,
): Float32Array {
  const dx = Math.floor(random.uniform() * 3) - 1;
  const dy = Math.floor(random.uniform() * 3) - 1;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = [x - dx, y - dy];
      const inside = sx >= 0 && sx < width && sy >= 0 && sy < height;
      let value = inside ? image[sy * width + sx]! : 0;
      if (random.uniform() < options.dropout) value = 0;
      value += options.noise * random.normal();
      out[y * width + x] = Math.min(Math.max(value, 0), 1);
    }
  }
  return out;
}

import type { Tensor } from '@tensorflow/tfjs-core';
import type { TfjsModule } from './tfjs-precision.js';

/** tfjs backends whose `log1p` kernel is accurate for tiny arguments (the others compute `log(1 + x)`). */
export const accurateLog1pBackends: ReadonlySet<string> = new Set(['cpu', 'tensorflow']);

/**
 * `log1p(x)` accurate to float32 rounding for tiny `x`, from `log` alone (Goldberg 1991, after Kahan):
 * with `u = 1 + x` and `d = u - 1` (the part of `x` that survived the rounding of `u`),
 * `log1p(x) = x` when `d = 0`, `log(u)` when `u = x` (huge or infinite `x`), and `log(u) * (x / d)` otherwise.
 * tfjs's wasm, webgl and webgpu kernels compute `log(1 + x)`, which loses every digit below 2^-24 (a loss of
 * 1e-7 read as 1.19e-7); core keeps tiny losses exact through `log1p`, so the adapter composes it instead.
 */
export function accurateLog1p(tf: TfjsModule, x: Tensor): Tensor {
  return tf.tidy(() => {
    const u = tf.add(x, tf.scalar(1));
    const d = tf.sub(u, tf.scalar(1));
    const logU = tf.log(u);
    const corrected = tf.mul(logU, tf.div(x, tf.where(tf.equal(d, 0), tf.onesLike(d), d)));
    return tf.where(tf.equal(d, 0), x, tf.where(tf.equal(u, x), logU, corrected));
  });
}

import type { Tensor } from '@tensorflow/tfjs-core';
import type { TfjsModule } from './tfjs-precision.js';

/** The value tfjs-webgl's max reduction starts from (`-1.0 / 1e-20` in its `reduce_gpu` shader). */
const webglMaxStart = -1e20;
/** A power of two that brings every float32 at or below -1e20 above it, exactly: -3.4e38 * 2^-67 = -2.3e18. */
const scaleExponent = 67;

/**
 * `tf.max` on webgl in float32: tfjs-webgl's max reduction starts from -1e20, so a row whose values all lie at or
 * below -1e20 (a logit row at extreme magnitudes, or a row of only -Infinity) reduces to -1e20. Such rows are
 * reduced again on the values scaled by 2^-67 (exact, a power of two) and scaled back; other rows keep the plain
 * result. One more elementwise pass and reduction, on webgl only.
 */
export function webglMax(tf: TfjsModule, x: Tensor, axis: number, keepDims: boolean): Tensor {
  return tf.tidy(() => {
    const direct = tf.max(x, axis, keepDims);
    const scaled = tf.mul(tf.max(tf.mul(x, 2 ** -scaleExponent), axis, keepDims), 2 ** scaleExponent);
    return tf.where(tf.lessEqual(direct, webglMaxStart), scaled, direct);
  });
}

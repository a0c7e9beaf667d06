import type * as tfCore from '@tensorflow/tfjs-core';
import type { FloatPrecision, Shape } from '@contrastive/core';

/**
 * A TensorFlow.js module: `@tensorflow/tfjs-core`, or any package that re-exports it (`@tensorflow/tfjs`).
 *
 * @example
 * import * as tf from '@tensorflow/tfjs';
 * const backend = createTfjsBackend(tf satisfies TfjsModule);
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export type TfjsModule = typeof tfCore;

/**
 * The smallest normal float16 value, 2^-14.
 *
 * @see [WebGL backend](/backends/tfjs-webgl)
 *
 * @example
 * const tiny = Math.max(epsilon, float16MinNormal); // stays non-zero in half floats
 */
export const float16MinNormal = 2 ** -14;

/** Reads a boolean environment flag, `undefined` when the active build has not registered it. */
function flag(tf: TfjsModule, name: string): boolean | undefined {
  try {
    return tf.env().getBool(name);
  } catch {
    return undefined;
  }
}

/**
 * The precision values are held in on the active tfjs backend: WebGL stores tensors in half-float textures when
 * float32 render targets are unavailable (`WEBGL_RENDER_FLOAT32_ENABLED` false, typical of mobile GPUs) or when
 * `WEBGL_FORCE_F16_TEXTURES` is set; every other backend (cpu, wasm, webgpu, tensorflow) holds float32.
 *
 * @param tf - The TensorFlow.js module.
 * @returns `'float16'` or `'float32'`.
 *
 * @example
 * await tf.setBackend('webgl');
 * console.log(detectPrecision(tf)); // 'float32' on desktop GPUs
 *
 * @see [WebGL backend](/backends/tfjs-webgl)
 */
export function detectPrecision(tf: TfjsModule): FloatPrecision {
  if (tf.getBackend() !== 'webgl') return 'float32';
  if (flag(tf, 'WEBGL_FORCE_F16_TEXTURES') === true) return 'float16';
  return flag(tf, 'WEBGL_RENDER_FLOAT32_ENABLED') === false ? 'float16' : 'float32';
}

/**
 * The largest finite float16 value.
 *
 * @see [WebGL backend](/backends/tfjs-webgl)
 *
 * @example
 * const clamped = Math.min(value, float16Max);
 */
export const float16Max = 65504;

/**
 * The constant stored for `value` in float16 mode: tiny non-zero constants become +-2^-14 so that clamps such as
 * core's normalisation epsilon (1e-12) stay non-zero in half floats, and +-Infinity becomes +-65504, because
 * tfjs-webgl turns infinities into NaN when it uploads them to half-float textures (the `where`-masks of core's
 * log-sum-exp use -Infinity as the neutral element of `max`; -65504 serves the same role there).
 *
 * @param value - The constant.
 * @returns The value to store.
 *
 * @example
 * float16Constant(1e-12); // 2 ** -14
 * float16Constant(-Infinity); // -65504
 *
 * @see [WebGL backend](/backends/tfjs-webgl)
 */
export function float16Constant(value: number): number {
  if (value === Infinity || value === -Infinity) return Math.sign(value) * float16Max;
  if (value !== 0 && Math.abs(value) < float16MinNormal) return Math.sign(value) * float16MinNormal;
  return value;
}

/** `tf.fill` in float32, with `float16Constant` applied when the active backend stores half floats. */
export function adapterFill(tf: TfjsModule, shape: Shape, value: number): tfCore.Tensor {
  const stored = detectPrecision(tf) === 'float16' ? float16Constant(value) : value;
  return tf.fill([...shape], stored, 'float32');
}

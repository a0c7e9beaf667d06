import type * as tfCore from '@tensorflow/tfjs-core';
import type { FloatPrecision, Shape } from '@contrastive/core';

/** A TensorFlow.js module: `@tensorflow/tfjs-core`, or any package that re-exports it (`@tensorflow/tfjs`). */
export type TfjsModule = typeof tfCore;

/** The smallest normal float16 value, 2^-14. */
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
 */
export function detectPrecision(tf: TfjsModule): FloatPrecision {
  if (tf.getBackend() !== 'webgl') return 'float32';
  if (flag(tf, 'WEBGL_FORCE_F16_TEXTURES') === true) return 'float16';
  return flag(tf, 'WEBGL_RENDER_FLOAT32_ENABLED') === false ? 'float16' : 'float32';
}

/**
 * `tf.fill` in float32; in float16 mode, positive constants below 2^-14 become 2^-14 (negative ones -2^-14) so
 * that clamps such as core's normalisation epsilon (1e-12) stay non-zero once stored in half floats.
 */
export function adapterFill(tf: TfjsModule, shape: Shape, value: number): tfCore.Tensor {
  let stored = value;
  if (value !== 0 && Math.abs(value) < float16MinNormal && detectPrecision(tf) === 'float16') {
    stored = Math.sign(value) * float16MinNormal;
  }
  return tf.fill([...shape], stored, 'float32');
}

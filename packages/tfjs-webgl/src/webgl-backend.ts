import type { FloatPrecision, TensorBackend } from '@contrastive/core';
import { createTfjsBackend, detectPrecision, selectTfjsBackend } from '@contrastive/tfjs';
import { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * Options of {@link createWebglBackend}.
 *
 * @example
 * const backend = await createWebglBackend({ forceFloat16: true }); // test half-float behaviour on a desktop GPU
 *
 * @see [WebGL backend](/backends/tfjs-webgl)
 */
export interface WebglBackendOptions {
  /**
   * Store tensors in half-float textures (`WEBGL_FORCE_F16_TEXTURES`), as mobile GPUs without float32 render
   * targets do. Applies only when set before the WebGL backend first starts. Default: leave the flag alone.
   */
  readonly forceFloat16?: boolean;
  /** Bytes one loss call may need at once before `ContrastiveResourceError`. Default 2 GiB (see `createTfjsBackend`). */
  readonly memoryBudgetBytes?: number;
}

/**
 * Registers the TensorFlow.js WebGL backend (if it is not registered yet), makes it the active tfjs backend,
 * checks that it really is active (`tf.setBackend` falls back silently; a `TfjsBackendError` is thrown instead)
 * and returns the core tensor backend over it.
 *
 * Precision (`backend.capabilities.precision`):
 * - `float32` when the GPU renders to float32 textures (`WEBGL_RENDER_FLOAT32_ENABLED`, desktop GPUs);
 * - `float16` with half-float textures (mobile GPUs, or `forceFloat16`): every stored value has 11 significant
 *   bits (about 3 decimal digits) and a range of 6.1e-5 to 65504. Core's losses stay finite there (logits are
 *   max-subtracted before `exp`, masks use `where`); the normalisation clamp 1e-12 becomes 2^-14 (6.1e-5).
 *
 * Values live in textures, so core checks them on the device: a NaN or infinite input makes the loss and its
 * gradients NaN, and `backend.read` of them throws `ContrastiveInputError` naming the input.
 *
 * @param options - {@link WebglBackendOptions}: `forceFloat16` (default: the flag is left alone), `memoryBudgetBytes`
 * (default 2 GiB).
 * @returns A `TensorBackend` over tfjs `Tensor`s on the active WebGL backend.
 * @throws TfjsBackendError when WebGL cannot be made the active tfjs backend.
 *
 * @example
 * const backend = await createWebglBackend();
 * console.log(backend.capabilities.precision); // 'float32' or 'float16'
 *
 * @see [WebGL backend](/backends/tfjs-webgl)
 */
export async function createWebglBackend(options: WebglBackendOptions = {}): Promise<TensorBackend<Tensor>> {
  if (options.forceFloat16 !== undefined) tf.env().set('WEBGL_FORCE_F16_TEXTURES', options.forceFloat16);
  if (!tf.findBackendFactory('webgl')) tf.registerBackend('webgl', () => new MathBackendWebGL(), 2);
  await selectTfjsBackend(tf, 'webgl');
  return createTfjsBackend(tf, options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes });
}

/**
 * The precision of the active WebGL backend: `float16` with half-float textures, `float32` otherwise.
 *
 * @example
 * if (webglPrecision() === 'float16') console.warn('half-float textures: about 3 significant digits');
 *
 * @see [WebGL backend](/backends/tfjs-webgl)
 */
export function webglPrecision(): FloatPrecision {
  return detectPrecision(tf);
}

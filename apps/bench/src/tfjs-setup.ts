/** tfjs in a cell's child process: the requested backend, asserted active (tfjs falls back silently). */
import { selectTfjsBackend } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export { tf };

export async function useTfjsBackend(name: 'wasm' | 'cpu'): Promise<void> {
  await selectTfjsBackend(tf, name);
}

/** The wasm heap's current size in bytes (it only grows, so after the work it is the peak), when readable. */
export function wasmHeapBytes(): number | undefined {
  const backend = tf.backend() as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.length;
}

/** Peak bytes of tfjs tensors while `fn` runs (`tf.profile`), its new tensors disposed by `fn` itself. */
export async function tfjsPeakBytes(fn: () => void): Promise<number> {
  const info = await tf.profile(fn);
  return info.peakBytes;
}

/**
 * Loads TensorFlow.js in the reader's browser (on first use) and activates one backend. `tf.setBackend` does not
 * throw when a backend fails to start (it returns false and tfjs stays on another one), so this goes through
 * `selectTfjsBackend` from `@contrastive/tfjs`, which throws `TfjsBackendError` naming the backend that is active.
 */
export type LiveBackendName = 'webgl' | 'webgpu' | 'cpu';

export type TfjsCore = typeof import('@tensorflow/tfjs-core');

export async function loadTfjs(backend: LiveBackendName): Promise<TfjsCore> {
  // One after the other: bundlers split tfjs-core across chunks, and a backend chunk evaluated before the chunk
  // that registers tfjs's flags fails with "Cannot evaluate flag 'DEBUG'".
  const tf = await import('@tensorflow/tfjs-core');
  // tfjs-core alone registers no gradients; the encoder's matMul/relu/add/split need theirs.
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-backend-webgl');
  // The WebGPU backend registers itself only where `navigator.gpu` exists; elsewhere selecting it fails loudly.
  await import('@tensorflow/tfjs-backend-webgpu');
  const { selectTfjsBackend } = await import('@contrastive/tfjs');
  await selectTfjsBackend(tf, backend);
  return tf;
}

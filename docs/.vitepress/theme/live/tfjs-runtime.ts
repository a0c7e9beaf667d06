/**
 * Loads TensorFlow.js in the reader's browser (on first use) and activates one backend. `tf.setBackend` does not
 * throw when a backend fails to start (it returns false and tfjs stays on another one), so this goes through
 * `selectTfjsBackend` from `@contrastive/tfjs`, which throws `TfjsBackendError` naming the backend that is active.
 */
export type LiveBackendName = 'webgl' | 'webgpu' | 'cpu';

export type TfjsCore = typeof import('@tensorflow/tfjs-core');

export async function loadTfjs(backend: LiveBackendName): Promise<TfjsCore> {
  const [tf, contrastiveTfjs] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@contrastive/tfjs'),
    // tfjs-core alone registers no gradients; the encoder's matMul/relu/add/split need theirs.
    import('@tensorflow/tfjs-core/dist/register_all_gradients'),
    import('@tensorflow/tfjs-backend-cpu'),
    import('@tensorflow/tfjs-backend-webgl'),
    // The WebGPU backend registers itself only where `navigator.gpu` exists; elsewhere selecting it fails loudly.
    import('@tensorflow/tfjs-backend-webgpu'),
  ]);
  await contrastiveTfjs.selectTfjsBackend(tf, backend);
  return tf;
}

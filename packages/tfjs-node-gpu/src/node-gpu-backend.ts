import type { TensorBackend } from '@contrastive/core';
import { createTfjsBackend, selectTfjsBackend, TfjsBackendError, type TfjsModule } from '@contrastive/tfjs';
import type { Tensor } from '@tensorflow/tfjs-core';

/** The optional peer dependency; a variable, so bundlers and type checkers do not require it to be installed. */
const nodeGpuPackage = '@tensorflow/tfjs-node-gpu';

/**
 * `@tensorflow/tfjs-node-gpu` when its native binding loads (`available: true` and the module as `tf`), or the
 * reason it does not (`available: false` and a one-line `reason`).
 *
 * @see [TensorFlow.js Node GPU backend](/backends/tfjs-node-gpu)
 *
 * @example
 * const status = await loadTfjsNodeGpu();
 * const backend = status.available ? createTfjsBackend(status.tf) : createReferenceBackend();
 */
export type TfjsNodeGpuStatus =
  | {
      /** The binding loads. */
      readonly available: true;
      /** The `@tensorflow/tfjs-node-gpu` module. */
      readonly tf: TfjsModule;
    }
  | {
      /** The binding does not load. */
      readonly available: false;
      /** Why, in one line. */
      readonly reason: string;
    };

/**
 * Loads `@tensorflow/tfjs-node-gpu` (libtensorflow 2.9.1 with CUDA 11.2 and cuDNN 8.1), reporting why when it
 * cannot: the package is missing, or its native binding (downloaded by its install script) does not load.
 *
 * @returns The module, or why it does not load; never throws.
 *
 * @example
 * const status = await loadTfjsNodeGpu();
 * if (!status.available) console.warn(status.reason);
 *
 * @see [TensorFlow.js Node GPU backend](/backends/tfjs-node-gpu)
 */
export async function loadTfjsNodeGpu(): Promise<TfjsNodeGpuStatus> {
  try {
    const tf = (await import(/* @vite-ignore */ nodeGpuPackage)) as TfjsModule;
    return { available: true, tf };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    return { available: false, reason: `${nodeGpuPackage} does not load here: ${message}` };
  }
}

/**
 * Makes tfjs-node-gpu's `tensorflow` backend active, checks that it is (tfjs falls back silently), and returns
 * the core tensor backend over it. Throws `TfjsBackendError` with the reason when the binding does not load.
 *
 * @returns A `TensorBackend` over tfjs `Tensor`s on the `tensorflow` (CUDA) backend.
 * @throws TfjsBackendError when `@tensorflow/tfjs-node-gpu` is missing or its native binding does not load.
 *
 * @example
 * const backend = await createNodeGpuBackend();
 *
 * @see [TensorFlow.js Node GPU backend](/backends/tfjs-node-gpu)
 */
export async function createNodeGpuBackend(): Promise<TensorBackend<Tensor>> {
  const status = await loadTfjsNodeGpu();
  if (!status.available) throw new TfjsBackendError('tensorflow', 'none', status.reason);
  await selectTfjsBackend(status.tf, 'tensorflow');
  return createTfjsBackend(status.tf);
}

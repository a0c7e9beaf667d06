/**
 * The backends the playground runs on: core's float64 reference backend, or TensorFlow.js (WebGL or CPU) through
 * `@contrastive/tfjs`. tfjs is loaded on first use. `tf.setBackend` falls back silently when a backend cannot
 * start, so the tfjs choice goes through `selectTfjsBackend`, which throws when the requested one is not active.
 */
import { createReferenceBackend, type TensorBackend } from '@contrastive/core';

export type PlaygroundBackendName = 'reference' | 'tfjs-webgl' | 'tfjs-cpu';

export const playgroundBackendNames: readonly PlaygroundBackendName[] = ['reference', 'tfjs-webgl', 'tfjs-cpu'];

export interface PlaygroundBackend {
  readonly backend: TensorBackend<unknown>;
  /** What actually ran, e.g. `reference (float64)` or `tfjs webgl (float32)`. */
  readonly description: string;
}

let reference: TensorBackend<unknown> | undefined;
let tfjsAdapter: TensorBackend<unknown> | undefined;

/** Starts (or reuses) the backend `name`; rejects with `TfjsBackendError` when tfjs cannot activate it. */
export async function createPlaygroundBackend(name: PlaygroundBackendName): Promise<PlaygroundBackend> {
  if (name === 'reference') {
    reference ??= createReferenceBackend() as TensorBackend<unknown>;
    return { backend: reference, description: `reference (${reference.capabilities.precision})` };
  }
  // One after the other: bundlers split tfjs-core across chunks, and a backend chunk evaluated before the chunk
  // that registers tfjs's flags fails with "Cannot evaluate flag 'DEBUG'".
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-backend-webgl');
  const contrastiveTfjs = await import('@contrastive/tfjs');
  await contrastiveTfjs.selectTfjsBackend(tf, name === 'tfjs-webgl' ? 'webgl' : 'cpu');
  tfjsAdapter ??= contrastiveTfjs.createTfjsBackend(tf) as TensorBackend<unknown>;
  return { backend: tfjsAdapter, description: `tfjs ${tf.getBackend()} (${tfjsAdapter.capabilities.precision})` };
}

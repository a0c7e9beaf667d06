/**
 * The backends the demo can train on, by their `--backend` name. Only the embedded float64 reference backend is
 * wired today; a TensorFlow.js backend plugs in here as one more entry (for example
 * `'tfjs-wasm': async () => createTfjsBackend(...)` from `@contrastive/tfjs`), nothing else changes.
 */
import { ContrastiveInputError, createReferenceBackend, type TensorBackend } from '@contrastive/core';

export const backendFactories: Record<string, () => Promise<TensorBackend<unknown>>> = {
  reference: async () => createReferenceBackend(),
};

export const backendNames = Object.keys(backendFactories);

/** Creates the named backend, or throws `ContrastiveInputError` listing the available names. */
export async function createDemoBackend(name: string): Promise<TensorBackend<unknown>> {
  const factory = Object.hasOwn(backendFactories, name) ? backendFactories[name] : undefined;
  if (!factory) throw new ContrastiveInputError('--backend', `one of ${backendNames.join(', ')}`, JSON.stringify(name));
  return factory();
}

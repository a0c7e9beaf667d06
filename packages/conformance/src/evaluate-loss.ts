import { computeLoss, computeLossAndGradients, disposeAll, type LossDefinition, type TensorBackend } from '@contrastive/core';
import type { ActualTensor } from './compare-values.js';
import type { HostInputs } from './fixture-types.js';
import type { LossOptions } from './loss-case-specs.js';

/**
 * Any loss definition, whatever its input names and options.
 *
 * @example
 * const definitions: AnyLossDefinition[] = Object.values(losses);
 *
 * @see [Adding a loss](/contributing/adding-a-loss)
 */
export type AnyLossDefinition = LossDefinition<string, object>;

/**
 * What one evaluation read back from the backend: the loss (or forward outputs) and gradients by input name.
 *
 * @example
 * const { outputs, gradients } = await entry.evaluate(backend, fixtureCase.inputs, fixtureCase.options ?? {});
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export interface Evaluation {
  /** `loss`, or the forward outputs of a forward-only function (`logits`, `labels`). */
  readonly outputs: Readonly<Record<string, ActualTensor>>;
  /** The gradient of each floating-point input; empty for forward-only functions. */
  readonly gradients: Readonly<Record<string, ActualTensor>>;
}

/** Creates one backend tensor per host input. */
export function createInputs<T>(backend: TensorBackend<T>, inputs: HostInputs): Record<string, T> {
  return Object.fromEntries(Object.entries(inputs).map(([name, tensor]) => [name, backend.fromArray(tensor.values, tensor.shape)]));
}

/**
 * Reads every tensor of `tensors` with one `Promise.all` (a tracing backend runs them as one graph), then
 * returns their values with their shapes. Entries that are `undefined` are left out.
 */
export async function readAll<T>(backend: TensorBackend<T>, tensors: Readonly<Record<string, T | undefined>>): Promise<Record<string, ActualTensor>> {
  const entries = Object.entries(tensors).filter((entry): entry is [string, T] => entry[1] !== undefined);
  const values = await Promise.all(entries.map(([, tensor]) => backend.read(tensor)));
  return Object.fromEntries(entries.map(([name, tensor], i) => [name, { shape: [...backend.shape(tensor)], values: values[i]! }]));
}

/**
 * Runs `definition` on `inputs` (forward, and the analytic backward when `withGradients`), reads the results and
 * releases every tensor it created, inputs included.
 */
export async function evaluateLoss<T>(
  backend: TensorBackend<T>,
  definition: AnyLossDefinition,
  inputs: HostInputs,
  options: LossOptions,
  withGradients = true,
): Promise<Evaluation> {
  const tensors = createInputs(backend, inputs);
  try {
    if (!withGradients) {
      const loss = computeLoss(backend, definition, tensors, options);
      try {
        return { outputs: await readAll(backend, { loss }), gradients: {} };
      } finally {
        backend.dispose(loss);
      }
    }
    const result = computeLossAndGradients(backend, definition, tensors, options);
    try {
      const gradients = result.gradients as Readonly<Record<string, T | undefined>>;
      const names = Object.keys(gradients);
      const read = await readAll(backend, { loss: result.loss, ...Object.fromEntries(names.map((n) => [`gradient:${n}`, gradients[n]])) });
      const pickGradients = Object.entries(read).filter(([key]) => key.startsWith('gradient:'));
      return {
        outputs: { loss: read.loss! },
        gradients: Object.fromEntries(pickGradients.map(([key, value]) => [key.slice('gradient:'.length), value])),
      };
    } finally {
      disposeAll(backend, result);
    }
  } finally {
    disposeAll(backend, tensors);
  }
}

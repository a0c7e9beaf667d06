/**
 * Every function the fixtures cover, by fixture name: each loss of core's `losses` registry (by its `name`)
 * and the two forward-only functions `simclrInfoNceLogits` and `topKAccuracy`.
 */
import { disposeAll, losses, simclrInfoNceLogits, topKAccuracy, type TensorBackend } from '@contrastive/core';
import { createInputs, evaluateLoss, readAll, type AnyLossDefinition, type Evaluation } from './evaluate-loss.js';
import type { HostInputs } from './fixture-types.js';
import type { LossOptions } from './loss-case-specs.js';

/**
 * One function the fixtures cover: its fixture name and how to evaluate it on a backend.
 *
 * @example
 * const failures = await checkFixtureCase(backend, entry, fixtureCase, file.loss);
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export interface CatalogEntry {
  /** The fixture name (the loss definition's `name`). */
  readonly name: string;
  /** Present for losses with an analytic backward. */
  readonly definition?: AnyLossDefinition;
  /** Runs it on `backend` with host inputs and reads back the outputs and gradients. */
  evaluate<T>(backend: TensorBackend<T>, inputs: HostInputs, options: LossOptions): Promise<Evaluation>;
}

/** The differentiable losses of core's registry, in registry order. */
export function registeredLosses(): AnyLossDefinition[] {
  return Object.values(losses);
}

const forwardOnly: readonly CatalogEntry[] = [
  {
    name: 'simclr-info-nce-logits',
    evaluate: (backend, inputs, options) =>
      evaluateForward(backend, inputs, (tensors) => {
        const { logits, labels } = simclrInfoNceLogits(backend, tensors, options);
        return { tensors: { logits }, host: { labels: { shape: [labels.length], values: labels } } };
      }),
  },
  {
    name: 'top-k-accuracy',
    evaluate: (backend, inputs, options) =>
      evaluateForward(backend, inputs, (tensors) => {
        const { anchors, positives } = tensors;
        return { tensors: { loss: topKAccuracy(backend, { anchors: anchors!, positives: positives! }, options) }, host: {} };
      }),
  },
];

/** Every function covered by fixtures, by fixture name. */
export function lossCatalog(): ReadonlyMap<string, CatalogEntry> {
  const entries: CatalogEntry[] = registeredLosses().map((definition) => ({
    name: definition.name,
    definition,
    evaluate: (backend, inputs, options) => evaluateLoss(backend, definition, inputs, options),
  }));
  return new Map([...entries, ...forwardOnly].map((entry) => [entry.name, entry]));
}

type ForwardResult<T> = {
  tensors: Record<string, T>;
  host: Record<string, { shape: number[]; values: ArrayLike<number> }>;
};

async function evaluateForward<T>(
  backend: TensorBackend<T>,
  inputs: HostInputs,
  run: (tensors: Record<string, T>) => ForwardResult<T>,
): Promise<Evaluation> {
  const tensors = createInputs(backend, inputs);
  try {
    const result = run(tensors);
    try {
      return { outputs: { ...(await readAll(backend, result.tensors)), ...result.host }, gradients: {} };
    } finally {
      disposeAll(backend, result.tensors);
    }
  } finally {
    disposeAll(backend, tensors);
  }
}

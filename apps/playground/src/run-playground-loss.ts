import { disposeAll, type TensorBackend } from '@contrastive/core';
import type { EmbeddingSample } from './embedding-sample.js';
import type { PlaygroundLoss, PlaygroundLossResult } from './playground-losses.js';

export interface PlaygroundRun {
  readonly loss: number;
  /** Frobenius norm `||dL/dx||_2` of the gradient of every input that has one, by input name. */
  readonly gradientNorms: Readonly<Record<string, number>>;
  /** Tensors alive after the run that were not alive before it (0 unless something leaks). */
  readonly leakedTensors: number;
}

/** Computes `loss` and its gradients on `backend` for `sample`, reads them back and releases every tensor. */
export async function runPlaygroundLoss<T>(
  backend: TensorBackend<T>,
  loss: PlaygroundLoss,
  sample: EmbeddingSample,
  temperature: number,
): Promise<PlaygroundRun> {
  const before = backend.liveCount();
  const values = await readLossAndGradients(backend, loss, sample, temperature);
  return { ...values, leakedTensors: backend.liveCount() - before };
}

async function readLossAndGradients<T>(
  backend: TensorBackend<T>,
  loss: PlaygroundLoss,
  sample: EmbeddingSample,
  temperature: number,
): Promise<Omit<PlaygroundRun, 'leakedTensors'>> {
  const shape = [sample.batchSize, sample.dimension];
  const anchors = backend.fromArray(sample.anchors, shape);
  const positives = backend.fromArray(sample.positives, shape);
  let result: PlaygroundLossResult<T> | undefined;
  try {
    result = backend.scope(() => loss.compute(backend, { anchors, positives, batchSize: sample.batchSize }, temperature));
    const [value] = await backend.read(result.loss);
    const gradientNorms: Record<string, number> = {};
    for (const [name, gradient] of Object.entries(result.gradients)) {
      if (gradient === undefined) continue;
      let sum = 0;
      for (const g of await backend.read(gradient)) sum += g * g;
      gradientNorms[name] = Math.sqrt(sum);
    }
    return { loss: value ?? Number.NaN, gradientNorms };
  } finally {
    disposeAll(backend, { anchors, positives, result });
  }
}

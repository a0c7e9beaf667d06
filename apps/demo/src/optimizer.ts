/**
 * Adam (Kingma and Ba 2015) over the tensor primitives. For parameter `p` with gradient `g` at step `t`:
 *   `m = beta1 m + (1 - beta1) g`, `v = beta2 v + (1 - beta2) g^2`,
 *   `p = p - learningRate * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)`.
 * The optimizer owns its moment tensors; `step` returns new parameters and disposes nothing it was given.
 */
import type { TensorBackend } from '@contrastive/core';

export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export const defaultAdamOptions: AdamOptions = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export interface Adam<T> {
  /** New parameters, one per `parameters[i]`; `learningRate` overrides the option for this step (schedules). */
  step(parameters: readonly T[], gradients: readonly T[], learningRate?: number): T[];
  /** Releases the moment tensors. */
  dispose(): void;
}

export function createAdam<T>(backend: TensorBackend<T>, options: Partial<AdamOptions> = {}): Adam<T> {
  const b = backend;
  const { learningRate, beta1, beta2, epsilon } = { ...defaultAdamOptions, ...options };
  let moments: { m: T; v: T }[] | undefined;
  let t = 0;
  const disposeMoments = (list: readonly { m: T; v: T }[]) => {
    for (const { m, v } of list) {
      b.dispose(m);
      b.dispose(v);
    }
  };
  return {
    step(parameters, gradients, rate = learningRate) {
      t += 1;
      const previous = moments ?? parameters.map((p) => ({ m: b.fill(b.shape(p), 0), v: b.fill(b.shape(p), 0) }));
      const result = b.scope(() => {
        const scalar = (value: number) => b.fill([], value);
        const [keep1, take1, keep2, take2] = [scalar(beta1), scalar(1 - beta1), scalar(beta2), scalar(1 - beta2)];
        const stepSize = scalar(rate / (1 - beta1 ** t));
        const secondCorrection = scalar(1 / (1 - beta2 ** t));
        const eps = scalar(epsilon);
        return parameters.map((p, i) => {
          const g = gradients[i]!;
          const m = b.add(b.mul(keep1, previous[i]!.m), b.mul(take1, g));
          const v = b.add(b.mul(keep2, previous[i]!.v), b.mul(take2, b.mul(g, g)));
          const denominator = b.add(b.sqrt(b.mul(v, secondCorrection)), eps);
          return { parameter: b.sub(p, b.div(b.mul(stepSize, m), denominator)), m, v };
        });
      });
      disposeMoments(previous);
      moments = result.map(({ m, v }) => ({ m, v }));
      return result.map(({ parameter }) => parameter);
    },
    dispose() {
      if (moments) disposeMoments(moments);
      moments = undefined;
    },
  };
}

import { ContrastiveInputError, formatShape } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/**
 * A weight of a `tf.LayersModel` (tfjs-layers' `LayerVariable`): read and written as a tensor.
 *
 * @example
 * const weight: LayerWeight = model.trainableWeights[0]!;
 *
 * @see [Large batches](/guides/large-batches)
 */
export interface LayerWeight {
  /** The current value. */
  read(): Tensor;
  /** Replaces the value (tfjs-layers copies it into the variable). */
  write(value: Tensor): unknown;
}

/**
 * What {@link momentumUpdate} reads and writes: a list of `tf.Variable`s, or a model (`tf.LayersModel`) whose
 * `trainableWeights` are used (the parameters, as PyTorch's `model.parameters()` in MoCo; batch-normalisation
 * statistics are not averaged).
 *
 * @example
 * const weights: MomentumWeights = keyEncoder; // a tf.LayersModel, or [w1, b1, w2] tf.Variables
 *
 * @see [Large batches](/guides/large-batches)
 */
export type MomentumWeights = readonly Variable[] | { readonly trainableWeights: readonly LayerWeight[] };

function weightsOf(weights: MomentumWeights, argument: string): { read(): Tensor; write(value: Tensor): unknown }[] {
  if (Array.isArray(weights)) {
    return weights.map((variable: unknown, i) => {
      if (!(variable instanceof tf.Variable)) throw new ContrastiveInputError(`${argument}[${i}]`, 'a tf.Variable', typeof variable);
      return { read: () => variable, write: (value: Tensor) => variable.assign(value) };
    });
  }
  const model = weights as { trainableWeights?: unknown };
  if (typeof model !== 'object' || model === null || !Array.isArray(model.trainableWeights)) {
    throw new ContrastiveInputError(argument, 'an array of tf.Variable or a model with trainableWeights', String(weights));
  }
  return model.trainableWeights as LayerWeight[];
}

/**
 * The momentum (exponential moving average) encoder update of MoCo (He et al. 2020, arXiv:1911.05722) and BYOL:
 * every weight of `target` becomes `momentum * target + (1 - momentum) * source`. `momentum` 1 leaves `target` as
 * it is; 0 copies `source`. `target` and `source` must have the same architecture: the same number of weights, in
 * the same order, with the same shapes (`ContrastiveInputError` naming `source` otherwise, before any weight
 * changes). Leaks no tensor.
 *
 * @param target - The momentum (key, teacher) encoder, updated in place.
 * @param source - The encoder trained by the optimizer (query, student).
 * @param momentum - In [0, 1], e.g. 0.999 (MoCo) or 0.996 (BYOL).
 *
 * @example
 * optimizer.minimize(() => infoNce(queryEncoder.apply(x1), keyEncoder.apply(x2), queue.negatives()), false);
 * momentumUpdate(keyEncoder, queryEncoder, 0.999);
 *
 * @see [Large batches](/guides/large-batches)
 */
export function momentumUpdate(target: MomentumWeights, source: MomentumWeights, momentum: number): void {
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new ContrastiveInputError('momentum', 'a number in [0, 1]', String(momentum));
  }
  const [targets, sources] = [weightsOf(target, 'target'), weightsOf(source, 'source')];
  if (targets.length !== sources.length) {
    throw new ContrastiveInputError('source', `${targets.length} weights (as target)`, `${sources.length} weights`);
  }
  targets.forEach((weight, i) => {
    const [t, s] = [weight.read(), sources[i]!.read()];
    if (t.shape.length !== s.shape.length || t.shape.some((extent, k) => extent !== s.shape[k])) {
      throw new ContrastiveInputError(`source weight ${i}`, `shape ${formatShape(t.shape)} (as target)`, `shape ${formatShape(s.shape)}`);
    }
  });
  targets.forEach((weight, i) => {
    const updated = tf.tidy(() => tf.add(tf.mul(weight.read(), momentum), tf.mul(sources[i]!.read(), 1 - momentum)));
    weight.write(updated);
    updated.dispose();
  });
}

import { ContrastiveInputError, formatShape } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LossDefinition } from '@contrastive/core';
import type { TfjsLossOptions } from './tfjs-loss.js';

/**
 * Any loss of this package (`ntXent`, `supCon`, ...): a tfjs op that carries its core definition.
 *
 * @example
 * const chosen: AnyTfjsLoss<NtXentOptions> = ntXent;
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export type AnyTfjsLoss<O extends object> = ((...args: never[]) => Tensor) & {
  /** The core definition the op runs. */
  readonly definition: LossDefinition<string, O>;
};

/**
 * A loss in the form `model.compile({ loss })` takes.
 *
 * @example
 * const loss: LayersLossFunction = layersLoss(supCon, { views: 2 });
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export type LayersLossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * Wraps a tfjs loss of this package for the Layers API (`model.compile({ optimizer, loss })`).
 *
 * Layout of a batch:
 * - Losses over `anchors` and `positives` (ntXent, contrastiveLoss, dcl, infoNce without negatives, alignment,
 *   ...): `yPred` is the two views concatenated along the batch axis, `[anchors; positives]` ([2N, D]): rows
 *   `0..N-1` are the first view of samples `0..N-1` and rows `N..2N-1` their second view.
 * - Losses over `embeddings` (simclrInfoNce, supCon, uniformity): `yPred` is the view-major `embeddings`.
 * - `labels` (supCon): column 0 of the first `rows / views` rows of `yTrue`. Other losses ignore `yTrue`
 *   (Layers still wants one with `yPred`'s number of rows: pass zeros).
 * Rows must arrive in that order: build batches yourself (`model.trainOnBatch`, `model.fitDataset`) or call
 * `model.fit` with `shuffle: false` and a `batchSize` that matches your blocks. Losses that need further tensors
 * (clip's `logitScale`, sigLip's `logTemperature` and `bias`, explicit negatives) are used directly instead.
 *
 * @param loss - A loss of this package (`ntXent`, `supCon`, ...).
 * @param options - The loss's options; each one left out takes its default (as the loss itself).
 * @returns A `(yTrue, yPred) => loss` function named `contrastive_<loss>`.
 *
 * @example
 * model.compile({ optimizer: tf.train.adam(1e-3), loss: layersLoss(ntXent, { temperature: 0.1 }) });
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export function layersLoss<O extends object>(loss: AnyTfjsLoss<O>, options?: TfjsLossOptions<O>): LayersLossFunction {
  const fn = (yTrue: Tensor, yPred: Tensor): Tensor =>
    tf.tidy(() => {
      const names = loss.definition.inputs;
      const args = names.map((name) => layersInput(name, yTrue, yPred, loss, options));
      return Reflect.apply(loss, undefined, [...args, options]) as Tensor;
    });
  Object.defineProperty(fn, 'name', { value: `contrastive_${loss.definition.name.replace(/-/g, '_')}` });
  return fn;
}

function layersInput<O extends object>(
  name: string,
  yTrue: Tensor,
  yPred: Tensor,
  loss: AnyTfjsLoss<O>,
  options: TfjsLossOptions<O> | undefined,
): Tensor | undefined {
  const rows = yPred.shape[0] ?? 0;
  if (name === 'embeddings') return yPred;
  if (name === 'anchors' || name === 'positives') {
    if (yPred.rank !== 2 || rows % 2 !== 0) {
      throw new ContrastiveInputError('yPred', 'a [2N, D] batch: anchors then positives along the batch axis', `shape ${formatShape(yPred.shape)}`);
    }
    return tf.slice(yPred, [name === 'anchors' ? 0 : rows / 2, 0], [rows / 2, -1]);
  }
  if (name === 'labels') {
    const views = ((options as { views?: number } | undefined)?.views ?? (loss.definition.defaults as { views?: number }).views) ?? 1;
    const samples = Math.floor(rows / views);
    const column = yTrue.rank === 1 ? yTrue : tf.reshape(tf.slice(yTrue, [0, 0], [-1, 1]), [-1]);
    return tf.slice(column, [0], [samples]);
  }
  return undefined;
}

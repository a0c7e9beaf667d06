/**
 * Core's forward-only functions as tfjs calls (no gradient): the top-k retrieval accuracy and the origin
 * document's `info_nce_loss` logits. Inputs are `tf.Tensor | TensorLike`; bad input throws `ContrastiveInputError`.
 */
import * as core from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tfjsLossBackend, type TensorInput } from './tfjs-loss.js';
import { toFloatTensor } from './to-float-tensor.js';

/**
 * `mean_i [ #{j : s_ij > s_ii} < k ]` with `s = normalize(anchors) normalize(positives)^T`: the fraction of
 * queries whose positive (candidate `i`) is among the top `k` (a tf.Scalar in [0, 1]).
 *
 * @param anchors - [N, D] the queries.
 * @param positives - [M, D] the candidates (M >= N); row `i` is query `i`'s positive.
 * @param options - `k` (default 1), `normalize` (default true).
 * @returns A tf.Scalar in [0, 1].
 * @throws ContrastiveInputError for bad input or options.
 *
 * @example
 * const top5 = topKAccuracy(imageEmbeddings, textEmbeddings, { k: 5 });
 *
 * @see [Top-k accuracy](/losses/top-k-accuracy)
 */
export function topKAccuracy(anchors: TensorInput, positives: TensorInput, options?: Partial<core.TopKAccuracyOptions>): Tensor {
  return tf.tidy(() =>
    core.topKAccuracy(tfjsLossBackend(), { anchors: toFloatTensor(anchors, 'anchors'), positives: toFloatTensor(positives, 'positives') }, options),
  );
}

/**
 * The origin document's `info_nce_loss(features)` outputs for view-major `embeddings` [V*B, D]: `logits`
 * [VB, VB-1] (positives first) and `labels`, VB int32 zeros, ready for `tf.losses.softmaxCrossEntropy`.
 *
 * @param embeddings - [V * B, D], view-major.
 * @param options - `views` (default 2), `temperature` (default 0.07), `normalize` (default true).
 * @returns `logits` [VB, VB-1] and `labels` [VB] int32 zeros.
 * @throws ContrastiveInputError for bad input or options.
 *
 * @example
 * const { logits, labels } = simclrInfoNceLogits(features, { views: 2 });
 * const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]!), logits);
 *
 * @see [SimCLR info_nce_loss](/losses/simclr-info-nce)
 */
export function simclrInfoNceLogits(
  embeddings: TensorInput,
  options?: Partial<core.SimclrInfoNceLogitsOptions>,
): {
  /** [VB, VB-1] the logits, positives first. */
  logits: Tensor;
  /** [VB] int32 zeros (the class of the first positive). */
  labels: Tensor;
} {
  return tf.tidy(() => {
    const { logits, labels } = core.simclrInfoNceLogits(tfjsLossBackend(), { embeddings: toFloatTensor(embeddings, 'embeddings') }, options);
    return { logits, labels: tf.tensor1d(labels, 'int32') };
  });
}

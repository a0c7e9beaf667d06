/**
 * The naive composition users write today: the origin document's two functions
 * (/work/shared/seed/origin-contrastive-learning-python.txt) transliterated to tfjs ops, differentiated by
 * `tf.grads`. PyTorch's fancy indexing (`sim[range(B), range(B)]`, `sim[~mask].view(...)`) has no tfjs
 * equivalent with a gradient on the wasm backend (`tf.gather`'s gradient needs `UnsortedSegmentSum`, which tfjs
 * wasm lacks), so it becomes the usual tfjs idiom: an identity mask for the diagonal, and for `info_nce_loss`
 * the diagonal pushed out of the softmax with a large negative and one-hot labels over all 2N columns
 * (`CrossEntropyLoss` becomes `tf.losses.softmaxCrossEntropy`). Masks and labels are built once per shape,
 * outside the timed step (generous to the naive form).
 */
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import { tf } from './tfjs-setup.js';

/** `contrastive_loss(x, x_aug, T)`: cross-view cosine similarities, `-mean log(pos / (row sum - pos))`. */
export function originContrastiveLoss(pairs: number, temperature: number): (x: Tensor, xAug: Tensor) => Tensor {
  const identity = tf.keep(tf.eye(pairs));
  return (x, xAug) => {
    const xAbs = tf.norm(x, 'euclidean', 1);
    const xAugAbs = tf.norm(xAug, 'euclidean', 1);
    // einsum('ik,jk->ij', x, x_aug) / einsum('i,j->ij', x_abs, x_aug_abs)
    let similarity = tf.div(tf.matMul(x, xAug, false, true), tf.outerProduct(xAbs as Tensor1D, xAugAbs as Tensor1D));
    similarity = tf.exp(tf.div(similarity, temperature));
    const positive = tf.sum(tf.mul(similarity, identity), 1); // sim_matrix[range(B), range(B)]
    const ratio = tf.div(positive, tf.sub(tf.sum(similarity, 1), positive));
    return tf.neg(tf.mean(tf.log(ratio)));
  };
}

/** `info_nce_loss(features)` for two views (SimCLR logits), then `tf.losses.softmaxCrossEntropy`. */
export function simclrInfoNceLoss(pairs: number, temperature: number): (x: Tensor, xAug: Tensor) => Tensor {
  const rows = 2 * pairs;
  const diagonal = tf.keep(tf.mul(tf.eye(rows), 1e9));
  const partner = Int32Array.from({ length: rows }, (_, i) => (i + pairs) % rows);
  const labels = tf.keep(tf.cast(tf.oneHot(tf.tensor1d(partner, 'int32'), rows), 'float32'));
  return (x, xAug) => {
    const features = tf.concat([x, xAug], 0);
    // F.normalize(features, dim=1)
    const normalized = tf.div(features, tf.maximum(tf.norm(features, 'euclidean', 1, true), 1e-12));
    const similarity = tf.matMul(normalized, normalized, false, true);
    const logits = tf.div(tf.sub(similarity, diagonal), temperature); // the main diagonal discarded
    return tf.losses.softmaxCrossEntropy(labels, logits);
  };
}

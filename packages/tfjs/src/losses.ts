/**
 * Every core loss as a TensorFlow.js op. Each takes its tensors (`tf.Tensor | TensorLike`) in core's input order,
 * then options (core's option names; `reduction` also takes the `Reduction` enum), and returns a `tf.Tensor`
 * (a scalar, or one value per row for `Reduction.NONE`) whose gradient is core's analytic backward, so
 * `tf.grads`, `tf.variableGrads` and `optimizer.minimize` train through it. The math of each loss is in
 * `docs/architecture/loss-definitions.md` and in the TSDoc of the core export of the same name.
 *
 * @example
 * const loss = ntXent(anchors, positives, { temperature: 0.1 });
 */
import * as core from '@contrastive/core';
import { tfjsLoss, type TensorInput as X } from './tfjs-loss.js';

/**
 * SimCLR's NT-Xent over two views `[anchors; positives]` ([N, D] each).
 * Options: `temperature` 0.5, `normalize` true, `reduction` `'mean'` or `Reduction.MEAN`.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = ntXent(anchors, positives, { temperature: 0.5 });
 *
 * @see [NT-Xent](/losses/nt-xent)
 */
export const ntXent = tfjsLoss<[anchors: X, positives: X], core.NtXentOptions>(core.ntXent);
/**
 * The origin document's `contrastive_loss(x, x_aug, T)`, cross-view negatives only.
 * Options: `temperature` 0.1, `symmetric` false, `reduction` `'mean'` or `Reduction.MEAN`.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = contrastiveLoss(x, xAug, { temperature: 0.1 });
 *
 * @see [Contrastive loss](/losses/contrastive-loss)
 */
export const contrastiveLoss = tfjsLoss<[anchors: X, positives: X], core.ContrastiveLossOptions>(core.contrastiveLoss);
/**
 * The origin document's `info_nce_loss(features)` as a loss over view-major `embeddings` [V*B, D].
 * Options: `views` 2, `temperature` 0.07, `positives` `'all'`, `normalize` true, `reduction` `'mean'` or `Reduction.MEAN`.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = simclrInfoNce(tf.concat([view1, view2]), { views: 2 });
 *
 * @see [SimCLR info_nce_loss](/losses/simclr-info-nce)
 */
export const simclrInfoNce = tfjsLoss<[embeddings: X], core.SimclrInfoNceOptions>(core.simclrInfoNce);
/**
 * InfoNCE with in-batch, unpaired ([M, D]) or paired ([N, M, D]) `negatives`.
 * Options: `temperature` 0.1, `normalize` true, `symmetric` false, `reduction` `'mean'` or `Reduction.MEAN`,
 * `beta` 0 (hardness weighting of explicit negatives).
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = infoNce(queries, keys, queue, { temperature: 0.07 });
 *
 * @see [InfoNCE](/losses/info-nce)
 */
export const infoNce = tfjsLoss<[anchors: X, positives: X, negatives?: X], core.InfoNceOptions>(core.infoNce);
/**
 * Supervised contrastive loss over view-major `embeddings` [V*B, D] and `labels` [B]; optional labelled memory
 * `memory` [M, D] and `memoryLabels` [M] (Cross-Batch Memory: extra candidates, no gradient).
 * Options: `views` 1, `temperature` 0.07, `normalize` true, `reduction` `'mean'` or `Reduction.MEAN`.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = supCon(tf.concat([view1, view2]), labels, { views: 2 });
 *
 * @see [SupCon](/losses/sup-con)
 */
export const supCon = tfjsLoss<[embeddings: X, labels: X, memory?: X, memoryLabels?: X], core.SupConOptions>(core.supCon);
/**
 * CLIP's symmetric loss; `logitScale` (a scalar, e.g. a `tf.variable`) receives a gradient.
 * Options: `normalize` true, `maxLogitScale` 100, `reduction` `'mean'` or `Reduction.MEAN`.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const logitScale = tf.variable(tf.scalar(1 / 0.07));
 * const loss = clip(imageEmbeddings, textEmbeddings, logitScale);
 *
 * @see [CLIP](/losses/clip)
 */
export const clip = tfjsLoss<[anchors: X, positives: X, logitScale: X], core.ClipOptions>(core.clip);
/**
 * Decoupled contrastive learning (positives left out of the denominator).
 * Options: `temperature` 0.1, `symmetric` true, `normalize` true, `reduction` `'mean'` or `Reduction.MEAN`.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = dcl(anchors, positives, { temperature: 0.1 });
 *
 * @see [DCL](/losses/dcl)
 */
export const dcl = tfjsLoss<[anchors: X, positives: X], core.DclOptions>(core.dcl);
/**
 * HCL, hard negative contrastive learning: negatives reweighted by `exp(beta s)`, debiased by `tauPlus`.
 * Options: `temperature` 0.5, `beta` 1, `tauPlus` 0.1, `normalize` true, `reduction` `'mean'` or `Reduction.MEAN`.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = hcl(anchors, positives, { beta: 1, tauPlus: 0.1 });
 *
 * @see [HCL](/losses/hcl)
 */
export const hcl = tfjsLoss<[anchors: X, positives: X], core.HclOptions>(core.hcl);
/**
 * SigLIP's pairwise sigmoid loss; `logTemperature` and `bias` (scalars) receive gradients.
 * Options: `normalize` true, `reduction` `'mean'` or `Reduction.MEAN`.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = sigLip(images, texts, tf.variable(tf.scalar(Math.log(10))), tf.variable(tf.scalar(-10)));
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export const sigLip = tfjsLoss<[anchors: X, positives: X, logTemperature: X, bias: X], core.SigLipOptions>(core.sigLip);
/**
 * `torch.nn.functional.triplet_margin_loss` conventions.
 * Options: `margin` 1, `distance` `'euclidean'`, `reduction` `'mean'` or `Reduction.MEAN`.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = tripletMargin(anchors, positives, negatives, { margin: 0.5 });
 *
 * @see [Triplet margin](/losses/triplet-margin)
 */
export const tripletMargin = tfjsLoss<[anchors: X, positives: X, negatives: X], core.TripletMarginOptions>(core.tripletMargin);
/**
 * Alignment of positive pairs (Wang and Isola 2020).
 * Options: `alpha` 2, `normalize` true.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = alignment(anchors, positives, { alpha: 2 });
 *
 * @see [Alignment](/losses/alignment)
 */
export const alignment = tfjsLoss<[anchors: X, positives: X], core.AlignmentOptions>(core.alignment);
/**
 * Uniformity of `embeddings` on the hypersphere (Wang and Isola 2020).
 * Options: `t` 2, `normalize` true.
 * Returns a tf.Tensor whose gradient is core's analytic backward.
 *
 * @example
 * const loss = uniformity(embeddings, { t: 2 });
 *
 * @see [Uniformity](/losses/uniformity)
 */
export const uniformity = tfjsLoss<[embeddings: X], core.UniformityOptions>(core.uniformity);

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

/** SimCLR's NT-Xent over two views `[anchors; positives]` ([N, D] each). */
export const ntXent = tfjsLoss<[anchors: X, positives: X], core.NtXentOptions>(core.ntXent);
/** The origin document's `contrastive_loss(x, x_aug, T)`, cross-view negatives only. */
export const contrastiveLoss = tfjsLoss<[anchors: X, positives: X], core.ContrastiveLossOptions>(core.contrastiveLoss);
/** The origin document's `info_nce_loss(features)` as a loss over view-major `embeddings` [V*B, D]. */
export const simclrInfoNce = tfjsLoss<[embeddings: X], core.SimclrInfoNceOptions>(core.simclrInfoNce);
/** InfoNCE with in-batch, unpaired ([M, D]) or paired ([N, M, D]) `negatives`. */
export const infoNce = tfjsLoss<[anchors: X, positives: X, negatives?: X], core.InfoNceOptions>(core.infoNce);
/** Supervised contrastive loss over view-major `embeddings` [V*B, D] and `labels` [B]. */
export const supCon = tfjsLoss<[embeddings: X, labels: X], core.SupConOptions>(core.supCon);
/** CLIP's symmetric loss; `logitScale` (a scalar, e.g. a `tf.variable`) receives a gradient. */
export const clip = tfjsLoss<[anchors: X, positives: X, logitScale: X], core.ClipOptions>(core.clip);
/** Decoupled contrastive learning (positives left out of the denominator). */
export const dcl = tfjsLoss<[anchors: X, positives: X], core.DclOptions>(core.dcl);
/** SigLIP's pairwise sigmoid loss; `logTemperature` and `bias` (scalars) receive gradients. */
export const sigLip = tfjsLoss<[anchors: X, positives: X, logTemperature: X, bias: X], core.SigLipOptions>(core.sigLip);
/** `torch.nn.functional.triplet_margin_loss` conventions. */
export const tripletMargin = tfjsLoss<[anchors: X, positives: X, negatives: X], core.TripletMarginOptions>(core.tripletMargin);
/** Alignment of positive pairs (Wang and Isola 2020). */
export const alignment = tfjsLoss<[anchors: X, positives: X], core.AlignmentOptions>(core.alignment);
/** Uniformity of `embeddings` on the hypersphere (Wang and Isola 2020). */
export const uniformity = tfjsLoss<[embeddings: X], core.UniformityOptions>(core.uniformity);

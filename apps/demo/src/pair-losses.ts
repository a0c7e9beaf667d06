/**
 * The losses of `@contrastive/core` that take a batch of positive pairs (`anchors`, `positives`, no labels) and a
 * temperature, by their command-line name. SupCon needs labels (meaningless for self-supervised training) and
 * CLIP/SigLIP learn their own scale, so they are not offered.
 */
import {
  computeLossAndGradients,
  contrastiveLoss,
  dcl,
  infoNce,
  ntXent,
  type TensorBackend,
} from '@contrastive/core';

/** The loss value (scalar, mean over rows) and its gradients with respect to both views. */
export interface PairLossResult<T> {
  readonly loss: T;
  readonly anchors: T;
  readonly positives: T;
}

export type PairLoss = <T>(backend: TensorBackend<T>, anchors: T, positives: T, temperature: number) => PairLossResult<T>;

const gradientsOf = <T>(result: { loss: T; gradients: { anchors?: T; positives?: T } }): PairLossResult<T> => ({
  loss: result.loss,
  anchors: result.gradients.anchors!,
  positives: result.gradients.positives!,
});

export const pairLosses = {
  /** SimCLR's NT-Xent: 2N anchors, negatives from both views (core's `ntXent`). */
  'nt-xent': (backend, anchors, positives, temperature) =>
    gradientsOf(computeLossAndGradients(backend, ntXent, { anchors, positives }, { temperature })),
  /** In-batch InfoNCE, symmetric (core's `infoNce` with `symmetric: true`). */
  'info-nce': (backend, anchors, positives, temperature) =>
    gradientsOf(computeLossAndGradients(backend, infoNce, { anchors, positives }, { temperature, symmetric: true })),
  /** Decoupled contrastive learning: the positive left out of the denominator (core's `dcl`). */
  dcl: (backend, anchors, positives, temperature) =>
    gradientsOf(computeLossAndGradients(backend, dcl, { anchors, positives }, { temperature })),
  /** The origin document's `contrastive_loss`, symmetric (core's `contrastiveLoss`). */
  'contrastive-loss': (backend, anchors, positives, temperature) =>
    gradientsOf(computeLossAndGradients(backend, contrastiveLoss, { anchors, positives }, { temperature, symmetric: true })),
} satisfies Record<string, PairLoss>;

export type PairLossName = keyof typeof pairLosses;
export const pairLossNames = Object.keys(pairLosses) as PairLossName[];

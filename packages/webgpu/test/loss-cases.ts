/** Test support: small loss cases over the InfoNCE family, with float32-representable inputs. */
import { clip, contrastiveLoss, dcl, infoNce, ntXent, simclrInfoNce, supCon, type LossDefinition } from '@contrastive/core';
import { randomValues } from './compare.js';

export interface LossCase {
  readonly id: string;
  readonly loss: LossDefinition<string, object>;
  readonly inputs: Record<string, { values: number[]; shape: number[] }>;
  readonly options: object;
}

const matrix = (rows: number, dimension: number, seed: number) => ({ values: randomValues(rows * dimension, seed, 2), shape: [rows, dimension] });
const as = (loss: unknown) => loss as LossDefinition<string, object>;

/** Cases for every loss that runs through `similarityCrossEntropy`; `rows` pairs of dimension `dimension`. */
export function similarityLossCases(rows: number, dimension: number): LossCase[] {
  const pair = { anchors: matrix(rows, dimension, 1), positives: matrix(rows, dimension, 2) };
  return [
    { id: 'nt-xent t=0.5', loss: as(ntXent), inputs: pair, options: {} },
    { id: 'nt-xent t=0.01 none', loss: as(ntXent), inputs: pair, options: { temperature: 0.01, reduction: 'none' } },
    { id: 'nt-xent unnormalized sum', loss: as(ntXent), inputs: pair, options: { normalize: false, temperature: 2, reduction: 'sum' } },
    { id: 'info-nce in-batch', loss: as(infoNce), inputs: pair, options: {} },
    { id: 'info-nce symmetric', loss: as(infoNce), inputs: pair, options: { symmetric: true } },
    { id: 'info-nce queue', loss: as(infoNce), inputs: { ...pair, negatives: matrix(rows + 3, dimension, 3) }, options: {} },
    { id: 'clip', loss: as(clip), inputs: { ...pair, logitScale: { values: [14.25], shape: [] } }, options: {} },
    { id: 'dcl symmetric', loss: as(dcl), inputs: pair, options: {} },
    { id: 'dcl one-sided', loss: as(dcl), inputs: pair, options: { symmetric: false, reduction: 'none' } },
    { id: 'contrastive-loss', loss: as(contrastiveLoss), inputs: pair, options: { symmetric: true } },
    { id: 'simclr-info-nce 3 views', loss: as(simclrInfoNce), inputs: { embeddings: matrix(3 * rows, dimension, 4) }, options: { views: 3 } },
    {
      id: 'sup-con with a label that has no positive',
      loss: as(supCon),
      inputs: { embeddings: matrix(rows, dimension, 5), labels: { values: Array.from({ length: rows }, (_, i) => (i === 0 ? 99 : i % 3)), shape: [rows] } },
      options: {},
    },
  ];
}

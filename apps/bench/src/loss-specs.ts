/**
 * Every benchmarked loss in one table: core's definition, its default temperature, the options and inputs of a
 * cell at a temperature, the similarity shape and the matmul work its floor counts.
 */
import { clip, contrastiveLoss, dcl, infoNce, ntXent, sigLip, simclrInfoNce, supCon, type LossDefinition } from '@contrastive/core';
import type { BenchLoss } from './cli-options.js';
import { seededUniform, uniformMatrix, type HostTensor } from './loss-inputs.js';

/**
 * How the loss's matmuls go: `self` one `[R, D] @ [D, R]` forward and one `(G + G^T) z` backward (R = 2N);
 * `cross` `[N, D] @ [D, C]` forward and two backward products (`G k` and `G^T a`); `paired` the same work as
 * batched dot products (one anchor against its own M negatives: no matmul at all).
 */
export type ProductKind = 'self' | 'cross' | 'paired';

export interface LossSpec {
  readonly definition: LossDefinition<string, object>;
  /** The temperature without `--temperature`: core's default, or the usual initial value of a learned scale. */
  readonly defaultTemperature: number;
  readonly products: ProductKind;
  /** Rows and columns of the similarity (logit) matrix at N pairs. */
  similarity(pairs: number): { readonly rows: number; readonly columns: number };
  /** Core options at `temperature` (a learned scale is an input instead; see `inputs`). */
  options(temperature: number): object;
  /** What a cell feeds core, in words (listed in the results' notes). */
  readonly what: string;
}

/** Negatives per anchor of the paired InfoNCE cell ([N, M, D], M hard negatives per row). */
export const pairedNegatives = 16;

const selfSimilarity = (pairs: number) => ({ rows: 2 * pairs, columns: 2 * pairs });
const crossSimilarity = (pairs: number) => ({ rows: pairs, columns: pairs });
const erase = (definition: unknown) => definition as LossDefinition<string, object>;

export const lossSpecs: Readonly<Record<BenchLoss, LossSpec>> = {
  'nt-xent': { definition: erase(ntXent), defaultTemperature: 0.5, products: 'self', similarity: selfSimilarity, options: (temperature) => ({ temperature }), what: 'anchors, positives [N, D]' },
  clip: { definition: erase(clip), defaultTemperature: 0.07, products: 'cross', similarity: crossSimilarity, options: () => ({}), what: 'anchors, positives [N, D]; logitScale = 1 / T (open_clip starts at 1 / 0.07; maxLogitScale 100)' },
  'sup-con': { definition: erase(supCon), defaultTemperature: 0.07, products: 'self', similarity: selfSimilarity, options: (temperature) => ({ temperature, views: 2 }), what: 'embeddings [2N, D] (2 views), labels [N] from N/8 classes' },
  'info-nce': { definition: erase(infoNce), defaultTemperature: 0.1, products: 'cross', similarity: crossSimilarity, options: (temperature) => ({ temperature }), what: 'anchors, positives [N, D]; in-batch negatives' },
  'info-nce-queue': { definition: erase(infoNce), defaultTemperature: 0.1, products: 'cross', similarity: (pairs) => ({ rows: pairs, columns: pairs + 1 }), options: (temperature) => ({ temperature }), what: 'anchors, positives [N, D]; negatives [M, D], a queue of M = N' },
  'info-nce-paired': { definition: erase(infoNce), defaultTemperature: 0.1, products: 'paired', similarity: (pairs) => ({ rows: pairs, columns: pairedNegatives + 1 }), options: (temperature) => ({ temperature }), what: `anchors, positives [N, D]; negatives [N, ${pairedNegatives}, D], paired` },
  dcl: { definition: erase(dcl), defaultTemperature: 0.1, products: 'self', similarity: selfSimilarity, options: (temperature) => ({ temperature }), what: 'anchors, positives [N, D]; symmetric (2N anchors)' },
  'simclr-info-nce': { definition: erase(simclrInfoNce), defaultTemperature: 0.07, products: 'self', similarity: selfSimilarity, options: (temperature) => ({ temperature, views: 2 }), what: 'embeddings [2N, D] (V = 2 views of N samples)' },
  'contrastive-loss': { definition: erase(contrastiveLoss), defaultTemperature: 0.1, products: 'cross', similarity: crossSimilarity, options: (temperature) => ({ temperature }), what: "anchors, positives [N, D]; the origin document's contrastive_loss" },
  'sig-lip': { definition: erase(sigLip), defaultTemperature: 0.1, products: 'cross', similarity: crossSimilarity, options: () => ({}), what: 'anchors, positives [N, D]; logTemperature = log(1 / T) (SigLIP starts at log 10), bias -10' },
};

/** The temperature of a cell: the given one, or the loss's default. */
export const cellTemperature = (loss: BenchLoss, temperature: number | undefined): number => temperature ?? lossSpecs[loss].defaultTemperature;

const scalar = (value: number): HostTensor => ({ values: Float32Array.of(value), shape: [] });

/**
 * The inputs of one cell, by core input name, uniform in [-1, 1) from a fixed seed (every backend sees the same).
 * SupCon and SimCLR get view-major `embeddings` [2N, D]; the learned scales of CLIP and SigLIP carry `temperature`.
 */
export function lossInputs(loss: BenchLoss, pairs: number, dimension: number, temperature: number, seed = 1): Record<string, HostTensor> {
  const random = seededUniform(seed);
  if (loss === 'sup-con') {
    const classes = Math.max(1, Math.floor(pairs / 8));
    const labels = Float32Array.from({ length: pairs }, () => Math.floor(random() * classes));
    return { embeddings: uniformMatrix(random, 2 * pairs, dimension), labels: { values: labels, shape: [pairs] } };
  }
  if (loss === 'simclr-info-nce') return { embeddings: uniformMatrix(random, 2 * pairs, dimension) };
  const pair = { anchors: uniformMatrix(random, pairs, dimension), positives: uniformMatrix(random, pairs, dimension) };
  if (loss === 'clip') return { ...pair, logitScale: scalar(1 / temperature) };
  if (loss === 'sig-lip') return { ...pair, logTemperature: scalar(Math.log(1 / temperature)), bias: scalar(-10) };
  if (loss === 'info-nce-queue') return { ...pair, negatives: uniformMatrix(random, pairs, dimension) };
  if (loss === 'info-nce-paired') {
    const negatives = uniformMatrix(random, pairs * pairedNegatives, dimension);
    return { ...pair, negatives: { values: negatives.values, shape: [pairs, pairedNegatives, dimension] } };
  }
  return pair;
}

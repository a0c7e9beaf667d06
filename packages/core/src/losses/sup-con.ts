import { crossSimilarity, selfSimilarity, temperatureContract } from '../contract/temperature-contract.js';
import { ContrastiveInputError, formatShape } from '../errors.js';
import type { LossDefinition } from '../loss-definition.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { idRange } from '../math/pairing-ids.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { similarityCrossEntropyKernel, type SimilarityCrossEntropySaved } from '../math/similarity-cross-entropy.js';
import { checkBoolean, checkIntegerAtLeast, checkPositiveFinite, checkReduction, resolveOptions, type Reduction } from '../options.js';
import { expectRank, expectViewMajorEmbeddings } from '../validation.js';

/**
 * Options of {@link supCon}; every one is optional in a call (the default applies).
 *
 * @example
 * computeLoss(backend, supCon, { embeddings, labels }, { views: 2, temperature: 0.1 });
 *
 * @see [SupCon](/losses/sup-con)
 */
export interface SupConOptions {
  /** Number of views V (row blocks of `embeddings`, each of B rows). Default 1. */
  readonly views: number;
  /** Divides the cosine similarities. Default 0.07. */
  readonly temperature: number;
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** `mean` over anchors with a positive (default), `sum`, or `none` ([VB], zeros where no positive). */
  readonly reduction: Reduction;
}

const defaults: SupConOptions = { views: 1, temperature: 0.07, normalize: true, reduction: 'mean' };

interface SupConSaved<T> {
  kernel: SimilarityCrossEntropySaved<T>;
  normalized: L2NormalizeSaved<T> | undefined;
  rows: number;
  anchorCount: T;
}

/**
 * Supervised contrastive loss, the L_out form (Khosla et al. 2020, arXiv:2004.11362).
 *
 * Forward: rows are view-major (`r = v * B + b`) and take the label `labels[r mod B]`; `z = normalize(embeddings)`,
 * `S = z z^T / temperature`, `P(i)` = rows `j != i` with the same label:
 *   `l_i = -mean_{p in P(i)} S_ip + log sum_{k != i} exp(S_ik)` when `P(i)` is non-empty, else `l_i = 0`.
 * `mean` divides the sum of rows by the number of anchors with a positive (at least 1, so a batch without any
 * positive has loss 0 and zero gradients); `none` gives [VB] with zeros at anchors without a positive.
 * Backward: `G_ik = w_i (softmax_{k != i}(S_i)_k - [k in P(i)] / |P(i)|)` (rows without a positive: 0),
 * `d z = (G + G^T) z / temperature`, then through the normalisation. Labels get no gradient.
 *
 * Inputs: `embeddings`, [V * B, D] view-major, and `labels`, [B], integer class ids (no gradient).
 * Options: {@link SupConOptions} (`views` 1, `temperature` 0.07, `normalize` true, `reduction` `'mean'`).
 *
 * @example
 * const loss = computeLoss(backend, supCon, { embeddings, labels }, { views: 2, temperature: 0.07 });
 *
 * @see [SupCon](/losses/sup-con)
 */
export const supCon: LossDefinition<'embeddings' | 'labels', SupConOptions> = {
  name: 'sup-con',
  inputs: ['embeddings', 'labels'],
  gradientInputs: ['embeddings'],
  contract: temperatureContract<'embeddings' | 'labels', SupConOptions>({ embeddings: 'embeddings', labels: 'labels' }, (shapes, options) =>
    selfSimilarity(shapes.embeddings![0]!, options),
  ),
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, {
      views: checkIntegerAtLeast(1),
      temperature: checkPositiveFinite,
      normalize: checkBoolean,
      reduction: checkReduction,
    }),
  validate(backend, inputs, options) {
    const [rows] = expectViewMajorEmbeddings(backend, inputs.embeddings, options.views);
    const labelShape = expectRank(backend, inputs.labels, 'labels', 1);
    const batchSize = rows! / options.views;
    if (labelShape[0] !== batchSize) {
      const expected = `shape [${batchSize}] (rows of embeddings / views)`;
      throw new ContrastiveInputError('labels', expected, `shape ${formatShape(labelShape)}`);
    }
  },
  forward(b, inputs, options) {
    const rows = b.shape(inputs.embeddings!)[0]!;
    const tiled = b.concat(Array.from({ length: options.views }, () => inputs.labels!), 0);
    const z = maybeNormalize(b, inputs.embeddings!, options.normalize);
    const result = similarityCrossEntropyKernel(b).forward(b, {
      anchors: z.value,
      keys: z.value,
      scale: b.fill([], 1 / options.temperature),
      pairing: {
        anchorIds: idRange(b, rows, 0, 'column'),
        keyIds: idRange(b, rows, 0, 'row'),
        anchorGroups: b.reshape(tiled, [rows, 1]),
        keyGroups: b.reshape(tiled, [1, rows]),
        positivesInDenominator: true,
      },
      keysAreAnchors: true,
      learnableScale: false,
      rowNormsAtMostOne: options.normalize,
    });
    const zero = b.fill([], 0);
    const hasPositive = b.where(b.greater(result.positiveCounts, zero), b.fill([], 1), zero);
    const anchorCount = b.maximum(b.sum(hasPositive, 0, false), b.fill([], 1));
    const loss = reduceRows(b, result.rowLosses, options.reduction, anchorCount);
    const saved: SupConSaved<typeof loss> = { kernel: result.saved, normalized: z.saved, rows, anchorCount };
    return { loss, saved };
  },
  backward(b, saved, upstream, options) {
    const { kernel, normalized, rows, anchorCount } = saved as SupConSaved<typeof upstream>;
    const weights = reduceRowsBackward(b, upstream, rows, options.reduction, anchorCount);
    const grads = similarityCrossEntropyKernel(b).backward(b, kernel, weights);
    return { embeddings: maybeNormalizeBackward(b, normalized, grads.anchors) };
  },
};

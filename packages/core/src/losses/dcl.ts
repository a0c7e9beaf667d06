import { crossSimilarity, selfSimilarity, temperatureContract } from '../contract/temperature-contract.js';
import type { LossDefinition } from '../loss-definition.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { idRange, viewMajorSampleIds } from '../math/pairing-ids.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { similarityCrossEntropyKernel, type SimilarityCrossEntropySaved } from '../math/similarity-cross-entropy.js';
import { checkBoolean, checkPositiveFinite, checkReduction, resolveOptions, type Reduction } from '../options.js';
import { expectEmbeddingPair } from '../validation.js';

/**
 * Options of {@link dcl}; every one is optional in a call (the default applies).
 *
 * @example
 * computeLoss(backend, dcl, { anchors, positives }, { temperature: 0.1, symmetric: false });
 *
 * @see [DCL](/losses/dcl)
 */
export interface DclOptions {
  /** Divides the cosine similarities. Default 0.1. */
  readonly temperature: number;
  /** Every one of the 2N rows is an anchor (default true); false: only the rows of `anchors`. */
  readonly symmetric: boolean;
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** `mean` over the anchors (default), `sum`, or `none` ([2N] when symmetric, anchors' rows first; else [N]). */
  readonly reduction: Reduction;
}

const defaults: DclOptions = { temperature: 0.1, symmetric: true, normalize: true, reduction: 'mean' };

interface DclSaved<T> {
  kernel: SimilarityCrossEntropySaved<T>;
  normalized: L2NormalizeSaved<T> | undefined;
  rows: number;
  dimension: number;
}

/**
 * Decoupled contrastive learning, unweighted (Yeh et al. 2022, arXiv:2110.06848): NT-Xent without the positive in
 * the denominator.
 *
 * Forward: `z = [anchors; positives]` (2N rows, L2-normalised when `normalize`), `S = z z^T / temperature`,
 * positive of row `i` is `p(i) = (i + N) mod 2N`:
 *   `l_i = -S_{i,p(i)} + log sum_{k != i, k != p(i)} exp(S_ik)`.
 * `symmetric: true` (default): all 2N rows are anchors, [2N]; `symmetric: false`: only the N rows of `anchors`, [N].
 * N >= 2 (with N = 1 the denominator is empty).
 * Backward: `G_ik = w_i (softmax_{k != i, p(i)}(S_i)_k - [k == p(i)])`; symmetric: `d z = (G + G^T) z / temperature`;
 * one-directional (anchors = the first N rows of z, keys = all 2N): `d z = [G z / temperature; 0] + G^T z_a / temperature`.
 * Then through the normalisation.
 *
 * Inputs: `anchors` and `positives`, [N, D] (N >= 2), the two views of N samples.
 * Options: {@link DclOptions} (`temperature` 0.1, `symmetric` true, `normalize` true, `reduction` `'mean'`).
 *
 * @example
 * const loss = computeLoss(backend, dcl, { anchors, positives }, { temperature: 0.1 });
 *
 * @see [DCL](/losses/dcl)
 */
export const dcl: LossDefinition<'anchors' | 'positives', DclOptions> = {
  name: 'dcl',
  inputs: ['anchors', 'positives'],
  gradientInputs: ['anchors', 'positives'],
  contract: temperatureContract<'anchors' | 'positives', DclOptions>({ anchors: 'embeddings', positives: 'embeddings' }, (shapes, options) =>
    options.symmetric
      ? selfSimilarity(2 * shapes.anchors![0]!, options)
      : crossSimilarity(shapes.anchors![0]!, 2 * shapes.anchors![0]!, options.normalize),
  ),
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, {
      temperature: checkPositiveFinite,
      symmetric: checkBoolean,
      normalize: checkBoolean,
      reduction: checkReduction,
    }),
  validate(backend, inputs) {
    expectEmbeddingPair(backend, inputs.anchors, inputs.positives, 2);
  },
  forward(b, inputs, options) {
    const [rows, dimension] = b.shape(inputs.anchors!) as [number, number];
    const z = maybeNormalize(b, b.concat([inputs.anchors!, inputs.positives!], 0), options.normalize);
    const anchorRows = options.symmetric ? 2 * rows : rows;
    const result = similarityCrossEntropyKernel(b).forward(b, {
      anchors: options.symmetric ? z.value : b.slice(z.value, [0, 0], [rows, dimension]),
      keys: z.value,
      scale: b.fill([], 1 / options.temperature),
      pairing: {
        anchorIds: idRange(b, anchorRows, 0, 'column'),
        keyIds: idRange(b, 2 * rows, 0, 'row'),
        anchorGroups: viewMajorSampleIds(b, anchorRows / rows, rows, 'column'),
        keyGroups: viewMajorSampleIds(b, 2, rows, 'row'),
        positivesInDenominator: false,
      },
      keysAreAnchors: options.symmetric,
      learnableScale: false,
      rowNormsAtMostOne: options.normalize,
    });
    const loss = reduceRows(b, result.rowLosses, options.reduction);
    const saved: DclSaved<typeof loss> = { kernel: result.saved, normalized: z.saved, rows, dimension };
    return { loss, saved };
  },
  backward(b, saved, upstream, options) {
    const { kernel, normalized, rows, dimension } = saved as DclSaved<typeof upstream>;
    const weights = reduceRowsBackward(b, upstream, options.symmetric ? 2 * rows : rows, options.reduction);
    const grads = similarityCrossEntropyKernel(b).backward(b, kernel, weights);
    const stackedGrad = options.symmetric
      ? grads.anchors
      : b.concat(
          [b.add(grads.anchors, b.slice(grads.keys!, [0, 0], [rows, dimension])), b.slice(grads.keys!, [rows, 0], [rows, dimension])],
          0,
        );
    const stacked = maybeNormalizeBackward(b, normalized, stackedGrad);
    return {
      anchors: b.slice(stacked, [0, 0], [rows, dimension]),
      positives: b.slice(stacked, [rows, 0], [rows, dimension]),
    };
  },
};

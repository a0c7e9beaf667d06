import { crossSimilarity, selfSimilarity, temperatureContract } from '../contract/temperature-contract.js';
import type { LossDefinition } from '../loss-definition.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { idRange, viewMajorSampleIds } from '../math/pairing-ids.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { similarityCrossEntropyKernel } from '../math/similarity-cross-entropy.js';
import { checkBoolean, checkPositiveFinite, checkReduction, resolveOptions, type Reduction } from '../options.js';
import { expectEmbeddingPair } from '../validation.js';

/**
 * Options of {@link ntXent}; every one is optional in a call (the default applies).
 *
 * @example
 * computeLoss(backend, ntXent, { anchors, positives }, { temperature: 0.1, reduction: 'none' });
 *
 * @see [NT-Xent](/losses/nt-xent)
 */
export interface NtXentOptions {
  /** Divides the cosine similarities. Default 0.5 (SimCLR's best on ImageNet with large batches). */
  readonly temperature: number;
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** `mean` over the 2N anchors (default), `sum`, or `none` ([2N]: anchors' rows first, then positives'). */
  readonly reduction: Reduction;
}

const defaults: NtXentOptions = { temperature: 0.5, normalize: true, reduction: 'mean' };

/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (Chen et al. 2020, arXiv:2002.05709).
 *
 * Forward: stack `z = [anchors; positives]` (2N rows, L2-normalised when `normalize`), `s = z z^T / temperature`.
 * Every row `i` is an anchor; its positive is the other view of the same sample, `p(i) = (i + N) mod 2N`:
 *   `l_i = -s_{i,p(i)} + log sum_{k != i} exp(s_ik)`, and the loss reduces the 2N values `l_i`.
 * Backward: `G = softmax_{k != i}(s) - onehot(p(i))` (times the reduction weight of row i), and since `s` is
 * symmetric, `dz = (G + G^T) z / temperature`, one [2N, 2N] x [2N, D] product; then through the normalisation.
 *
 * Inputs: `anchors` and `positives`, [N, D], the two views of N samples. Options: {@link NtXentOptions}
 * (`temperature` 0.5, `normalize` true, `reduction` `'mean'`).
 *
 * @example
 * const loss = computeLoss(backend, ntXent, { anchors, positives }, { temperature: 0.5 });
 *
 * @see [NT-Xent](/losses/nt-xent)
 */
export const ntXent: LossDefinition<'anchors' | 'positives', NtXentOptions> = {
  name: 'nt-xent',
  inputs: ['anchors', 'positives'],
  gradientInputs: ['anchors', 'positives'],
  defaults,
  contract: temperatureContract({ anchors: 'embeddings', positives: 'embeddings' }, (shapes, options) =>
    selfSimilarity(2 * shapes.anchors![0]!, options),
  ),
  resolveOptions: (options) =>
    resolveOptions(defaults, options, { temperature: checkPositiveFinite, normalize: checkBoolean, reduction: checkReduction }),
  validate(backend, inputs) {
    expectEmbeddingPair(backend, inputs.anchors, inputs.positives);
  },
  forward(b, inputs, options) {
    const [rows, dimension] = b.shape(inputs.anchors!) as [number, number];
    const stacked = maybeNormalize(b, b.concat([inputs.anchors!, inputs.positives!], 0), options.normalize);
    const kernel = similarityCrossEntropyKernel(b);
    const result = kernel.forward(b, {
      anchors: stacked.value,
      keys: stacked.value,
      scale: b.fill([], 1 / options.temperature),
      pairing: {
        anchorIds: idRange(b, 2 * rows, 0, 'column'),
        keyIds: idRange(b, 2 * rows, 0, 'row'),
        anchorGroups: viewMajorSampleIds(b, 2, rows, 'column'),
        keyGroups: viewMajorSampleIds(b, 2, rows, 'row'),
        positivesInDenominator: true,
      },
      keysAreAnchors: true,
      learnableScale: false,
      rowNormsAtMostOne: options.normalize,
    });
    const loss = reduceRows(b, result.rowLosses, options.reduction);
    return { loss, saved: { kernel: result.saved, normalized: stacked.saved, rows, dimension } };
  },
  backward(b, saved, upstream, options) {
    const { kernel, normalized, rows, dimension } = saved as NtXentSaved<typeof upstream>;
    const weights = reduceRowsBackward(b, upstream, 2 * rows, options.reduction);
    const grads = similarityCrossEntropyKernel(b).backward(b, kernel, weights);
    const stacked = maybeNormalizeBackward(b, normalized, grads.anchors);
    return {
      anchors: b.slice(stacked, [0, 0], [rows, dimension]),
      positives: b.slice(stacked, [rows, 0], [rows, dimension]),
    };
  },
};

interface NtXentSaved<T> {
  kernel: import('../math/similarity-cross-entropy.js').SimilarityCrossEntropySaved<T>;
  normalized: import('../math/l2-normalize.js').L2NormalizeSaved<T> | undefined;
  rows: number;
  dimension: number;
}

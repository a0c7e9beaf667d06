import type { LossDefinition } from '../loss-definition.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { idRange } from '../math/pairing-ids.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { similarityCrossEntropyKernel, type SimilarityCrossEntropySaved } from '../math/similarity-cross-entropy.js';
import { checkBoolean, checkIntegerAtLeast, checkOneOf, checkPositiveFinite, resolveOptions } from '../options.js';
import { expectGatheredPair, twoRangesColumn } from './gathered-inputs.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';

/**
 * Options of {@link localNtXent}; every one is optional in a call.
 *
 * @example
 * computeLossAndGradients(backend, localNtXent, inputs, { temperature: 0.5, rowOffset: rank * rowsPerWorker });
 *
 * @see [Data-parallel (local) forms](/losses/local-losses)
 */
export interface LocalNtXentOptions {
  /** Divides the cosine similarities. Default 0.5 (as `ntXent`). */
  readonly temperature: number;
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** Where this worker's rows start in the gathered matrices; an integer >= 0. Default 0. */
  readonly rowOffset: number;
  /** `mean` (default) divides by the global anchor count 2N (so worker losses add up to the full loss); or `sum`. */
  readonly reduction: 'mean' | 'sum';
}

const defaults: LocalNtXentOptions = { temperature: 0.5, normalize: true, rowOffset: 0, reduction: 'mean' };
/**
 * The names of local NT-Xent's inputs (exported as `LocalNtXentInput`).
 *
 * @example
 * const inputs: LossInputs<ReferenceTensor, LocalNtXentInput> = { anchors, positives, gatheredAnchors, gatheredPositives };
 *
 * @see [Data-parallel (local) forms](/losses/local-losses)
 */
export type Name = 'anchors' | 'positives' | 'gatheredAnchors' | 'gatheredPositives';

/**
 * NT-Xent for data-parallel training with exact gradients: the local-loss form.
 *
 * Worker k holds `anchors` and `positives` [n_k, D] and the all-gathered `gatheredAnchors`, `gatheredPositives`
 * [N, D] (every worker's rows in worker order; its own start at `rowOffset`). Its 2 n_k local rows are anchors
 * against all 2N gathered rows as keys, with the global positive and self-exclusion of full-batch NT-Xent:
 *   `loss_k = sum_{local rows i} l_i / (2N)` (`mean`, the global normaliser, stated explicitly) or the plain sum.
 * Then `sum_k loss_k` is the full-batch loss, and the full-batch gradient of worker k's rows is
 *   `d anchors_k (this call) + sum_j (d gatheredAnchors)_j [rows of k]`
 * — the caller reduce-scatters (sums across workers, then keeps its own rows of) the gathered gradients and adds
 * them to the local ones. Never all-gather with a function whose backward drops the key gradients: that is the
 * bug reported in pytorch-metric-learning #363 and lightly #1528.
 *
 * Inputs: `anchors`, `positives` [n_k, D] (this worker's rows) and `gatheredAnchors`, `gatheredPositives` [N, D].
 * Options: {@link LocalNtXentOptions} (`temperature` 0.5, `normalize` true, `rowOffset` 0, `reduction` `'mean'`).
 *
 * @example
 * const { loss, gradients } = computeLossAndGradients(backend, localNtXent,
 *   { anchors, positives, gatheredAnchors, gatheredPositives }, { temperature: 0.5, rowOffset: 2 });
 *
 *
 * @see [Data-parallel (local) forms](/losses/local-losses)
 */
export const localNtXent: LossDefinition<Name, LocalNtXentOptions> = {
  name: 'local-nt-xent',
  inputs: ['anchors', 'positives', 'gatheredAnchors', 'gatheredPositives'],
  gradientInputs: ['anchors', 'positives', 'gatheredAnchors', 'gatheredPositives'],
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, {
      temperature: checkPositiveFinite,
      normalize: checkBoolean,
      rowOffset: checkIntegerAtLeast(0),
      reduction: checkOneOf(['mean', 'sum']),
    }),
  validate: (backend, inputs, options) => void expectGatheredPair(backend, inputs, options.rowOffset),
  forward(b, inputs, options) {
    const [rows, dimension] = b.shape(inputs.anchors!) as [number, number];
    const total = b.shape(inputs.gatheredAnchors!)[0]!;
    const local = maybeNormalize(b, b.concat([inputs.anchors!, inputs.positives!], 0), options.normalize);
    const keys = maybeNormalize(b, b.concat([inputs.gatheredAnchors!, inputs.gatheredPositives!], 0), options.normalize);
    const offset = options.rowOffset;
    const result = similarityCrossEntropyKernel(b).forward(b, {
      anchors: local.value,
      keys: keys.value,
      scale: b.fill([], 1 / options.temperature),
      pairing: {
        anchorIds: twoRangesColumn(b, rows, offset, total + offset),
        keyIds: idRange(b, 2 * total, 0, 'row'),
        anchorGroups: twoRangesColumn(b, rows, offset, total + offset, total),
        keyGroups: b.fromArray(Array.from({ length: 2 * total }, (_, j) => j % total), [1, 2 * total]),
        positivesInDenominator: true,
      },
      keysAreAnchors: false,
      learnableScale: false,
    });
    const loss = reduceRows(b, result.rowLosses, options.reduction, b.fill([], 2 * total));
    const saved: LocalSaved<typeof loss> = { kernel: result.saved, local: local.saved, keys: keys.saved, rows, total, dimension };
    return { loss, saved };
  },
  backward(b, saved, upstream, options) {
    const { kernel, local, keys, rows, total, dimension } = saved as LocalSaved<typeof upstream>;
    const weights = reduceRowsBackward(b, upstream, 2 * rows, options.reduction, b.fill([], 2 * total));
    const grads = similarityCrossEntropyKernel(b).backward(b, kernel, weights);
    const localGrad = maybeNormalizeBackward(b, local, grads.anchors);
    const keyGrad = maybeNormalizeBackward(b, keys, grads.keys!);
    return {
      anchors: b.slice(localGrad, [0, 0], [rows, dimension]),
      positives: b.slice(localGrad, [rows, 0], [rows, dimension]),
      gatheredAnchors: b.slice(keyGrad, [0, 0], [total, dimension]),
      gatheredPositives: b.slice(keyGrad, [total, 0], [total, dimension]),
    };
  },
};

interface LocalSaved<T> {
  kernel: SimilarityCrossEntropySaved<T>;
  local: L2NormalizeSaved<T> | undefined;
  keys: L2NormalizeSaved<T> | undefined;
  rows: number;
  total: number;
  dimension: number;
}

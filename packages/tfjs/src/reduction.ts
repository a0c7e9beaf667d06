import { ContrastiveInputError, type Reduction as CoreReduction } from '@contrastive/core';
import { Reduction as TfReduction } from '@tensorflow/tfjs-core';

/**
 * How per-row losses are combined, as in `tf.losses`: `MEAN` (default) averages the rows, `SUM` adds them,
 * `NONE` returns one value per row. Its values are core's reduction names, so `'mean'` works as well;
 * `tf.Reduction.MEAN`, `SUM` and `NONE` are accepted too (`SUM_BY_NONZERO_WEIGHTS` has no meaning here).
 *
 * @example
 * const perRow = ntXent(anchors, positives, { reduction: Reduction.NONE }); // [2N]
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export enum Reduction {
  /** One value per row. */
  NONE = 'none',
  /** The mean of the rows (the default). */
  MEAN = 'mean',
  /** The sum of the rows. */
  SUM = 'sum',
}

/**
 * Any spelling of a reduction this package accepts.
 *
 * @example
 * const reductions: ReductionInput[] = [Reduction.SUM, 'sum', tf.Reduction.SUM]; // all the same
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export type ReductionInput = Reduction | CoreReduction | TfReduction;

const fromTfjs: Partial<Record<number, CoreReduction>> = {
  [TfReduction.NONE]: 'none',
  [TfReduction.MEAN]: 'mean',
  [TfReduction.SUM]: 'sum',
};

/**
 * Maps a reduction to core's name; `tf.Reduction.SUM_BY_NONZERO_WEIGHTS` and unknown values are input errors.
 *
 * @param value - The reduction in any accepted spelling.
 * @param argument - The name to blame. Default `'options.reduction'`.
 * @returns Core's name: `'mean'`, `'sum'` or `'none'`.
 * @throws ContrastiveInputError for `tf.Reduction.SUM_BY_NONZERO_WEIGHTS` and unknown numbers.
 *
 * @example
 * toCoreReduction(tf.Reduction.MEAN); // 'mean'
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export function toCoreReduction(value: ReductionInput, argument = 'options.reduction'): CoreReduction {
  if (typeof value === 'number') {
    const mapped = fromTfjs[value];
    if (mapped) return mapped;
    throw new ContrastiveInputError(argument, 'Reduction.MEAN, SUM or NONE (or tf.Reduction.MEAN, SUM, NONE)', `tf.Reduction ${value}`);
  }
  return value as CoreReduction;
}

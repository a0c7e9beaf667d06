import { ContrastiveInputError, formatShape } from '../errors.js';
import type { LossDefinition, LossInputs } from '../loss-definition.js';
import type { SupConMeanOver } from '../losses/sup-con.js';
import { checkBaseTemperature, checkMeanOver, rowFactor, scaled } from '../losses/sup-con-scaling.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { idRange } from '../math/pairing-ids.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { similarityCrossEntropyKernel, type SimilarityCrossEntropySaved } from '../math/similarity-cross-entropy.js';
import { checkBoolean, checkIntegerAtLeast, checkOneOf, checkPositiveFinite, resolveOptions } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectIntegerValues, expectRank } from '../validation.js';
import { expectLocalInGathered } from './gathered-inputs.js';

/**
 * Options of {@link localSupCon}; every one is optional in a call.
 *
 * @example
 * computeLossAndGradients(backend, localSupCon, inputs, { temperature: 0.07, rowOffset: rank * rowsPerWorker });
 *
 * @see [Data-parallel (local) forms](/losses/local-losses)
 */
export interface LocalSupConOptions {
  /** Divides the cosine similarities. Default 0.07 (as `supCon`). */
  readonly temperature: number;
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** Where this worker's rows start in the gathered matrices; an integer >= 0. Default 0. */
  readonly rowOffset: number;
  /**
   * Every row is multiplied by `temperature / baseTemperature` (SupContrast's `base_temperature`, as `supCon`).
   * Default `null`: the factor is 1.
   */
  readonly baseTemperature: number | null;
  /**
   * `mean` (default) divides by the global count of `meanOver` (so worker losses add up to the full loss); `sum` is
   * the plain local sum.
   */
  readonly reduction: 'mean' | 'sum';
  /**
   * Which anchors `mean` divides by, counted over all R gathered rows: those with a positive (default) or
   * `'all-anchors'` (R, SupContrast), as `supCon`.
   */
  readonly meanOver: SupConMeanOver;
}

const defaults: LocalSupConOptions = {
  temperature: 0.07,
  normalize: true,
  rowOffset: 0,
  baseTemperature: null,
  reduction: 'mean',
  meanOver: 'anchors-with-positives',
};
/**
 * The names of local SupCon's inputs (exported as `LocalSupConInput`).
 *
 * @example
 * const inputs: LossInputs<ReferenceTensor, LocalSupConInput> = { embeddings, labels, gatheredEmbeddings, gatheredLabels };
 *
 * @see [Data-parallel (local) forms](/losses/local-losses)
 */
export type Name = 'embeddings' | 'labels' | 'gatheredEmbeddings' | 'gatheredLabels';

/**
 * SupCon for data-parallel training with exact gradients: the local-loss form.
 *
 * Worker k holds `embeddings` [r_k, D] with their `labels` [r_k] (one label per row: repeat the labels of a
 * sample over its views) and the all-gathered `gatheredEmbeddings` [R, D], `gatheredLabels` [R] (its own rows at
 * `rowOffset`). Local rows are anchors against all R gathered rows, with full-batch SupCon's positives (same
 * label, not itself). `mean` divides the local sum by the GLOBAL number of anchors that have a positive, counted
 * from `gatheredLabels` (an [R, R] label comparison), so worker losses add up to the full-batch loss of
 * `supCon` with `views: 1`; `sum` returns the plain local sum. `meanOver: 'all-anchors'` divides by R instead, and
 * `baseTemperature` multiplies every row by `temperature / baseTemperature`, both as in `supCon` (so the worker
 * losses add up to `supCon` with the same options). Gradients: local rows directly, gathered rows for the caller to
 * reduce-scatter and add (see `localNtXent`).
 *
 * Inputs: `embeddings` [r_k, D], `labels` [r_k], `gatheredEmbeddings` [R, D] and `gatheredLabels` [R].
 * Options: {@link LocalSupConOptions} (`temperature` 0.07, `normalize` true, `rowOffset` 0, `baseTemperature` null,
 * `reduction` `'mean'`, `meanOver` `'anchors-with-positives'`).
 *
 * @example
 * const { loss, gradients } = computeLossAndGradients(backend, localSupCon,
 *   { embeddings, labels, gatheredEmbeddings, gatheredLabels }, { temperature: 0.07, rowOffset });
 *
 *
 * @see [Data-parallel (local) forms](/losses/local-losses)
 */
export const localSupCon: LossDefinition<Name, LocalSupConOptions> = {
  name: 'local-sup-con',
  inputs: ['embeddings', 'labels', 'gatheredEmbeddings', 'gatheredLabels'],
  gradientInputs: ['embeddings', 'gatheredEmbeddings'],
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, {
      temperature: checkPositiveFinite,
      normalize: checkBoolean,
      rowOffset: checkIntegerAtLeast(0),
      baseTemperature: checkBaseTemperature,
      reduction: checkOneOf(['mean', 'sum']),
      meanOver: checkMeanOver,
    }),
  validate(backend, inputs, options) {
    const { rows, gatheredRows } = expectLocalInGathered(backend, inputs.embeddings, 'embeddings', inputs.gatheredEmbeddings, 'gatheredEmbeddings', options.rowOffset);
    for (const [name, count] of [['labels', rows], ['gatheredLabels', gatheredRows]] as const) {
      const shape = expectRank(backend, inputs[name], name, 1);
      if (shape[0] !== count) throw new ContrastiveInputError(name, `shape [${count}] (one label per row)`, `shape ${formatShape(shape)}`);
      expectIntegerValues(backend, inputs[name]!, name);
    }
  },
  forward: (b, inputs, options) => localSupConForward(b, inputs, options),
  backward(b, saved, upstream, options) {
    const s = saved as LocalSupConSaved<typeof upstream>;
    const weights = scaled(b, reduceRowsBackward(b, upstream, s.rows, options.reduction, s.anchorCount), rowFactor(options));
    const grads = similarityCrossEntropyKernel(b).backward(b, s.kernel, weights);
    return {
      embeddings: maybeNormalizeBackward(b, s.local, grads.anchors),
      gatheredEmbeddings: maybeNormalizeBackward(b, s.keys, grads.keys!),
    };
  },
};

interface LocalSupConSaved<T> {
  readonly kernel: SimilarityCrossEntropySaved<T>;
  readonly local: L2NormalizeSaved<T> | undefined;
  readonly keys: L2NormalizeSaved<T> | undefined;
  readonly anchorCount: T;
  readonly rows: number;
}

function localSupConForward<T>(b: TensorBackend<T>, inputs: LossInputs<T, Name>, options: LocalSupConOptions) {
  const rows = b.shape(inputs.embeddings!)[0]!;
  const total = b.shape(inputs.gatheredEmbeddings!)[0]!;
  const local = maybeNormalize(b, inputs.embeddings!, options.normalize);
  const keys = maybeNormalize(b, inputs.gatheredEmbeddings!, options.normalize);
  const result = similarityCrossEntropyKernel(b).forward(b, {
    anchors: local.value,
    keys: keys.value,
    scale: b.fill([], 1 / options.temperature),
    pairing: {
      anchorIds: idRange(b, rows, options.rowOffset, 'column'),
      keyIds: idRange(b, total, 0, 'row'),
      anchorGroups: b.reshape(inputs.labels!, [rows, 1]),
      keyGroups: b.reshape(inputs.gatheredLabels!, [1, total]),
      positivesInDenominator: true,
    },
    keysAreAnchors: false,
    learnableScale: false,
  });
  const anchorCount = options.meanOver === 'all-anchors' ? b.fill([], total) : globalAnchorsWithPositive(b, inputs.gatheredLabels!, total);
  const loss = reduceRows(b, scaled(b, result.rowLosses, rowFactor(options)), options.reduction, anchorCount);
  const saved: LocalSupConSaved<T> = { kernel: result.saved, local: local.saved, keys: keys.saved, anchorCount, rows };
  return { loss, saved };
}

/** max(1, number of rows whose label occurs at least twice among all gathered rows). */
function globalAnchorsWithPositive<T>(b: TensorBackend<T>, labels: T, total: number): T {
  const one = b.fill([], 1);
  const zero = b.fill([], 0);
  const same = b.where(b.equal(b.reshape(labels, [total, 1]), b.reshape(labels, [1, total])), one, zero);
  const hasPositive = b.where(b.greater(b.sum(same, 1, false), one), one, zero);
  return b.maximum(b.sum(hasPositive, 0, false), one);
}

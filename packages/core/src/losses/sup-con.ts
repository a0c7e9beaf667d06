import type { LossContract, Magnitude } from '../contract/loss-contract.js';
import { crossSimilarity, selfSimilarity, temperatureContract } from '../contract/temperature-contract.js';
import { ContrastiveInputError, formatShape } from '../errors.js';
import type { LossDefinition } from '../loss-definition.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { similarityCrossEntropyKernel, type SimilarityCrossEntropySaved } from '../math/similarity-cross-entropy.js';
import { checkBoolean, checkIntegerAtLeast, checkPositiveFinite, checkReduction, resolveOptions, type Reduction } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectRank, expectViewMajorEmbeddings } from '../validation.js';
import { expectMemory, supConKeys } from './sup-con-memory.js';
import { checkBaseTemperature, checkMeanOver, rowFactor, scaled } from './sup-con-scaling.js';

/**
 * Which anchors `reduction: 'mean'` of {@link supCon} averages over: `'anchors-with-positives'` (anchors with at
 * least one positive; the paper's definition) or `'all-anchors'` (all V * B rows, anchors without a positive counted
 * as 0: SupContrast's `SupConLoss`).
 *
 * @example
 * const meanOver: SupConMeanOver = 'all-anchors';
 *
 * @see [SupCon](/losses/sup-con)
 */
export type SupConMeanOver = 'anchors-with-positives' | 'all-anchors';

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
  /**
   * Every row is multiplied by `temperature / baseTemperature` (SupContrast's `base_temperature`). Default `null`:
   * the factor is 1. SupContrast's default is 0.07; pass `baseTemperature: 0.07` to match it at any temperature.
   */
  readonly baseTemperature: number | null;
  /** `mean` over the anchors of `meanOver` (default), `sum`, or `none` ([VB], zeros where no positive). */
  readonly reduction: Reduction;
  /** Which anchors `reduction: 'mean'` divides by. Default `'anchors-with-positives'`. */
  readonly meanOver: SupConMeanOver;
}

const defaults: SupConOptions = {
  views: 1,
  temperature: 0.07,
  normalize: true,
  baseTemperature: null,
  reduction: 'mean',
  meanOver: 'anchors-with-positives',
};

type Name = 'embeddings' | 'labels' | 'memory' | 'memoryLabels';

const baseContract = temperatureContract<Name, SupConOptions>(
  { embeddings: 'embeddings', labels: 'labels', memory: 'embeddings', memoryLabels: 'labels' },
  (shapes, options) => {
    const rows = shapes.embeddings![0]!;
    // Positives from the labels, read at run time on a traced backend (decision 0006).
    if (!shapes.memory) return { ...selfSimilarity(rows, options), runtimeGroups: true };
    return crossSimilarity(rows, rows + shapes.memory[0]!, options.normalize, 1 / options.temperature);
  },
);

/** The temperature contract, plus the row factor and the gradient scale `1 / baseTemperature` it leads to. */
const contract: LossContract<Name, SupConOptions> = {
  ...baseContract,
  magnitudes(options, facts) {
    const result = [...(baseContract.magnitudes?.(options, facts) ?? [])];
    if (options.baseTemperature === null) return result;
    const argument = 'options.baseTemperature';
    const extra: Magnitude[] = [
      { argument, quantity: 'temperature / baseTemperature', value: rowFactor(options) },
      { argument, quantity: '1 / baseTemperature (the similarity scale times the row factor)', value: 1 / options.baseTemperature },
    ];
    return [...result, ...extra];
  },
};

interface SupConSaved<T> {
  kernel: SimilarityCrossEntropySaved<T>;
  normalized: L2NormalizeSaved<T> | undefined;
  rows: number;
  anchorCount: T;
  memory: boolean;
}

/**
 * Supervised contrastive loss, the L_out form (Khosla et al. 2020, arXiv:2004.11362).
 *
 * Forward: rows are view-major (`r = v * B + b`) and take the label `labels[r mod B]`; `z = normalize(embeddings)`,
 * `S = z z^T / temperature`, `P(i)` = rows `j != i` with the same label:
 *   `l_i = -mean_{p in P(i)} S_ip + log sum_{k != i} exp(S_ik)` when `P(i)` is non-empty, else `l_i = 0`.
 * Every row is then multiplied by `c = temperature / baseTemperature` (SupContrast; `c = 1` when `baseTemperature`
 * is null, the default). `mean` divides the sum of rows by the number of anchors with a positive (at least 1, so a
 * batch without any positive has loss 0 and zero gradients), or by V * B with `meanOver: 'all-anchors'`
 * (SupContrast); `none` gives [VB] with zeros at anchors without a positive.
 * Labelled memory (Cross-Batch Memory, Wang et al. 2020, arXiv:1912.06798): with `memory` [M, D] and
 * `memoryLabels` [M] (e.g. a labelled `createNegativeQueue`), the M normalised memory rows `m` join the contrast
 * candidates of every anchor, `S_ik = z_i k_k / temperature` over `k = [z; m]`: a memory row is a positive of the
 * anchors of its label and in every denominator. Only the V * B batch rows are anchors (the mean and `none` run
 * over them), and the memory is detached: it gets no gradient.
 * Backward: `G_ik = c w_i (softmax_{k != i}(S_i)_k - [k in P(i)] / |P(i)|)` (rows without a positive: 0),
 * `d z = (G + G^T) z / temperature` (with memory: `G` is [VB, VB + M] and `d z = (G k + (G^T z)_{1..VB}) / temperature`),
 * then through the normalisation. Labels and the memory get no gradient.
 *
 * Inputs: `embeddings`, [V * B, D] view-major, and `labels`, [B], integer class ids (no gradient); optional
 * `memory`, [M, D], and `memoryLabels`, [M] (both or neither; no gradient).
 * Options: {@link SupConOptions} (`views` 1, `temperature` 0.07, `normalize` true, `baseTemperature` null,
 * `reduction` `'mean'`, `meanOver` `'anchors-with-positives'`).
 *
 * @example
 * const loss = computeLoss(backend, supCon, { embeddings, labels }, { views: 2, temperature: 0.07 });
 * // SupContrast's SupConLoss(temperature=0.1) (base_temperature 0.07, mean over all anchors):
 * const same = computeLoss(backend, supCon, { embeddings, labels }, { views: 2, temperature: 0.1, baseTemperature: 0.07, meanOver: 'all-anchors' });
 * // Cross-Batch Memory: past embeddings and their labels as extra positives and negatives.
 * const withMemory = computeLoss(backend, supCon, { embeddings, labels, memory: queue.negatives(), memoryLabels: queue.labels() });
 *
 * @see [SupCon](/losses/sup-con)
 */
export const supCon: LossDefinition<'embeddings' | 'labels' | 'memory' | 'memoryLabels', SupConOptions> = {
  name: 'sup-con',
  inputs: ['embeddings', 'labels', 'memory', 'memoryLabels'],
  optionalInputs: ['memory', 'memoryLabels'],
  gradientInputs: ['embeddings'],
  contract,
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, {
      views: checkIntegerAtLeast(1),
      temperature: checkPositiveFinite,
      normalize: checkBoolean,
      baseTemperature: checkBaseTemperature,
      reduction: checkReduction,
      meanOver: checkMeanOver,
    }),
  validate(backend, inputs, options) {
    const [rows] = expectViewMajorEmbeddings(backend, inputs.embeddings, options.views);
    const labelShape = expectRank(backend, inputs.labels, 'labels', 1);
    const batchSize = rows! / options.views;
    if (labelShape[0] !== batchSize) {
      const expected = `shape [${batchSize}] (rows of embeddings / views)`;
      throw new ContrastiveInputError('labels', expected, `shape ${formatShape(labelShape)}`);
    }
    expectMemory(backend, inputs.memory, inputs.memoryLabels, backend.shape(inputs.embeddings!), inputs.labels!);
  },
  forward(b, inputs, options) {
    const rows = b.shape(inputs.embeddings!)[0]!;
    const tiled = b.concat(Array.from({ length: options.views }, () => inputs.labels!), 0);
    const z = maybeNormalize(b, inputs.embeddings!, options.normalize);
    const memory = inputs.memory === undefined ? undefined : { keys: inputs.memory, labels: inputs.memoryLabels! };
    const { keys, pairing, keysAreAnchors } = supConKeys(b, z.value, tiled, memory, options.normalize, options.views);
    const result = similarityCrossEntropyKernel(b).forward(b, {
      anchors: z.value,
      keys,
      scale: b.fill([], 1 / options.temperature),
      pairing,
      keysAreAnchors,
      learnableScale: false,
      rowNormsAtMostOne: options.normalize,
    });
    const anchorCount = options.meanOver === 'all-anchors' ? b.fill([], rows) : anchorsWithPositive(b, result.positiveCounts);
    const loss = reduceRows(b, scaled(b, result.rowLosses, rowFactor(options)), options.reduction, anchorCount);
    const saved: SupConSaved<typeof loss> = { kernel: result.saved, normalized: z.saved, rows, anchorCount, memory: !keysAreAnchors };
    return { loss, saved };
  },
  backward(b, saved, upstream, options) {
    const { kernel, normalized, rows, anchorCount, memory } = saved as SupConSaved<typeof upstream>;
    const weights = scaled(b, reduceRowsBackward(b, upstream, rows, options.reduction, anchorCount), rowFactor(options));
    const grads = similarityCrossEntropyKernel(b).backward(b, kernel, weights);
    // With memory the batch rows are also the first VB keys; the memory's own key gradient is dropped (detached).
    const dimension = b.shape(grads.anchors)[1]!;
    const total = memory ? b.add(grads.anchors, b.slice(grads.keys!, [0, 0], [rows, dimension])) : grads.anchors;
    return { embeddings: maybeNormalizeBackward(b, normalized, total) };
  },
};

/** The number of anchors with at least one positive, at least 1 (a batch without positives has loss 0). */
function anchorsWithPositive<T>(b: TensorBackend<T>, positiveCounts: T): T {
  const zero = b.fill([], 0);
  const hasPositive = b.where(b.greater(positiveCounts, zero), b.fill([], 1), zero);
  return b.maximum(b.sum(hasPositive, 0, false), b.fill([], 1));
}

import { crossSimilarity, selfSimilarity, temperatureContract } from '../contract/temperature-contract.js';
import type { LossDefinition } from '../loss-definition.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { idRange, viewMajorSampleIds } from '../math/pairing-ids.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { similarityCrossEntropyKernel, type SimilarityCrossEntropySaved } from '../math/similarity-cross-entropy.js';
import {
  checkBoolean,
  checkIntegerAtLeast,
  checkOneOf,
  checkPositiveFinite,
  checkReduction,
  resolveOptions,
  type Reduction,
} from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectFiniteValues, expectViewMajorEmbeddings } from '../validation.js';

/**
 * Options of {@link simclrInfoNce}; every one is optional in a call (the default applies).
 *
 * @example
 * computeLoss(backend, simclrInfoNce, { embeddings }, { views: 4, positives: 'first' });
 *
 * @see [SimCLR info_nce_loss](/losses/simclr-info-nce)
 */
export interface SimclrInfoNceOptions {
  /** Number of views V (row blocks of `embeddings`). Default 2. */
  readonly views: number;
  /** Divides the cosine similarities. Default 0.07 (the SimCLR repository's). */
  readonly temperature: number;
  /** `all`: mean over the V-1 other views (default); `first`: only the lowest-index other view is the positive. */
  readonly positives: 'all' | 'first';
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** `mean` over the VB rows (default), `sum`, or `none` ([VB], row order of `embeddings`). */
  readonly reduction: Reduction;
}

/**
 * Options of {@link simclrInfoNceLogits}; every one is optional in a call (the default applies).
 *
 * @example
 * simclrInfoNceLogits(backend, { embeddings }, { views: 3, temperature: 0.1 });
 *
 * @see [SimCLR info_nce_loss](/losses/simclr-info-nce)
 */
export interface SimclrInfoNceLogitsOptions {
  /** Number of views V (row blocks of `embeddings`). Default 2. */
  readonly views: number;
  /** Divides the cosine similarities. Default 0.07 (the SimCLR repository's). */
  readonly temperature: number;
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
}

const defaults: SimclrInfoNceOptions = { views: 2, temperature: 0.07, positives: 'all', normalize: true, reduction: 'mean' };
const logitsDefaults: SimclrInfoNceLogitsOptions = { views: 2, temperature: 0.07, normalize: true };
const commonChecks = { views: checkIntegerAtLeast(2), temperature: checkPositiveFinite, normalize: checkBoolean };

interface SimclrInfoNceSaved<T> {
  kernel: SimilarityCrossEntropySaved<T>;
  normalized: L2NormalizeSaved<T> | undefined;
  rows: number;
}

/** For `positives: 'first'`: row `r`'s group is its first positive's row, `b + B` for view 0 and `b` otherwise. */
function firstPositiveRows<T>(b: TensorBackend<T>, rows: number, batchSize: number): T {
  const values = Array.from({ length: rows }, (_, row) => (row < batchSize ? row + batchSize : row % batchSize));
  return b.fromArray(values, [rows, 1]);
}

/**
 * The SimCLR repository's `info_nce_loss(features)` (the origin document), generalised to V views, and its logits.
 *
 * Forward: rows are view-major (`r = v * B + b`), `f = normalize(embeddings)`, `S = f f^T / temperature` [VB, VB].
 * - `positives: 'all'` (default): `l_r = -mean_{p in P(r)} S_rp + log sum_{c != r} exp(S_rc)`, `P(r)` the V-1 other
 *   views of sample `b` (SupCon's L_out form);
 * - `positives: 'first'`: `l_r = -S_{r,p1(r)} + log sum_{c != r} exp(S_rc)`, `p1(r)` the lowest-index other view
 *   (the original's cross-entropy with label 0: for V > 2 the other positives count as negatives).
 * For V = 2 both are NT-Xent. Per-row values [VB].
 * Backward: `G_rc = w_r (softmax_{c != r}(S_r)_c - [c in P(r)] / |P(r)|)`, `d f = (G + G^T) f / temperature`,
 * then through the normalisation.
 * Paper: Chen et al. 2020, SimCLR (arXiv:2002.05709); multi-positive form: Khosla et al. 2020 (arXiv:2004.11362).
 *
 * Inputs: `embeddings`, [V * B, D], the V views of B samples stacked view-major.
 * Options: {@link SimclrInfoNceOptions} (`views` 2, `temperature` 0.07, `positives` `'all'`, `normalize` true,
 * `reduction` `'mean'`).
 *
 * @example
 * const loss = computeLoss(backend, simclrInfoNce, { embeddings }, { views: 2, temperature: 0.07 });
 * const { logits, labels } = simclrInfoNceLogits(backend, { embeddings }, { views: 2 });
 *
 * @see [SimCLR info_nce_loss](/losses/simclr-info-nce)
 */
export const simclrInfoNce: LossDefinition<'embeddings', SimclrInfoNceOptions> = {
  name: 'simclr-info-nce',
  inputs: ['embeddings'],
  gradientInputs: ['embeddings'],
  contract: temperatureContract<'embeddings', SimclrInfoNceOptions>({ embeddings: 'embeddings' }, (shapes, options) =>
    selfSimilarity(shapes.embeddings![0]!, options),
  ),
  defaults,
  resolveOptions: (options) =>
    resolveOptions(defaults, options, { ...commonChecks, positives: checkOneOf(['all', 'first']), reduction: checkReduction }),
  validate(backend, inputs, options) {
    expectViewMajorEmbeddings(backend, inputs.embeddings, options.views);
  },
  forward(b, inputs, options) {
    const rows = b.shape(inputs.embeddings!)[0]!;
    const batchSize = rows / options.views;
    const z = maybeNormalize(b, inputs.embeddings!, options.normalize);
    const first = options.positives === 'first';
    const result = similarityCrossEntropyKernel(b).forward(b, {
      anchors: z.value,
      keys: z.value,
      scale: b.fill([], 1 / options.temperature),
      pairing: {
        anchorIds: idRange(b, rows, 0, 'column'),
        keyIds: idRange(b, rows, 0, 'row'),
        anchorGroups: first ? firstPositiveRows(b, rows, batchSize) : viewMajorSampleIds(b, options.views, batchSize, 'column'),
        keyGroups: first ? idRange(b, rows, 0, 'row') : viewMajorSampleIds(b, options.views, batchSize, 'row'),
        positivesInDenominator: true,
      },
      keysAreAnchors: true,
      learnableScale: false,
      rowNormsAtMostOne: options.normalize,
    });
    const loss = reduceRows(b, result.rowLosses, options.reduction);
    const saved: SimclrInfoNceSaved<typeof loss> = { kernel: result.saved, normalized: z.saved, rows };
    return { loss, saved };
  },
  backward(b, saved, upstream, options) {
    const { kernel, normalized, rows } = saved as SimclrInfoNceSaved<typeof upstream>;
    const weights = reduceRowsBackward(b, upstream, rows, options.reduction);
    const grads = similarityCrossEntropyKernel(b).backward(b, kernel, weights);
    return { embeddings: maybeNormalizeBackward(b, normalized, grads.anchors) };
  },
};

/** Row `r`'s columns: the other views of its sample ascending, then every other sample's column ascending. */
function logitColumns(rows: number, batchSize: number): Int32Array {
  const columns = new Int32Array(rows * (rows - 1));
  let k = 0;
  for (let row = 0; row < rows; row++) {
    const sample = row % batchSize;
    for (let c = sample; c < rows; c += batchSize) if (c !== row) columns[k++] = c;
    for (let c = 0; c < rows; c++) if (c % batchSize !== sample) columns[k++] = c;
  }
  return columns;
}

/**
 * The original `info_nce_loss` outputs, column order included: `logits` [VB, VB-1] (row `r` of `S` without
 * column `r`, the V-1 positives first, then the negatives, each in ascending column order) and `labels`, VB
 * zeros. Forward only; validates like `simclrInfoNce`. The caller owns (and disposes) `logits`.
 *
 * @param backend - The tensor backend that holds `embeddings` and computes the logits.
 * @param inputs - `embeddings`, [V * B, D], the V views of B samples stacked view-major.
 * @param options - {@link SimclrInfoNceLogitsOptions}: `views` (default 2), `temperature` (default 0.07),
 * `normalize` (default true).
 * @returns `logits` [VB, VB-1], a backend tensor, and `labels`, VB zeros on the host.
 * @throws ContrastiveInputError for a bad backend, input, shape, value or option.
 *
 * @example
 * const { logits, labels } = simclrInfoNceLogits(backend, { embeddings }, { views: 2, temperature: 0.07 });
 *
 * @see [SimCLR info_nce_loss](/losses/simclr-info-nce)
 */
export function simclrInfoNceLogits<T>(
  backend: TensorBackend<T>,
  inputs: { readonly embeddings?: T },
  options?: Partial<SimclrInfoNceLogitsOptions>,
): {
  /** [VB, VB-1] the logits, positives first; the caller disposes it. */
  logits: T;
  /** VB zeros on the host (the class of the first positive). */
  labels: Int32Array;
} {
  const resolved = resolveOptions(logitsDefaults, options, commonChecks);
  const [rows] = expectViewMajorEmbeddings(backend, inputs.embeddings, resolved.views) as [number, number];
  expectFiniteValues(backend, inputs.embeddings!, 'embeddings');
  const b = backend;
  const logits = b.scope(() => {
    const z = maybeNormalize(b, inputs.embeddings!, resolved.normalize).value;
    const similarities = b.div(b.matmul(z, z, { transposeB: true }), b.fill([], resolved.temperature));
    return b.takeAlongAxis(similarities, { values: logitColumns(rows, rows / resolved.views), shape: [rows, rows - 1] }, 1);
  });
  return { logits, labels: new Int32Array(rows) };
}

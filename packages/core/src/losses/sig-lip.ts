import { normalizationGradient, type Magnitude } from '../contract/loss-contract.js';
import { crossSimilarity } from '../contract/temperature-contract.js';
import type { LossDefinition } from '../loss-definition.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { idRange } from '../math/pairing-ids.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { checkBoolean, checkReduction, resolveOptions, type Reduction } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectEmbeddingPair, expectRank } from '../validation.js';

/**
 * Options of {@link sigLip}; every one is optional in a call (the default applies).
 *
 * @example
 * computeLoss(backend, sigLip, { anchors, positives, logTemperature, bias }, { reduction: 'sum' });
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export interface SigLipOptions {
  /** L2-normalise rows first (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** `mean` over the N rows (default), `sum`, or `none` ([N]). */
  readonly reduction: Reduction;
}

const defaults: SigLipOptions = { normalize: true, reduction: 'mean' };

/**
 * The names of SigLIP's inputs: the two embedding matrices and the two learned scalars.
 *
 * @example
 * const inputs: LossInputs<ReferenceTensor, SigLipInput> = { anchors, positives, logTemperature, bias };
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export type SigLipInput = 'anchors' | 'positives' | 'logTemperature' | 'bias';

/**
 * SigLIP, the pairwise sigmoid loss for language-image pre-training (Zhai et al. 2023, arXiv:2303.15343).
 *
 * Forward: `a`, `p` are the rows of `anchors` and `positives` (L2-normalised when `normalize`),
 * `t = exp(logTemperature)`, logits `L_ij = t a_i.p_j + bias`, labels `y_ij = +1` if `i == j` else `-1`:
 *   `l_i = sum_j softplus(-y_ij L_ij)` (= `-sum_j log sigmoid(y_ij L_ij)`), reduced over the N rows
 * (`mean` divides by N, the paper's `1/|B|`). Softplus in the stable form `max(u, 0) + log1p(exp(-|u|))`, so
 * logits of any size stay finite and tiny terms keep their digits.
 * Backward: with `u_ij = -y_ij L_ij` and row weights `w_i` (from the reduction),
 * `G_ij = dloss/dL_ij = -w_i y_ij sigmoid(u_ij)`, where `sigmoid(u) = exp(-softplus(-u))` (stable);
 * `d a = t G p`, `d p = t G^T a` (then through the normalisation), `d bias = sum_ij G_ij` and
 * `d logTemperature = t sum_ij G_ij (a_i.p_j)`.
 *
 * Inputs: `anchors` and `positives`, [N, D]; `logTemperature` and `bias`, scalars [] (learned).
 * Options: {@link SigLipOptions} (`normalize` true, `reduction` `'mean'`).
 *
 * @example
 * const loss = computeLoss(backend, sigLip, {
 *   anchors, positives, logTemperature: backend.fill([], Math.log(10)), bias: backend.fill([], -10),
 * });
 *
 * @see [SigLIP](/losses/sig-lip)
 */
export const sigLip: LossDefinition<SigLipInput, SigLipOptions> = {
  name: 'sig-lip',
  inputs: ['anchors', 'positives', 'logTemperature', 'bias'],
  gradientInputs: ['anchors', 'positives', 'logTemperature', 'bias'],
  defaults,
  contract: {
    roles: { anchors: 'embeddings', positives: 'embeddings', logTemperature: 'scalar', bias: 'scalar' },
    magnitudes(options, facts) {
      const logTemperature = facts.logTemperature?.scalar;
      const bias = Math.abs(facts.bias?.scalar ?? 0);
      const result: Magnitude[] = [{ argument: 'bias', quantity: '|bias|', value: bias }];
      if (logTemperature === undefined) return result;
      const scale = Math.exp(logTemperature);
      result.push({ argument: 'logTemperature', quantity: 'exp(logTemperature)', value: scale });
      const [a, p] = [facts.anchors?.maxRowNorm ?? 0, facts.positives?.maxRowNorm ?? 0];
      const norms = options.normalize ? 1 : a * p;
      result.push({ argument: 'logTemperature', quantity: 'the largest logit, exp(logTemperature) |a| |p| + |bias|', value: scale * norms + bias });
      if (options.normalize) return [...result, ...normalizationGradient({ argument: 'logTemperature', value: scale }, [facts.anchors, facts.positives])];
      result.push({ argument: 'logTemperature', quantity: 'the largest gradient, exp(logTemperature) times the largest row norm', value: scale * Math.max(a, p) });
      // The similarities a.p are formed before the scale (its gradient needs them unscaled).
      result.push({ argument: a >= p ? 'anchors' : 'positives', quantity: 'the largest similarity |a| |p| (normalize: false)', value: a * p });
      return result;
    },
    // logits, labels, u, softplus parts, sigmoid, gradient and its transpose: about 12 [N, N] matrices.
    workingSet: (shapes, options) => ({ ...crossSimilarity(shapes.anchors![0]!, shapes.anchors![0]!, options.normalize), matrices: 12 }),
  },
  resolveOptions: (options) => resolveOptions(defaults, options, { normalize: checkBoolean, reduction: checkReduction }),
  validate(backend, inputs) {
    expectEmbeddingPair(backend, inputs.anchors, inputs.positives);
    for (const argument of ['logTemperature', 'bias'] as const) expectRank(backend, inputs[argument], argument, 0);
  },
  forward(b, inputs, options) {
    const rows = b.shape(inputs.anchors!)[0]!;
    const a = maybeNormalize(b, inputs.anchors!, options.normalize);
    const p = maybeNormalize(b, inputs.positives!, options.normalize);
    const temperature = b.exp(inputs.logTemperature!);
    const similarities = b.matmul(a.value, p.value, { transposeB: true });
    const logits = b.add(b.mul(similarities, temperature), inputs.bias!);
    const labels = b.where(b.equal(idRange(b, rows, 0, 'column'), idRange(b, rows, 0, 'row')), b.fill([], 1), b.fill([], -1));
    const u = b.neg(b.mul(labels, logits));
    const { softplus, softplusOfNegative } = stableSoftplus(b, u);
    const loss = reduceRows(b, b.sum(softplus, 1, false), options.reduction);
    const saved: SigLipSaved<typeof u> = { a, p, temperature, similarities, labels, softplusOfNegative, rows };
    return { loss, saved };
  },
  backward(b, saved, upstream, options) {
    const { a, p, temperature, similarities, labels, softplusOfNegative, rows } = saved as SigLipSaved<typeof upstream>;
    const weights = b.reshape(reduceRowsBackward(b, upstream, rows, options.reduction), [rows, 1]);
    const sigmoid = b.exp(b.neg(softplusOfNegative));
    const grad = b.mul(b.neg(b.mul(labels, sigmoid)), weights);
    const total = (x: typeof upstream) => b.sum(b.sum(x, 1, false), 0, false);
    const anchors = b.mul(b.matmul(grad, p.value), temperature);
    const positives = b.mul(b.matmul(grad, a.value, { transposeA: true }), temperature);
    return {
      anchors: maybeNormalizeBackward(b, a.saved, anchors),
      positives: maybeNormalizeBackward(b, p.saved, positives),
      logTemperature: b.mul(total(b.mul(grad, similarities)), temperature),
      bias: total(grad),
    };
  },
};

/**
 * `softplus(u) = max(u, 0) + log1p(exp(-|u|))` and `softplus(-u) = max(-u, 0) + log1p(exp(-|u|))`, sharing the
 * log1p term. `exp` only ever sees non-positive arguments, so nothing overflows.
 */
function stableSoftplus<T>(b: TensorBackend<T>, u: T): { softplus: T; softplusOfNegative: T } {
  const zero = b.fill([], 0);
  const tail = b.log1p(b.exp(b.neg(b.abs(u))));
  return { softplus: b.add(b.maximum(u, zero), tail), softplusOfNegative: b.add(b.maximum(b.neg(u), zero), tail) };
}

interface SigLipSaved<T> {
  a: { value: T; saved?: L2NormalizeSaved<T> };
  p: { value: T; saved?: L2NormalizeSaved<T> };
  temperature: T;
  similarities: T;
  labels: T;
  softplusOfNegative: T;
  rows: number;
}

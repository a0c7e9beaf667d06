import { normalizationGradient, type Magnitude } from '../contract/loss-contract.js';
import { crossSimilarity } from '../contract/temperature-contract.js';
import type { LossDefinition } from '../loss-definition.js';
import type { L2NormalizeSaved } from '../math/l2-normalize.js';
import { maybeNormalize, maybeNormalizeBackward } from '../math/maybe-normalize.js';
import { composedSigmoidPairwise, composedSigmoidPairwiseMatrices, type SigmoidPairwise } from '../math/sigmoid-pairwise.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { checkBoolean, checkReduction, resolveOptions, type Reduction } from '../options.js';
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
 * The [n, n] work runs in the backend's `fused.sigmoidPairwise` when it has one (one product, the diagonal kept
 * out of the row sums, only `sigmoid(x)` kept for the backward), else in {@link composedSigmoidPairwise}.
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
    // The composed kernel's count (logits, labels, u, softplus parts, sigmoid, gradient...), or the backend's
    // fused sigmoidPairwise's own.
    workingSet: (shapes, options) => ({
      ...crossSimilarity(shapes.anchors![0]!, shapes.anchors![0]!, options.normalize),
      matrices: composedSigmoidPairwiseMatrices,
      fusedKernel: 'sigmoidPairwise',
    }),
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
    const kernel = b.fused?.sigmoidPairwise ?? composedSigmoidPairwise<typeof a.value>();
    const { logTemperature, bias } = inputs as Required<typeof inputs>;
    const pass = kernel.forward(b, { anchors: a.value, positives: p.value, logTemperature, bias });
    const saved: SigLipSaved<typeof a.value> = { a, p, kernel, saved: pass.saved, rows };
    return { loss: reduceRows(b, pass.rowLosses, options.reduction), saved };
  },
  backward(b, saved, upstream, options) {
    const { a, p, kernel, saved: kernelSaved, rows } = saved as SigLipSaved<typeof upstream>;
    const weights = reduceRowsBackward(b, upstream, rows, options.reduction);
    const gradients = kernel.backward(b, kernelSaved, weights);
    return {
      anchors: maybeNormalizeBackward(b, a.saved, gradients.anchors),
      positives: maybeNormalizeBackward(b, p.saved, gradients.positives),
      logTemperature: gradients.logTemperature,
      bias: gradients.bias,
    };
  },
};

interface SigLipSaved<T> {
  a: { value: T; saved?: L2NormalizeSaved<T> };
  p: { value: T; saved?: L2NormalizeSaved<T> };
  kernel: SigmoidPairwise<T>;
  saved: unknown;
  rows: number;
}

import { composedWorkingMatrices } from '../contract/working-set.js';
import {
  composedSimilarityCrossEntropy,
  type Pairing,
  type SimilarityCrossEntropy,
  type SimilarityCrossEntropyInputs,
  type SimilarityCrossEntropySaved,
} from './similarity-cross-entropy.js';
import { positiveCoefficients } from './constant-shift-positive-coefficients.js';
import { maximumConstantShift, maximumRowShift, type ConstantShiftPasses, type ConstantShiftPlan } from './constant-shift-passes.js';
import { symmetricPairing } from './symmetric-pairing.js';

export { maximumConstantShift, maximumRowShift, type ConstantShiftPasses, type ConstantShiftPlan } from './constant-shift-passes.js';

/** Matrices the row-shifted passes keep beyond the constant-shift ones: the shifted logits and their exponentials. */
const rowShiftExtraMatrices = 2;

interface Saved<T> {
  readonly plan: ConstantShiftPlan;
  readonly state: unknown;
  readonly denominator: T;
  readonly rest: T;
  readonly positiveRows: readonly T[];
  readonly positiveExps: readonly T[];
}

function planFor<T>(passes: ConstantShiftPasses<T>, inputs: SimilarityCrossEntropyInputs<T>): ConstantShiftPlan | undefined {
  if (!inputs.keysAreAnchors || inputs.learnableScale || !inputs.rowNormsAtMostOne) return undefined;
  if (passes.applicable && !passes.applicable(inputs)) return undefined;
  const scaleValues = passes.knownValues(inputs.scale);
  const scale = scaleValues?.length === 1 ? scaleValues[0]! : Number.NaN;
  if (!(scale > 0 && scale <= maximumRowShift)) return undefined;
  const rowShift = scale > maximumConstantShift;
  if (rowShift && !passes.rowShift) return undefined;
  const ids = (p: Pairing<T>) => [p.anchorIds, p.keyIds, p.anchorGroups, p.keyGroups].map((x) => passes.knownValues(x));
  const [anchorIds, keyIds, anchorGroups, keyGroups] = ids(inputs.pairing);
  if (!anchorIds || !keyIds || !anchorGroups || !keyGroups) return undefined;
  const pairing = symmetricPairing({ anchorIds, keyIds, anchorGroups, keyGroups, positivesInDenominator: inputs.pairing.positivesInDenominator });
  return pairing && { pairing, scale, rowShift };
}

/**
 * The self-similarity cross-entropy (NT-Xent, SimCLR's n-view InfoNCE) on rows of norm at most 1, with one
 * constant shift instead of row maxima (decision 0004). Core holds the O(n k D) math; a backend supplies the
 * two passes over the [n, n] matrix (`ConstantShiftPasses`) in whatever form is fastest for it (one graph node
 * each, in-place zeroing, row blocks), and uses the result as its fused `similarityCrossEntropy`.
 *
 * With `s = scale z z^T` and `c = scale`, `|s_ij| <= c`, so `E = exp(s - c)` never overflows and is symmetric.
 * Forward: `rest_i = sum_j E'_ij` where `E'` is `E` with each row's excluded keys and positives set to 0; the
 * positives' logits come from gathered rows; `l_i = log1p(rest_i / e_ip)` when the single positive dominates
 * (digits kept near zero loss), else `log(R_i) + c - mean_p s_ip` with `R_i = rest_i + sum_p e_ip`.
 * Backward: `(G + G^T) z = [E' (u_i + u_j)] z + sum_p c_ip z_p`, `u = w / R`, with the positives' coefficients
 * `c_ip = G_ip + G_pi` formed from the negatives' mass (`G_ip = -u_i rest_i` for one positive; see
 * `positiveCoefficients`), never as `softmax - 1`, so the gradient keeps its digits where the loss does.
 * The constant shift applies when every `exp` argument (>= -2c) stays a normal float32: `2c <= 80`. Above that
 * (temperature below 1/40) each row is shifted by its own maximum `h_i` over its denominator instead (passes with
 * `rowShift`): every `exp` argument is then at most 0 and a row's largest term is exactly 1, so nothing overflows
 * or underflows that matters at any temperature; the backward's `E'^T` term then carries the column's shift.
 *
 * Returns a fused `similarityCrossEntropy` that takes the constant-shift path when it applies, else the composed one.
 *
 * @param passes - The backend's two passes over the [n, n] exponentials, and its `knownValues`.
 *
 * @example
 * const backend = { ...base, fused: { similarityCrossEntropy: constantShiftSimilarityCrossEntropy(myPasses) } };
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export function constantShiftSimilarityCrossEntropy<T>(passes: ConstantShiftPasses<T>): SimilarityCrossEntropy<T> {
  const composed = composedSimilarityCrossEntropy<T>();
  return {
    forward(b, inputs) {
      const plan = planFor(passes, inputs);
      if (!plan) return composed.forward(b, inputs);
      const { pairing, scale } = plan;
      const z = inputs.anchors;
      const n = pairing.rows;
      const k = pairing.positives.length;
      const scaleTensor = b.fill([], scale);
      const positiveRows = pairing.positives.map((rows) => passes.gatherRows(z, rows));
      const positiveLogits = positiveRows.map((rows) => b.mul(b.sum(b.mul(z, rows), 1, true), scaleTensor));
      const { rest, shift: rowShift, state } = passes.restSums(z, plan, positiveLogits);
      const shift = plan.rowShift ? rowShift! : scaleTensor;
      const positiveExps = positiveLogits.map((logit) => b.exp(b.sub(logit, shift)));
      const denominator = positiveExps.reduce((sum, e) => b.add(sum, e), rest);
      const logSumExp = b.add(b.log(denominator), shift);
      const positiveMean = b.div(positiveLogits.reduce((sum, s) => b.add(sum, s)), b.fill([], k));
      let rowLosses = b.sub(logSumExp, positiveMean);
      if (k === 1) {
        const positive = positiveExps[0]!;
        rowLosses = b.where(b.greater(positive, rest), b.log1p(b.div(rest, positive)), rowLosses);
      }
      const saved: Saved<T> = { plan, state, denominator, rest, positiveRows, positiveExps };
      return { rowLosses: b.reshape(rowLosses, [n]), positiveCounts: b.fill([n], k), saved: { inputs, logSumExp, extra: saved } };
    },

    // Two [n, n] passes and what they keep (the backend's E' at most), two more for the row maxima's shifted
    // copies; the composed kernel otherwise.
    workingMatrices: (set) => {
      if (set.constantShift) return passes.workingMatrices ?? 3;
      if (set.rowShift && passes.rowShift) return (passes.workingMatrices ?? 3) + rowShiftExtraMatrices;
      return composedWorkingMatrices;
    },

    backward(b, saved: SimilarityCrossEntropySaved<T>, rowWeights) {
      const extra = saved.extra as Saved<T> | object | undefined;
      if (!extra || !('plan' in extra)) return composed.backward(b, saved, rowWeights);
      const { plan, state, denominator, rest, positiveRows, positiveExps } = extra;
      const n = plan.pairing.rows;
      const z = saved.inputs.anchors;
      const u = b.div(b.reshape(rowWeights, [n, 1]), denominator);
      let gradient = passes.symmetricProduct(z, plan, u, state);
      const scale = b.fill([], plan.scale);
      const coefficients = positiveCoefficients(b, plan.pairing, { u, rest, positiveExps, z, positiveRows, scale, gatherRows: passes.gatherRows });
      coefficients.forEach((coefficient, t) => { gradient = b.add(gradient, b.mul(coefficient, positiveRows[t]!)); });
      return { anchors: b.mul(gradient, scale) };
    },
  };
}


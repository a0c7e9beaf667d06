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
import { maximumPresetShift, presetRowShift } from './constant-shift-preset-row-shift.js';
import { runtimeGroupBackward, runtimeGroupForward, selfExcludedPairing, type RuntimeGroupSaved } from './constant-shift-runtime-groups.js';
import { symmetricPairing, type Values } from './symmetric-pairing.js';

export { maximumConstantShift, maximumRowShift, type ConstantShiftPasses, type ConstantShiftPlan, type RuntimeGroupPasses } from './constant-shift-passes.js';
export { maximumPresetShift, minimumPresetDenominator, maximumShiftedLogit, presetRowShift, type PresetRowShift } from './constant-shift-preset-row-shift.js';

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

/**
 * The constant-shift plan these passes would take for `inputs`, or `undefined` (the composed kernel runs).
 *
 * @example
 * const plan = constantShiftPlan(passes, inputs); // plan?.runtimeGroups: positives from run-time groups
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export function constantShiftPlan<T>(passes: ConstantShiftPasses<T>, inputs: SimilarityCrossEntropyInputs<T>): ConstantShiftPlan | undefined {
  if (!inputs.keysAreAnchors || inputs.learnableScale || !inputs.rowNormsAtMostOne) return undefined;
  if (passes.applicable && !passes.applicable(inputs)) return undefined;
  const scaleValues = passes.knownValues(inputs.scale);
  const scale = scaleValues?.length === 1 ? scaleValues[0]! : Number.NaN;
  if (!(scale > 0 && scale <= maximumRowShift)) return undefined;
  const rowShift = scale > maximumConstantShift;
  if (rowShift && !passes.rowShift) return undefined;
  const ids = (p: Pairing<T>) => [p.anchorIds, p.keyIds, p.anchorGroups, p.keyGroups].map((x) => passes.knownValues(x));
  const [anchorIds, keyIds, anchorGroups, keyGroups] = ids(inputs.pairing);
  if (!anchorIds || !keyIds) return undefined;
  const pairing = anchorGroups && keyGroups && symmetricPairing({ anchorIds, keyIds, anchorGroups, keyGroups, positivesInDenominator: inputs.pairing.positivesInDenominator });
  if (!pairing) return runtimeGroupPlan(passes, inputs, { anchorIds, keyIds, anchorGroups, keyGroups }, scale, rowShift);
  // The decoupled denominator is the negatives alone: a row without any is left to the composed kernel.
  const negatives = pairing.rows - pairing.excludedPerRow - pairing.positives.length;
  if (!pairing.positivesInDenominator && negatives === 0) return undefined;
  return { pairing, scale, rowShift };
}

/** Positives from groups read at run time (the passes' `runtimeGroups`): SupCon's labels, or known groups with uneven counts. */
function runtimeGroupPlan<T>(passes: ConstantShiftPasses<T>, inputs: SimilarityCrossEntropyInputs<T>, values: Record<'anchorIds' | 'keyIds', Values> & Record<'anchorGroups' | 'keyGroups', Values | undefined>, scale: number, rowShift: boolean): ConstantShiftPlan | undefined {
  if (!passes.runtimeGroups || !inputs.pairing.positivesInDenominator) return undefined;
  const pairing = selfExcludedPairing(values.anchorIds, values.keyIds, values.anchorGroups, values.keyGroups, inputs.pairing.sharedGroups ?? false);
  if (!pairing) return undefined;
  const groupPeriod = periodOf(pairing.rows, inputs.pairing.groupPeriod, values.anchorGroups);
  return { pairing, scale, rowShift, runtimeGroups: true, ...(groupPeriod === undefined ? {} : { groupPeriod }) };
}

/** The groups' promised period when it divides the rows and, where the groups are known, holds. */
function periodOf(rows: number, period: number | undefined, groups: Values | undefined): number | undefined {
  if (period === undefined || !Number.isInteger(period) || period <= 0 || rows % period !== 0) return undefined;
  if (groups && !Array.from(groups).every((g, i) => g === groups[i % period])) return undefined;
  return period;
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
 * Decoupled (DCL, positives not in the denominator): the denominator is `rest` itself, `l_i = log(rest_i) + c -
 * mean_p s_ip`, and `G_ij = u_i E'_ij` on the negatives, `-w_i / k` on the positives, so `c_ip = -(w_i + w_p) / k`
 * exactly (no softmax to subtract from).
 * Positives from run-time groups (SupCon's labels, `plan.runtimeGroups`, decision 0006): each row excludes only
 * itself and the passes' `runtimeGroups` read the groups (see `runtimeGroupForward`).
 * The constant shift applies when every `exp` argument (>= -2c) stays a normal float32: `2c <= 80`. Above that
 * (temperature below 1/40) each row is shifted by its own maximum `h_i` over its denominator instead (passes with
 * `rowShift`): every `exp` argument is then at most 0 and a row's largest term is exactly 1, so nothing overflows
 * or underflows that matters at any temperature; the backward's `E'^T` term then carries the column's shift.
 * Passes with `presetRowShift` are given a shift chosen before the product instead up to `maximumPresetShift`
 * (`presetRowShift`, decision 0013), which saves the pass for the maxima; if it would leave a row's denominator
 * underflowing, they shift by the maxima after all.
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
      const plan = constantShiftPlan(passes, inputs);
      if (!plan) return composed.forward(b, inputs);
      if (plan.runtimeGroups) {
        const result = runtimeGroupForward(b, passes.runtimeGroups!, plan, inputs);
        return { rowLosses: result.rowLosses, positiveCounts: result.positiveCounts, saved: { inputs, logSumExp: result.logSumExp, extra: result.saved } };
      }
      const { pairing, scale } = plan;
      const z = inputs.anchors;
      const n = pairing.rows;
      const k = pairing.positives.length;
      const scaleTensor = b.fill([], scale);
      const positiveRows = pairing.positives.map((rows) => passes.gatherRows(z, rows));
      const positiveLogits = positiveRows.map((rows) => b.mul(b.sum(b.mul(z, rows), 1, true), scaleTensor));
      const decoupled = !pairing.positivesInDenominator;
      // Decoupled (DCL): `h_i` is the maximum over the negatives alone, so `rest_i >= 1` (the floor `-c` stands
      // in for the positives' logits); a dominating positive would otherwise underflow every negative's term.
      const shiftFloor = decoupled ? [b.fill([n, 1], -scale)] : positiveLogits;
      const presetApplies = plan.rowShift && passes.presetRowShift && scale <= maximumPresetShift;
      const preset = presetApplies ? presetRowShift(b, z, scale, shiftFloor, !decoupled) : undefined;
      const { rest, shift: rowShift, state } = passes.restSums(z, plan, shiftFloor, preset);
      const shift = plan.rowShift ? rowShift! : scaleTensor;
      const positiveExps = decoupled ? [] : positiveLogits.map((logit) => b.exp(b.sub(logit, shift)));
      const denominator = decoupled ? rest : positiveExps.reduce((sum, e) => b.add(sum, e), rest);
      const logSumExp = b.add(b.log(denominator), shift);
      const positiveMean = b.div(positiveLogits.reduce((sum, s) => b.add(sum, s)), b.fill([], k));
      // `log(rest) + (h - mean_p s_ip)`: the shift and the positives' logits cancel before the log is added.
      let rowLosses = decoupled ? b.add(b.log(denominator), b.sub(shift, positiveMean)) : b.sub(logSumExp, positiveMean);
      if (k === 1 && !decoupled) {
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
      const extra = saved.extra as Saved<T> | RuntimeGroupSaved<T> | object | undefined;
      if (!extra || !('plan' in extra)) return composed.backward(b, saved, rowWeights);
      if ('hasPositive' in extra) return { anchors: runtimeGroupBackward(b, passes.runtimeGroups!, extra, saved.inputs.anchors, rowWeights) };
      const { plan, state, denominator, rest, positiveRows, positiveExps } = extra;
      const n = plan.pairing.rows;
      const z = saved.inputs.anchors;
      const u = b.div(b.reshape(rowWeights, [n, 1]), denominator);
      let gradient = passes.symmetricProduct(z, plan, u, state);
      const scale = b.fill([], plan.scale);
      const weights = b.reshape(rowWeights, [n, 1]);
      const coefficients = positiveCoefficients(b, plan.pairing, { u, weights, rest, positiveExps, z, positiveRows, scale, gatherRows: passes.gatherRows });
      coefficients.forEach((coefficient, t) => { gradient = b.add(gradient, b.mul(coefficient, positiveRows[t]!)); });
      return { anchors: b.mul(gradient, scale) };
    },
  };
}


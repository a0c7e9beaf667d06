import type { TensorBackend } from '../tensor-backend.js';
import type { ConstantShiftPlan, RuntimeGroupPasses } from './constant-shift-passes.js';
import { maximumPresetShift, presetRowShift } from './constant-shift-preset-row-shift.js';
import type { SimilarityCrossEntropyInputs } from './similarity-cross-entropy.js';
import type { SymmetricPairing, Values } from './symmetric-pairing.js';

/** What the runtime-group forward keeps for its backward. */
export interface RuntimeGroupSaved<T> {
  readonly plan: ConstantShiftPlan;
  readonly state: unknown;
  readonly rest: T;
  /** [n, 1] 1 for rows with a positive, else 0. */
  readonly hasPositive: T;
  /** [n, 1] `max(|pos(i)|, 1)`. */
  readonly safeCounts: T;
}

function distinct(values: Values): boolean {
  return new Set(Array.from(values)).size === values.length;
}

function sameValues(a: Values, b: Values): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => v === b[i]);
}

/**
 * The plan's pairing when each row excludes only itself (distinct ids, the same on both sides) and the groups are
 * shared (the same known values on both sides, or the loss's `sharedGroups` promise): the excluded column of row
 * `i` is `i`, no positive slots. `undefined` otherwise.
 *
 * @example
 * const pairing = selfExcludedPairing(ids, ids, undefined, undefined, true); // SupCon with run-time labels
 *
 * @see [Decision 0006: run-time group positives](/contributing/decisions/0006-runtime-group-positives)
 */
export function selfExcludedPairing(
  anchorIds: Values,
  keyIds: Values,
  anchorGroups: Values | undefined,
  keyGroups: Values | undefined,
  sharedGroups: boolean,
): SymmetricPairing | undefined {
  const rows = anchorIds.length;
  if (rows < 2 || !sameValues(anchorIds, keyIds) || !distinct(anchorIds)) return undefined;
  const groupsShared = anchorGroups && keyGroups ? sameValues(anchorGroups, keyGroups) : sharedGroups;
  if (!groupsShared) return undefined;
  return { rows, zeroedColumns: Int32Array.from({ length: rows }, (_, i) => i), excludedPerRow: 1, positives: [], positivesInDenominator: true };
}

/**
 * `s_{i, i + v p}` ([n, 1] each, rows taken mod `n`) for each other view `v` of the plan's `groupPeriod` `p`: the
 * same sample's other views, always terms of row `i`'s denominator (positives of it). Without a period (or one view),
 * the floor `-scale`, below every logit, so that the preset shift is the bound `scale |z_i| - K` alone.
 *
 * @example
 * const floors = otherViewLogits(b, z, plan); // two views of 4096: [s_{i, i + 4096 mod 8192}]
 *
 * @see [Decision 0006: run-time group positives](/contributing/decisions/0006-runtime-group-positives)
 */
export function otherViewLogits<T>(b: TensorBackend<T>, z: T, plan: ConstantShiftPlan): T[] {
  const [n, width] = [plan.pairing.rows, b.shape(z)[1]!];
  const period = plan.groupPeriod ?? n;
  if (period >= n) return [b.fill([n, 1], -plan.scale)];
  const scale = b.fill([], plan.scale);
  return Array.from({ length: n / period - 1 }, (_, v) => {
    const offset = (v + 1) * period;
    const rolled = b.concat([b.slice(z, [offset, 0], [n - offset, width]), b.slice(z, [0, 0], [offset, width])], 0);
    return b.mul(b.sum(b.mul(z, rolled), 1, true), scale);
  });
}

/**
 * Forward of the self-similarity cross-entropy with positives from run-time groups (SupCon's labels), the positives
 * in the denominator: `rest_i = sum_{j != i} E'_ij` is the whole denominator `R_i`, and the passes also give the
 * positives' count `k_i` and shifted logit sum `sum_p (s_ip - h_i)`, so `l_i = log R_i - sum_p (s_ip - h_i) / k_i`
 * (the shift cancels before the mean), 0 where `k_i = 0`.
 *
 * @example
 * const { rowLosses, positiveCounts, saved } = runtimeGroupForward(b, passes.runtimeGroups!, plan, inputs);
 *
 * @see [Decision 0006: run-time group positives](/contributing/decisions/0006-runtime-group-positives)
 */
export function runtimeGroupForward<T>(b: TensorBackend<T>, passes: RuntimeGroupPasses<T>, plan: ConstantShiftPlan, inputs: SimilarityCrossEntropyInputs<T>) {
  const n = plan.pairing.rows;
  const zero = b.fill([], 0);
  // The row shift is the maximum over the whole denominator (the positives are in it); -c is only a floor. Below
  // `maximumPresetShift` passes that can take it get a shift chosen before the product, floored by the other views.
  const z = inputs.anchors;
  const presetApplies = plan.rowShift && passes.presetRowShift === true && plan.scale <= maximumPresetShift;
  const floors = presetApplies ? otherViewLogits(b, z, plan) : [b.fill([n, 1], -plan.scale)];
  const preset = presetApplies ? presetRowShift(b, z, plan.scale, floors, false) : undefined;
  const { rest, shift, counts, positiveShiftedSums, state } = passes.restSums(z, plan, inputs.pairing.anchorGroups, floors, preset);
  const hasPositive = b.greater(counts, zero);
  const safeCounts = b.maximum(counts, b.fill([], 1));
  const logSumExp = b.add(b.log(rest), plan.rowShift ? shift! : b.fill([], plan.scale));
  const rowLosses = b.where(hasPositive, b.sub(b.log(rest), b.div(positiveShiftedSums, safeCounts)), zero);
  const saved: RuntimeGroupSaved<T> = { plan, state, rest, hasPositive, safeCounts };
  return { rowLosses: b.reshape(rowLosses, [n]), positiveCounts: b.reshape(counts, [n]), logSumExp, saved };
}

/**
 * Backward: `(G + G^T) z` with `G_ij = w_i (E'_ij / R_i - P_ij / k_i) = u_i E'_ij - a_i P_ij`, `u = w / R`,
 * `a = w / k` (both 0 where `k_i = 0`), from the passes' one product; times the scale.
 *
 * @example
 * const dAnchors = runtimeGroupBackward(b, passes.runtimeGroups!, saved, z, rowWeights);
 *
 * @see [Decision 0006: run-time group positives](/contributing/decisions/0006-runtime-group-positives)
 */
export function runtimeGroupBackward<T>(b: TensorBackend<T>, passes: RuntimeGroupPasses<T>, saved: RuntimeGroupSaved<T>, z: T, rowWeights: T): T {
  const { plan, state, rest, hasPositive, safeCounts } = saved;
  const weights = b.where(hasPositive, b.reshape(rowWeights, [plan.pairing.rows, 1]), b.fill([], 0));
  const product = passes.symmetricProduct(z, plan, b.div(weights, rest), b.div(weights, safeCounts), state);
  return b.mul(product, b.fill([], plan.scale));
}

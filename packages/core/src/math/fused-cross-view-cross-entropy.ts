import type { TensorBackend } from '../tensor-backend.js';
import { composedCrossViewCrossEntropy, type CrossViewCrossEntropy, type CrossViewInputs, type CrossViewQuery } from './cross-view-cross-entropy.js';
import { maximumConstantShift, maximumRowShift } from './constant-shift-passes.js';
import { maximumPresetShift } from './constant-shift-preset-row-shift.js';
import type { CrossViewPasses, CrossViewPlan } from './fused-cross-view-passes.js';

export type { CrossViewForwardPass, CrossViewPasses, CrossViewPlan } from './fused-cross-view-passes.js';

interface Saved<T> {
  readonly plan: CrossViewPlan;
  readonly inputs: CrossViewInputs<T>;
  readonly state: unknown;
  readonly rowRest: T;
  readonly rowDenominator: T;
  readonly columnRest: T | undefined;
  readonly columnDenominator: T | undefined;
}

/** True when key `j` is anchor `i`'s only positive exactly when `j == i`, nothing is excluded, positives counted. */
function isDiagonal(anchorIds: ArrayLike<number>, keyIds: ArrayLike<number>, anchorGroups: ArrayLike<number>, keyGroups: ArrayLike<number>): boolean {
  const n = anchorIds.length;
  if (keyIds.length !== n || anchorGroups.length !== n || keyGroups.length !== n) return false;
  const keys = new Set(Array.from(keyIds));
  const groups = new Set(Array.from(keyGroups));
  if (groups.size !== n || Array.from(anchorIds).some((id) => keys.has(id))) return false;
  return Array.from(anchorGroups).every((group, i) => group === keyGroups[i]);
}

/**
 * The plan's shift fields for a scale known before the run (NaN: a graph input): the constant shift on unit rows up
 * to `maximumConstantShift`; else, on unit rows with both directions and the positives in the denominators, the
 * preset line shift when the scale is unknown or at most `maximumPresetShift` (decision 0014).
 */
function shiftsFor(scale: number, unitRows: boolean, directions: 1 | 2, positivesInDenominator: boolean) {
  const constant = unitRows && scale > 0 && scale <= maximumConstantShift;
  const preset = unitRows && !constant && directions === 2 && positivesInDenominator && !(Math.abs(scale) > maximumPresetShift);
  return {
    ...(constant ? { constantShift: scale } : {}),
    ...(preset ? { presetShift: true } : {}),
    ...(Number.isFinite(scale) ? { knownScale: Math.abs(scale) } : {}),
  };
}

function planFor<T>(b: TensorBackend<T>, passes: CrossViewPasses<T>, inputs: CrossViewInputs<T>): CrossViewPlan | undefined {
  const { pairing } = inputs;
  const directions = inputs.directions ?? 2;
  const positivesInDenominator = pairing.positivesInDenominator;
  if ((directions === 1 && !passes.oneDirection) || (!positivesInDenominator && !passes.decoupled)) return undefined;
  if (passes.applicable && !passes.applicable(inputs)) return undefined;
  const [n, d] = b.shape(inputs.anchors);
  const [m, e] = b.shape(inputs.keys);
  if (n === undefined || n !== m || d !== e) return undefined;
  const ids = [pairing.anchorIds, pairing.keyIds, pairing.anchorGroups, pairing.keyGroups].map((x) => passes.knownValues(x));
  if (ids.some((x) => !x) || !isDiagonal(ids[0]!, ids[1]!, ids[2]!, ids[3]!)) return undefined;
  const known = passes.knownValues(inputs.scale);
  const scale = known?.length === 1 ? known[0]! : Number.NaN;
  // A fixed scale (a temperature) above maximumRowShift runs the composed kernel, as the similarity kernel does
  // (decision 0004: float32 logits of ~1e6 differ by whole units between products); a learnable one (CLIP's,
  // clamped at 100 by default) keeps the path at any value.
  if (!inputs.learnableScale && !(Math.abs(scale) <= maximumRowShift)) return undefined;
  return { rows: n, directions, positivesInDenominator, ...shiftsFor(scale, inputs.rowNormsAtMostOne === true, directions, positivesInDenominator) };
}

/**
 * The plan `planFor` would make for a call known by shapes and options (the resource guard): the same criteria on
 * the query's directions, decoupling, scale and unit rows (the loss's diagonal pairing stands for the ids; the
 * passes' `workingMatrices` answers for `applicable`). Absent: the composed kernel runs.
 */
function queryPlan<T>(passes: CrossViewPasses<T>, set: CrossViewQuery): CrossViewPlan | undefined {
  const { rows, directions, positivesInDenominator } = set;
  if ((directions === 1 && !passes.oneDirection) || (!positivesInDenominator && !passes.decoupled)) return undefined;
  const scale = set.scale ?? Number.NaN;
  if (!set.learnableScale && !(Math.abs(scale) <= maximumRowShift)) return undefined;
  return { rows, directions, positivesInDenominator, ...shiftsFor(scale, set.rowNormsAtMostOne, directions, positivesInDenominator) };
}

/**
 * One direction's row losses: `log1p(rest / e)` when the positive dominates (digits near zero), else
 * `log R + h - s_ii`; decoupled (positive not in the denominator): `log rest + h - s_ii` with `R = rest >= 1`.
 */
function directionLosses<T>(b: TensorBackend<T>, positiveLogits: T, shift: T, rest: T, positivesInDenominator: boolean) {
  if (!positivesInDenominator) return { losses: b.sub(b.add(b.log(rest), shift), positiveLogits), denominator: rest };
  const positive = b.exp(b.sub(positiveLogits, shift));
  const denominator = b.add(rest, positive);
  const general = b.sub(b.add(b.log(denominator), shift), positiveLogits);
  return { losses: b.where(b.greater(positive, rest), b.log1p(b.div(rest, positive)), general), denominator };
}

/**
 * The cross-view cross-entropy over one similarity matrix `s = scale * a p^T` with a diagonal pairing (key `i` is
 * anchor `i`'s positive), fused: `s` is formed once and both directions (CLIP, symmetric InfoNCE) or the rows only
 * (`directions: 1`: in-batch InfoNCE, the contrastive loss) read it; the positive in each denominator or, decoupled,
 * left out. Core holds the O(n D) math; a backend supplies the passes over the [n, n] matrix ({@link CrossViewPasses}).
 *
 * Forward: row `i` is shifted by its maximum `h_i`, column `j` by its maximum `g_j` (diagonal included), so every
 * `exp` argument is at most 0 and each line's largest term is exactly 1: nothing overflows or underflows that
 * matters at any scale (CLIP's learned scale 100 included), and the diagonal logits come from the same product, so
 * there is no bound on the scale. On rows of norm at most 1 with a scale known before the run and at most
 * `maximumConstantShift`, one constant shift `c = scale` serves both directions (one exponential matrix); above it
 * (or with the scale a run-time input, CLIP's) with both directions and the positives in the denominators, the plan
 * offers `presetShift`: one shift per line `h_i` chosen before the product from [n, D] dots (decision 0014). Each
 * direction's loss is `log1p(rest / e)` when the positive dominates, `rest` the shifted sum over the negatives.
 *
 * Backward, with `u = (w / 2) / R_row` and `v = (w / 2) / R_column`: `G = u E_r + E_c v` off the diagonal and
 * `G_ii = -(u_i rest_i + v_i rest'_i)` on it (the positives' coefficient from the negatives' mass, never
 * `softmax - 1`), `d a = scale G p`, `d p = scale G^T a`, `d scale = sum(G * a p^T) = sum(a * (G p))`. One
 * direction: `u = w / R_row`, `v = 0`, so `G p = u * (E_r p) + G_ii p` and `G^T a = E_r^T (u * a) + G_ii a` (two
 * products, no [n, n] elementwise pass). Decoupled: `R = rest` and `G_ii = -w_i` exactly (per direction's weight),
 * with each shift the maximum over the negatives (decision 0005).
 *
 * Returns a fused `crossViewCrossEntropy` that takes this path when the pairing (known before the run) is diagonal,
 * else the composed one; its `workingMatrices` is the passes' count where the path would run, else `undefined`.
 *
 * @param passes - The backend's passes over the [n, n] matrix, and its `knownValues`.
 *
 * @example
 * const backend = { ...base, fused: { ...base.fused, crossViewCrossEntropy: fusedCrossViewCrossEntropy(myPasses) } };
 *
 * @see [CLIP](/losses/clip)
 * @see [Decision 0014: cross-view preset shift](/contributing/decisions/0014-cross-view-preset-shift)
 */
export function fusedCrossViewCrossEntropy<T>(passes: CrossViewPasses<T>): CrossViewCrossEntropy<T> {
  const composed = composedCrossViewCrossEntropy<T>();
  return {
    workingMatrices(set) {
      const plan = queryPlan(passes, set);
      return plan ? passes.workingMatrices?.(plan) : undefined;
    },
    forward(b, inputs) {
      const plan = planFor(b, passes, inputs);
      if (!plan) return composed.forward(b, inputs);
      const pass = passes.forward(inputs.anchors, inputs.keys, inputs.scale, plan);
      const inDenominator = plan.positivesInDenominator !== false;
      const row = directionLosses(b, pass.positiveLogits, pass.rowShift, pass.rowRest, inDenominator);
      const column = plan.directions === 1 ? undefined : directionLosses(b, pass.positiveLogits, pass.columnShift!, pass.columnRest!, inDenominator);
      const losses = column ? b.mul(b.add(row.losses, column.losses), b.fill([], 0.5)) : row.losses;
      const saved: Saved<T> = {
        plan, inputs, state: pass.state, rowRest: pass.rowRest, rowDenominator: row.denominator,
        columnRest: pass.columnRest, columnDenominator: column?.denominator,
      };
      return { rowLosses: b.reshape(losses, [plan.rows]), saved };
    },

    backward(b, saved, rowWeights) {
      if (!saved || typeof saved !== 'object' || !('plan' in saved)) return composed.backward(b, saved, rowWeights);
      const { plan, inputs, state, rowRest, rowDenominator, columnRest, columnDenominator } = saved as Saved<T>;
      const { anchors: a, keys: p, scale } = inputs;
      const weights = b.reshape(rowWeights, [plan.rows, 1]);
      const half = plan.directions === 1 ? weights : b.mul(weights, b.fill([], 0.5));
      const inDenominator = plan.positivesInDenominator !== false;
      const u = b.div(half, rowDenominator);
      const v = columnDenominator === undefined ? undefined : b.div(half, columnDenominator);
      // The positive's coefficient: minus each direction's mass on the negatives (decoupled: exactly minus its weight).
      const mass = (weight: T, rest: T) => (inDenominator ? b.mul(weight, rest) : half);
      const rowMass = mass(u, rowRest);
      const diagonal = b.neg(v ? b.add(rowMass, mass(v, columnRest!)) : rowMass);
      const products = passes.products(a, p, plan, u, v, state);
      const anchorsProduct = b.add(products.anchors, b.mul(diagonal, p));
      const keysProduct = b.add(products.keys, b.mul(diagonal, a));
      const anchors = b.mul(anchorsProduct, scale);
      const keys = b.mul(keysProduct, scale);
      if (!inputs.learnableScale) return { anchors, keys };
      return { anchors, keys, scale: b.sum(b.sum(b.mul(a, anchorsProduct), 1, false), 0, false) };
    },
  };
}

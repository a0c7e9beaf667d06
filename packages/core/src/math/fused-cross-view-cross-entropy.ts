import type { TensorBackend } from '../tensor-backend.js';
import { composedCrossViewCrossEntropy, type CrossViewCrossEntropy, type CrossViewInputs } from './cross-view-cross-entropy.js';
import { maximumConstantShift } from './constant-shift-passes.js';
import type { CrossViewPasses, CrossViewPlan } from './fused-cross-view-passes.js';

export type { CrossViewForwardPass, CrossViewPasses, CrossViewPlan } from './fused-cross-view-passes.js';

interface Saved<T> {
  readonly plan: CrossViewPlan;
  readonly inputs: CrossViewInputs<T>;
  readonly state: unknown;
  readonly rowRest: T;
  readonly rowDenominator: T;
  readonly columnRest: T;
  readonly columnDenominator: T;
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

function planFor<T>(b: TensorBackend<T>, passes: CrossViewPasses<T>, inputs: CrossViewInputs<T>): CrossViewPlan | undefined {
  const { pairing } = inputs;
  if (!pairing.positivesInDenominator || (passes.applicable && !passes.applicable(inputs))) return undefined;
  const [n, d] = b.shape(inputs.anchors);
  const [m, e] = b.shape(inputs.keys);
  if (n === undefined || n !== m || d !== e) return undefined;
  const ids = [pairing.anchorIds, pairing.keyIds, pairing.anchorGroups, pairing.keyGroups].map((x) => passes.knownValues(x));
  if (ids.some((x) => !x) || !isDiagonal(ids[0]!, ids[1]!, ids[2]!, ids[3]!)) return undefined;
  const known = passes.knownValues(inputs.scale);
  const scale = known?.length === 1 ? known[0]! : Number.NaN;
  const constant = inputs.rowNormsAtMostOne === true && scale > 0 && scale <= maximumConstantShift;
  return constant ? { rows: n, constantShift: scale } : { rows: n };
}

/** One direction's row losses: `log1p(rest / e)` when the positive dominates (digits near zero), else `log R + h - s_ii`. */
function directionLosses<T>(b: TensorBackend<T>, positiveLogits: T, shift: T, rest: T) {
  const positive = b.exp(b.sub(positiveLogits, shift));
  const denominator = b.add(rest, positive);
  const general = b.sub(b.add(b.log(denominator), shift), positiveLogits);
  return { losses: b.where(b.greater(positive, rest), b.log1p(b.div(rest, positive)), general), denominator };
}

/**
 * CLIP's two-direction cross-entropy over one similarity matrix `s = scale * a p^T` (a diagonal pairing: key `i`
 * is anchor `i`'s positive, every key in the denominator), fused: `s` is formed once and both directions read it.
 * Core holds the O(n D) math; a backend supplies the passes over the [n, n] matrix ({@link CrossViewPasses}).
 *
 * Forward: row `i` is shifted by its maximum `h_i`, column `j` by its maximum `g_j` (diagonal included), so every
 * `exp` argument is at most 0 and each line's largest term is exactly 1: nothing overflows or underflows that
 * matters at any scale (CLIP's learned scale 100 included), and the diagonal logits come from the same product, so
 * there is no bound on the scale. On rows of norm at most 1 with a scale known before the run and at most
 * `maximumConstantShift`, one constant shift `c = scale` serves both directions (one exponential matrix). Each
 * direction's loss is `log1p(rest / e)` when the positive dominates, `rest` the shifted sum over the negatives.
 *
 * Backward, with `u = (w / 2) / R_row` and `v = (w / 2) / R_column`: `G = u E_r + E_c v` off the diagonal and
 * `G_ii = -(u_i rest_i + v_i rest'_i)` on it (the positives' coefficient from the negatives' mass, never
 * `softmax - 1`), `d a = scale G p`, `d p = scale G^T a`, `d scale = sum(G * a p^T) = sum(a * (G p))`.
 *
 * Returns a fused `crossViewCrossEntropy` that takes this path when the pairing (known before the run) is diagonal,
 * else the composed one.
 *
 * @param passes - The backend's passes over the [n, n] matrix, and its `knownValues`.
 *
 * @example
 * const backend = { ...base, fused: { ...base.fused, crossViewCrossEntropy: fusedCrossViewCrossEntropy(myPasses) } };
 *
 * @see [CLIP](/losses/clip)
 */
export function fusedCrossViewCrossEntropy<T>(passes: CrossViewPasses<T>): CrossViewCrossEntropy<T> {
  const composed = composedCrossViewCrossEntropy<T>();
  return {
    forward(b, inputs) {
      const plan = planFor(b, passes, inputs);
      if (!plan) return composed.forward(b, inputs);
      const pass = passes.forward(inputs.anchors, inputs.keys, inputs.scale, plan);
      const row = directionLosses(b, pass.positiveLogits, pass.rowShift, pass.rowRest);
      const column = directionLosses(b, pass.positiveLogits, pass.columnShift, pass.columnRest);
      const rowLosses = b.reshape(b.mul(b.add(row.losses, column.losses), b.fill([], 0.5)), [plan.rows]);
      const saved: Saved<T> = {
        plan, inputs, state: pass.state,
        rowRest: pass.rowRest, rowDenominator: row.denominator, columnRest: pass.columnRest, columnDenominator: column.denominator,
      };
      return { rowLosses, saved };
    },

    backward(b, saved, rowWeights) {
      if (!saved || typeof saved !== 'object' || !('plan' in saved)) return composed.backward(b, saved, rowWeights);
      const { plan, inputs, state, rowRest, rowDenominator, columnRest, columnDenominator } = saved as Saved<T>;
      const { anchors: a, keys: p, scale } = inputs;
      const half = b.mul(b.reshape(rowWeights, [plan.rows, 1]), b.fill([], 0.5));
      const u = b.div(half, rowDenominator);
      const v = b.div(half, columnDenominator);
      const diagonal = b.neg(b.add(b.mul(u, rowRest), b.mul(v, columnRest)));
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

import { composedWorkingMatrices } from '../contract/working-set.js';
import {
  composedSimilarityCrossEntropy,
  type Pairing,
  type SimilarityCrossEntropy,
  type SimilarityCrossEntropyInputs,
  type SimilarityCrossEntropySaved,
} from './similarity-cross-entropy.js';
import { symmetricPairing, type SymmetricPairing } from './symmetric-pairing.js';

/**
 * Largest `scale` for which `exp(-2 scale)` is a normal float32 with room to spare.
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 *
 * @example
 * const applies = 1 / temperature <= maximumConstantShift; // temperature >= 0.025
 *
 */
export const maximumConstantShift = 40;

/**
 * What the constant-shift passes are given: the pairing structure and the scale (the shift `c`).
 *
 * @example
 * const plan: ConstantShiftPlan = { pairing: symmetricPairing(hostPairing)!, scale: 1 / temperature };
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 */
export interface ConstantShiftPlan {
  /** The excluded keys and positives of every row, as index tables. */
  readonly pairing: SymmetricPairing;
  /** The similarity scale `c` (`1 / temperature`), also the constant shift. */
  readonly scale: number;
}

/**
 * The backend's part: the passes over the [n, n] exponentials, and reading values known before the run.
 *
 * @see [Decision 0004: constant shift](/contributing/decisions/0004-constant-shift-symmetric-kernel)
 *
 * @example
 * const passes: ConstantShiftPasses<T> = { knownValues, gatherRows, restSums, symmetricProduct };
 *
 */
export interface ConstantShiftPasses<T> {
  /** The values of a tensor fixed before the computation runs (constants, host data), else `undefined`. */
  knownValues(x: T): ArrayLike<number> | undefined;
  /** `x[rows[i], :]` for a [n, w] tensor. */
  gatherRows(x: T, rows: Int32Array): T;
  /** `rest = E' 1` ([n, 1]) and whatever the backward needs from this pass (`E'` itself, or nothing). */
  restSums(
    z: T,
    plan: ConstantShiftPlan,
  ): {
    /** [n, 1] the row sums of `E'`. */
    rest: T;
    /** Whatever `symmetricProduct` needs from this pass. */
    state: unknown;
  };
  /** `[E' (u_i + u_j)] z` ([n, D]) for `u` [n, 1]. */
  symmetricProduct(z: T, plan: ConstantShiftPlan, u: T, state: unknown): T;
  /** Matrices of [n, n] the passes keep alive at once, for the resource guard. Default 3. */
  readonly workingMatrices?: number;
  /** Backend-specific reasons not to take the path (float16 storage, ...). Default: none. */
  readonly applicable?: (inputs: SimilarityCrossEntropyInputs<T>) => boolean;
}

interface Saved<T> {
  readonly plan: ConstantShiftPlan;
  readonly state: unknown;
  readonly denominator: T;
  readonly positiveRows: readonly T[];
  readonly positiveExps: readonly T[];
}

function planFor<T>(passes: ConstantShiftPasses<T>, inputs: SimilarityCrossEntropyInputs<T>): ConstantShiftPlan | undefined {
  if (!inputs.keysAreAnchors || inputs.learnableScale || !inputs.rowNormsAtMostOne) return undefined;
  if (passes.applicable && !passes.applicable(inputs)) return undefined;
  const scaleValues = passes.knownValues(inputs.scale);
  const scale = scaleValues?.length === 1 ? scaleValues[0]! : Number.NaN;
  if (!(scale > 0 && scale <= maximumConstantShift)) return undefined;
  const ids = (p: Pairing<T>) => [p.anchorIds, p.keyIds, p.anchorGroups, p.keyGroups].map((x) => passes.knownValues(x));
  const [anchorIds, keyIds, anchorGroups, keyGroups] = ids(inputs.pairing);
  if (!anchorIds || !keyIds || !anchorGroups || !keyGroups) return undefined;
  const pairing = symmetricPairing({ anchorIds, keyIds, anchorGroups, keyGroups, positivesInDenominator: inputs.pairing.positivesInDenominator });
  return pairing && { pairing, scale };
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
 * Backward: `(G + G^T) z = [E' (u_i + u_j)] z + sum_p (e_ip (u_i + u_p) - (w_i + w_p) / k) z_p`, `u = w / R`.
 * It applies when every `exp` argument (>= -2c) stays a normal float32: `2c <= 80`.
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
      const { rest, state } = passes.restSums(z, plan);
      const scaleTensor = b.fill([], scale);
      const positiveRows = pairing.positives.map((rows) => passes.gatherRows(z, rows));
      const positiveLogits = positiveRows.map((rows) => b.mul(b.sum(b.mul(z, rows), 1, true), scaleTensor));
      const positiveExps = positiveLogits.map((logit) => b.exp(b.sub(logit, scaleTensor)));
      const denominator = positiveExps.reduce((sum, e) => b.add(sum, e), rest);
      const logSumExp = b.add(b.log(denominator), scaleTensor);
      const positiveMean = b.div(positiveLogits.reduce((sum, s) => b.add(sum, s)), b.fill([], k));
      let rowLosses = b.sub(logSumExp, positiveMean);
      if (k === 1) {
        const positive = positiveExps[0]!;
        rowLosses = b.where(b.greater(positive, rest), b.log1p(b.div(rest, positive)), rowLosses);
      }
      const saved: Saved<T> = { plan, state, denominator, positiveRows, positiveExps };
      return { rowLosses: b.reshape(rowLosses, [n]), positiveCounts: b.fill([n], k), saved: { inputs, logSumExp, extra: saved } };
    },

    // Two [n, n] passes and what they keep (the backend's E' at most); the composed kernel otherwise.
    workingMatrices: (set) => (set.constantShift ? (passes.workingMatrices ?? 3) : composedWorkingMatrices),

    backward(b, saved: SimilarityCrossEntropySaved<T>, rowWeights) {
      const extra = saved.extra as Saved<T> | object | undefined;
      if (!extra || !('plan' in extra)) return composed.backward(b, saved, rowWeights);
      const { plan, state, denominator, positiveRows, positiveExps } = extra;
      const n = plan.pairing.rows;
      const k = plan.pairing.positives.length;
      const z = saved.inputs.anchors;
      const weights = b.reshape(rowWeights, [n, 1]);
      const u = b.div(weights, denominator);
      let gradient = passes.symmetricProduct(z, plan, u, state);
      plan.pairing.positives.forEach((rows, t) => {
        const pairedU = passes.gatherRows(u, rows);
        const pairedWeights = passes.gatherRows(weights, rows);
        const softmaxPart = b.mul(positiveExps[t]!, b.add(u, pairedU));
        const coefficient = b.sub(softmaxPart, b.div(b.add(weights, pairedWeights), b.fill([], k)));
        gradient = b.add(gradient, b.mul(coefficient, positiveRows[t]!));
      });
      return { anchors: b.mul(gradient, b.fill([], plan.scale)) };
    },
  };
}


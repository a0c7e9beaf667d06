/**
 * What a loss declares so that core can check every call the same way on every backend (see `check-call.ts`):
 * the role of each tensor input, the magnitudes its math must represent for given options and inputs, and the
 * working set it allocates. A loss without a contract gets the defaults: every input is `embeddings`.
 */
import type { CrossViewQuery } from '../math/cross-view-cross-entropy.js';
import type { Shape } from '../tensor-backend.js';
import type { PrecisionLimits } from './precision-limits.js';

/**
 * - `embeddings`: floating-point values, finite in the backend's precision.
 * - `labels`: class ids, integers exactly representable in the backend's precision; int32 tensors accepted.
 * - `scale`: a scalar multiplier, finite and > 0 (CLIP's `logitScale`).
 * - `scalar`: a finite scalar (SigLIP's `logTemperature` and `bias`).
 *
 * @example
 * const contract = { roles: { embeddings: 'embeddings', labels: 'labels' } } satisfies Partial<LossContract<'embeddings' | 'labels', object>>;
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export type InputRole = 'embeddings' | 'labels' | 'scale' | 'scalar';

/**
 * What is known on the host about one input's values (absent when its values live only on a device).
 *
 * @example
 * const facts = checkKnownValues(values, [4, 8], 'embeddings', 'anchors', 'float32'); // InputFacts
 *
 * @see [Guarantees](/guides/guarantees)
 */
export interface InputFacts {
  /** Largest absolute value. */
  readonly maxAbs: number;
  /** Largest L2 norm of a row (of the last axis), computed without overflow. */
  readonly maxRowNorm: number;
  /** Smallest L2 norm of a row (0 for a zero row). */
  readonly minRowNorm: number;
  /** The value itself, for scalars. */
  readonly scalar?: number;
}

/**
 * One magnitude the math must represent: it must stay at or below the precision's intermediate limit.
 *
 * @example
 * const magnitude: Magnitude = { argument: 'options.temperature', quantity: '1 / temperature', value: 1 / 0.01 };
 *
 * @see [Guarantees](/guides/guarantees)
 */
export interface Magnitude {
  /** The argument to blame: an input (`anchors`) or an option (`options.temperature`). */
  readonly argument: string;
  /** What the value is, for the message: `1 / temperature`, `the largest logit |logitScale| * norms`. */
  readonly quantity: string;
  /** Its value. */
  readonly value: number;
  /** Its own limit in the precision; default `limits.intermediate`. */
  readonly limit?: (limits: PrecisionLimits) => number;
}

/**
 * The largest matrix a loss builds: `matrices` float matrices of `rows x columns` alive at once (composed path).
 *
 * @example
 * const set = ntXent.contract?.workingSet?.({ anchors: [4096, 128], positives: [4096, 128] }, ntXent.defaults);
 *
 * @see [Guarantees](/guides/guarantees)
 */
export interface WorkingSet {
  /** Rows of the matrix (anchors). */
  readonly rows: number;
  /** Columns of the matrix (keys). */
  readonly columns: number;
  /** True when the keys are the anchors themselves (a fused constant-shift kernel may then apply). */
  readonly selfSimilarity: boolean;
  /** The scale of the similarities when known from options (`1 / temperature`), for the fused kernels' criteria. */
  readonly scale?: number;
  /** Whether rows are L2-normalised first (a fused constant-shift kernel needs it). */
  readonly normalized: boolean;
  /** Live matrices of this size for a loss that does not run the similarity kernel (SigLIP, uniformity). */
  readonly matrices?: number;
  /**
   * The fused kernel whose `workingMatrices` counts this set when the backend overrides it: `sigmoidPairwise`
   * (else `matrices`), `crossViewCrossEntropy` with `crossView` (else the similarity kernel's count).
   */
  readonly fusedKernel?: 'sigmoidPairwise' | 'crossViewCrossEntropy';
  /** What the cross-view kernel's plan needs (CLIP, in-batch InfoNCE, the contrastive loss); its `rows` are the pairs. */
  readonly crossView?: CrossViewQuery;
  /** Whether the positives may come from groups read at run time (SupCon without memory; see `WorkingSetQuery`). */
  readonly runtimeGroups?: boolean;
}

/**
 * The checks every call of a loss gets beyond its own `validate`: each input's role, the magnitudes the math must
 * represent, and the working set for the memory check.
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 *
 * @example
 * const roles = clip.contract?.roles; // { anchors: 'embeddings', positives: 'embeddings', logitScale: 'scale' }
 *
 */
export interface LossContract<I extends string, O> {
  /** The role of each input, which decides its value checks. */
  readonly roles: { readonly [K in I]: InputRole };
  /** Magnitudes for the given options; `facts` holds what is known on the host (nothing for device values). */
  magnitudes?(options: O, facts: { readonly [K in I]?: InputFacts }): readonly Magnitude[];
  /**
   * Magnitudes that need the values themselves (pairwise distances, say), when every input's values are known on
   * the host: float64 arrays by input name.
   */
  valueMagnitudes?(options: O, values: { readonly [K in I]?: { readonly values: ArrayLike<number>; readonly shape: Shape } }): readonly Magnitude[];
  /** The similarity matrix the loss builds, from the input shapes; absent for losses of O(N D) memory. */
  workingSet?(shapes: { readonly [K in I]?: Shape }, options: O): WorkingSet | undefined;
}

/**
 * Magnitudes of a similarity-softmax loss: the scale itself and the largest logit, `scale * |a| |b|` (norms 1
 * when the rows are L2-normalised).
 */
export function similarityMagnitudes(
  scale: { readonly argument: string; readonly quantity: string; readonly value: number },
  normalize: boolean,
  first: { readonly argument: string; readonly facts: InputFacts | undefined },
  second: { readonly argument: string; readonly facts: InputFacts | undefined } = first,
): Magnitude[] {
  const result: Magnitude[] = [scale];
  if (normalize) return result;
  if (!first.facts || !second.facts) return result;
  const value = scale.value * first.facts.maxRowNorm * second.facts.maxRowNorm;
  const blame = first.facts.maxRowNorm >= second.facts.maxRowNorm ? first.argument : second.argument;
  result.push({ argument: blame, quantity: `the largest logit (${scale.quantity} times the largest row norms, normalize: false)`, value });
  return result;
}

/**
 * The gradient through the L2 normalisation divides by each row's norm (clamped at 1e-12): with a scale (1 /
 * temperature, a logit scale) on the similarities, the largest gradient is about `scale / max(smallest norm, 1e-12)`.
 */
export function normalizationGradient(
  scale: { readonly argument: string; readonly value: number },
  facts: readonly (InputFacts | undefined)[],
): Magnitude[] {
  const known = facts.filter((fact): fact is InputFacts => fact !== undefined);
  if (known.length === 0) return [];
  const smallest = Math.max(Math.min(...known.map((fact) => fact.minRowNorm)), 1e-12);
  const quantity = 'the gradient through the normalisation, scale / (smallest row norm, at least 1e-12)';
  return [{ argument: scale.argument, quantity, value: scale.value / smallest }];
}

/**
 * The contract of the similarity-softmax losses scaled by `1 / temperature` (NT-Xent, SimCLR InfoNCE, SupCon,
 * DCL, InfoNCE, the origin contrastive loss): `1 / temperature` and the largest logit, `|a| |b| / temperature`
 * over the embedding inputs (1 / temperature when rows are L2-normalised), must stay representable.
 */
import type { Shape } from '../tensor-backend.js';
import { normalizationGradient, type InputFacts, type InputRole, type LossContract, type Magnitude, type WorkingSet } from './loss-contract.js';

interface TemperatureOptions {
  readonly temperature: number;
  readonly normalize?: boolean;
}

export function temperatureContract<I extends string, O extends TemperatureOptions>(
  roles: { readonly [K in I]: InputRole },
  workingSet: (shapes: { readonly [K in I]?: Shape }, options: O) => WorkingSet | undefined,
): LossContract<I, O> {
  return {
    roles,
    magnitudes: (options, facts) => {
      const scale = 1 / options.temperature;
      const result: Magnitude[] = [{ argument: 'options.temperature', quantity: '1 / temperature', value: scale }];
      if (options.normalize ?? true) {
        const embeddings = (Object.keys(roles) as I[]).filter((name) => roles[name] === 'embeddings');
        return [...result, ...normalizationGradient({ argument: 'options.temperature', value: scale }, embeddings.map((name) => facts[name]))];
      }
      const largest = largestRowNorm(roles, facts);
      if (largest) {
        const quantity = 'the largest logit, (largest row norm)^2 / temperature with normalize: false';
        result.push({ argument: largest.argument, quantity, value: scale * largest.norm * largest.norm });
      }
      return result;
    },
    workingSet,
  };
}

/** The embedding input with the largest row norm, when every embedding input's values are known. */
export function largestRowNorm<I extends string>(
  roles: { readonly [K in I]: InputRole },
  facts: { readonly [K in I]?: InputFacts },
): { argument: I; norm: number } | undefined {
  let largest: { argument: I; norm: number } | undefined;
  for (const name of Object.keys(roles) as I[]) {
    if (roles[name] !== 'embeddings') continue;
    const known = facts[name];
    if (!known) continue;
    if (!largest || known.maxRowNorm > largest.norm) largest = { argument: name, norm: known.maxRowNorm };
  }
  return largest;
}

/** The working set of a [rows, rows] self-similarity (NT-Xent, SimCLR InfoNCE, SupCon). */
export function selfSimilarity(rows: number, options: TemperatureOptions): WorkingSet {
  return { rows, columns: rows, selfSimilarity: true, normalized: options.normalize ?? true, scale: 1 / options.temperature };
}

/** The working set of a [rows, columns] cross-view similarity (CLIP, InfoNCE, DCL, the origin loss). */
export function crossSimilarity(rows: number, columns: number, normalized: boolean, scale?: number): WorkingSet {
  return { rows, columns, selfSimilarity: false, normalized, ...(scale === undefined ? {} : { scale }) };
}

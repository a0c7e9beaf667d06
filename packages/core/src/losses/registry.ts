import * as definitions from './definitions.generated.js';

/**
 * Every loss by its export name, for tools that iterate over all of them (conformance, examples, benchmarks).
 * A plain object built from imports: importing it registers nothing anywhere. Its entries are every
 * `export const <key>: LossDefinition<...>` of `packages/core/src/losses/*.ts`, collected into
 * `definitions.generated.ts` by `scripts/generate-loss-index.mjs` (decision 0008), so no list here names a loss.
 *
 * @example
 * for (const [key, loss] of Object.entries(losses)) console.log(key, loss.name, loss.inputs);
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export const losses = { ...definitions } as const;

/**
 * The key of a loss in {@link losses} (the export name, e.g. `'ntXent'`).
 *
 * @example
 * const name: LossName = 'ntXent';
 * const loss = losses[name];
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export type LossName = keyof typeof losses;

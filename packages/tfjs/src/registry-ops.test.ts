/**
 * Every loss of core's registry is a tfjs op exported from this package under its registry key, running that very
 * definition: a loss added to the registry without its op in losses.ts (and index.ts) fails here, at the typecheck
 * and at run time.
 */
import { losses, type LossName } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import * as tfjsPackage from './index.js';

/** `true` only when every registry key is an export of the package (else the typecheck fails below). */
type EveryLossExported = [Exclude<LossName, keyof typeof tfjsPackage>] extends [never] ? true : false;
const everyLossExported: EveryLossExported = true;

describe('tfjs ops for the losses registry', () => {
  it.each(Object.keys(losses) as LossName[])('%s is exported as a tfjs op over core’s definition', (key) => {
    const op = (tfjsPackage as Record<string, unknown>)[key] as { definition?: unknown } | undefined;
    expect(typeof op, `export ${key} from packages/tfjs/src/losses.ts and index.ts`).toBe('function');
    expect(op!.definition).toBe(losses[key]);
    expect(everyLossExported).toBe(true);
  });
});

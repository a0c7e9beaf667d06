/**
 * Every loss of core's registry is a tfjs op exported from this package under its registry key, running that very
 * definition. The ops are generated from core's loss files (scripts/generate-loss-index.mjs, decision 0008): a
 * registry loss the generation missed fails here, at the typecheck and at run time, and so do positional types that
 * do not follow the definition (`inputs` in order, `optionalInputs` optional).
 */
import { losses, type LossName } from '@contrastive/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as tfjsPackage from './index.js';

/** `true` only when every registry key is an export of the package (else the typecheck fails below). */
type EveryLossExported = [Exclude<LossName, keyof typeof tfjsPackage>] extends [never] ? true : false;
const everyLossExported: EveryLossExported = true;

/** Typechecked, never called: optional inputs may be left out (or passed as `undefined` before options). */
export function positionalTypes(a: Tensor, labels: Tensor, logitScale: Tensor): Tensor[] {
  return [
    tfjsPackage.infoNce(a, a),
    tfjsPackage.infoNce(a, a, undefined, { temperature: 0.1 }),
    tfjsPackage.infoNce(a, a, a),
    tfjsPackage.supCon(a, labels),
    tfjsPackage.supCon(a, labels, undefined, undefined, { views: 1 }),
    tfjsPackage.supCon(a, labels, a, labels),
    tfjsPackage.clip(a, a, logitScale, { normalize: true }),
    // @ts-expect-error -- logitScale is a required input of clip
    tfjsPackage.clip(a, a, { normalize: true }),
  ];
}

describe('tfjs ops for the losses registry', () => {
  it.each(Object.keys(losses) as LossName[])('%s is exported as a tfjs op over core’s definition', (key) => {
    const op = (tfjsPackage as Record<string, unknown>)[key] as { definition?: unknown } | undefined;
    expect(typeof op, `export ${key}: run \`pnpm generate\``).toBe('function');
    expect(op!.definition).toBe(losses[key]);
    expect(everyLossExported).toBe(true);
  });
});

/**
 * Every loss of core's registry has a case spec (its random inputs and invariants), and every spec belongs to a
 * registered loss: a new loss cannot run the suite with no invariant checks, and a renamed one leaves no stale entry.
 */
import { losses } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { CaseRegistry, type CaseBody } from './case-registry.js';
import { derivedCaseSpec, lossCaseSpecs } from './loss-case-specs.js';
import { RandomSource } from './random-source.js';
import { registerInvariants } from './suites/invariants.js';

const registered = Object.values(losses);

describe('loss case specs', () => {
  it.each(registered.map((definition) => [definition.name, definition] as const))(
    '%s has a case spec whose random cases cover exactly its inputs',
    (name, definition) => {
      const spec = lossCaseSpecs[name];
      expect(spec, `lossCaseSpecs['${name}'] in packages/conformance/src/loss-case-specs.ts`).toBeDefined();
      const given = new Set<string>();
      for (const variant of [0, 1, 2]) {
        const { inputs } = spec!.randomCase(new RandomSource(`${name}/${variant}`), variant);
        for (const input of Object.keys(inputs)) given.add(input);
      }
      expect([...given].sort(), 'inputs over the first three random cases').toEqual([...definition.inputs].sort());
    },
  );

  it('a loss without a case spec gets a failing invariant case, not a silent skip', async () => {
    const registry = new CaseRegistry<unknown>(() => Promise.reject(new Error('not used')), { expectedFailures: [] });
    const recorded: [string, CaseBody<unknown>][] = [];
    registry.test = (id, body) => void recorded.push([id, body]);
    registerInvariants(registry, [{ ...losses.ntXent, name: 'zz-dry-run' }]);
    expect(recorded.map(([id]) => id)).toEqual(['invariant/zz-dry-run/case-spec']);
    await expect(async () => recorded[0]![1](undefined as never)).rejects.toThrow(/"zz-dry-run" has no case spec/);
  });

  it('derives a spec from a definition of required embedding inputs, covering exactly its inputs', () => {
    const spec = derivedCaseSpec({ ...losses.alignment, name: 'zz-dry-run' });
    expect(spec).toBeDefined();
    const { inputs } = spec!.randomCase(new RandomSource('zz-dry-run/0'), 0);
    expect(Object.keys(inputs).sort()).toEqual([...losses.alignment.inputs].sort());
    expect(spec!.sampleBlocks!({})).toEqual({ anchors: 1, positives: 1 });
    expect(spec!.scaleInvariantOptions, 'alignment normalises by default').toEqual({});
  });

  it.each([
    ['labels', losses.supCon],
    ['a scale input', losses.clip],
    ['a symmetric option', losses.dcl],
    ['a views option', losses.simclrInfoNce],
    ['an optional input', losses.infoNce],
  ] as const)('derives no spec for a loss with %s (it needs a hand-written one)', (_, definition) => {
    expect(derivedCaseSpec(definition)).toBeUndefined();
  });

  it('names only registered losses', () => {
    const names = registered.map((definition) => definition.name);
    for (const key of Object.keys(lossCaseSpecs)) expect(names, `lossCaseSpecs['${key}']`).toContain(key);
  });
});

import { createReferenceBackend } from '@contrastive/core';
import type { CaseRegistry } from '../case-registry.js';
import { compareEvaluations } from '../compare-values.js';
import { evaluateLoss, type AnyLossDefinition } from '../evaluate-loss.js';
import { genericSpec, lossCaseSpecs } from '../loss-case-specs.js';
import { RandomSource } from '../random-source.js';
import { tolerances } from '../tolerances.js';

/**
 * `count` seeded random cases per loss, each run on the backend under test and on the float64 reference backend,
 * compared at the tolerance of the backend's precision. Ids: `random/<loss>/<k>`.
 */
export function registerRandomCases<T>(registry: CaseRegistry<T>, definitions: readonly AnyLossDefinition[], count: number): void {
  for (const definition of definitions) {
    const spec = lossCaseSpecs[definition.name] ?? genericSpec(definition.inputs);
    for (let variant = 0; variant < count; variant++) {
      const id = `random/${definition.name}/${variant}`;
      registry.test(id, async (backend) => {
        const { inputs, options } = spec.randomCase(new RandomSource(id), variant);
        const expected = await evaluateLoss(createReferenceBackend(), definition, inputs, options);
        const actual = await evaluateLoss(backend, definition, inputs, options);
        compareEvaluations(actual, expected, tolerances[backend.capabilities.precision]);
      });
    }
  }
}

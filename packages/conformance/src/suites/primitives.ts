import { disposeAll } from '@contrastive/core';
import type { CaseRegistry } from '../case-registry.js';
import { assertNoMismatches, compareValues } from '../compare-values.js';
import { readAll } from '../evaluate-loss.js';
import { tolerances } from '../tolerances.js';
import { primitiveCases } from './primitive-cases.js';

/** Each primitive on edge cases, read back and compared with the plain-JavaScript expectation. */
export function registerPrimitives<T>(registry: CaseRegistry<T>): void {
  // The case list depends on the precision only through its extremes; ids are the same for every precision.
  for (const { id } of primitiveCases('float64')) {
    registry.test(`primitive/${id}`, async (backend) => {
      const precision = backend.capabilities.precision;
      const primitiveCase = primitiveCases(precision).find((c) => c.id === id)!;
      const result = backend.scope(() => primitiveCase.build(backend));
      try {
        const { value } = await readAll(backend, { value: result });
        assertNoMismatches([compareValues(id, value!, primitiveCase.expected, tolerances[precision], 'primitive')]);
      } finally {
        disposeAll(backend, result);
      }
    });
  }
}

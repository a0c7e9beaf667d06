import { createReferenceBackend } from '@contrastive/core';
import type { CaseRegistry } from '../case-registry.js';
import { assertNoMismatches, compareValues } from '../compare-values.js';
import { evaluateLoss, type AnyLossDefinition } from '../evaluate-loss.js';
import type { HostInputs, HostTensor } from '../fixture-types.js';
import { genericSpec, lossCaseSpecs } from '../loss-case-specs.js';
import { RandomSource } from '../random-source.js';
import { finiteDifferences } from '../tolerances.js';

const tolerance = { loss: 0, gradient: finiteDifferences.gradient, primitive: 0 };

/**
 * Central finite differences of `sum(loss)` for every coordinate of every gradient input, on a small random case,
 * against the analytic backward. Always on the float64 reference backend (float32 differences are too coarse),
 * whatever the backend under test: it checks core's backward once per suite run. Ids: `finite-differences/<loss>`.
 */
export function registerFiniteDifferences<T>(registry: CaseRegistry<T>, definitions: readonly AnyLossDefinition[]): void {
  for (const definition of definitions) {
    const id = `finite-differences/${definition.name}`;
    registry.test(id, async () => {
      const reference = createReferenceBackend();
      const spec = lossCaseSpecs[definition.name] ?? genericSpec(definition.inputs);
      const base = spec.randomCase(new RandomSource(id), 0);
      const options = { ...base.options, ...spec.finiteDifferenceOptions };
      const analytic = await evaluateLoss(reference, definition, base.inputs, options);
      const total = async (inputs: HostInputs) => {
        const { loss } = (await evaluateLoss(reference, definition, inputs, options, false)).outputs;
        return Array.from(loss!.values).reduce((sum, v) => sum + v, 0);
      };
      const mismatches: (string | undefined)[] = [];
      for (const name of definition.gradientInputs) {
        const x = base.inputs[name];
        if (!x) continue;
        const numeric: number[] = [];
        for (let k = 0; k < x.values.length; k++) {
          const shifted = (delta: number): HostInputs => ({ ...base.inputs, [name]: nudge(x, k, delta) });
          const h = finiteDifferences.step;
          numeric.push(((await total(shifted(h))) - (await total(shifted(-h)))) / (2 * h));
        }
        const actual = analytic.gradients[name];
        const what = `gradient of ${name} (analytic vs central differences)`;
        mismatches.push(actual ? compareValues(what, actual, { shape: x.shape, values: numeric }, tolerance, 'gradient') : `${what}: not produced`);
      }
      assertNoMismatches(mismatches);
    });
  }
}

function nudge(x: HostTensor, index: number, delta: number): HostTensor {
  return { shape: x.shape, values: x.values.map((v, i) => (i === index ? v + delta : v)) };
}

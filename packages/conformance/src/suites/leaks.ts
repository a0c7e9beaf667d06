import { computeLossAndGradients, ContrastiveInputError, disposeAll, type TensorBackend } from '@contrastive/core';
import type { CaseRegistry } from '../case-registry.js';
import { createInputs, readAll, type AnyLossDefinition } from '../evaluate-loss.js';
import { dimension, genericSpec, lossCaseSpecs } from '../loss-case-specs.js';
import { RandomSource } from '../random-source.js';

function expectLiveCount<T>(backend: TensorBackend<T>, expected: number, when: string): void {
  const live = backend.liveCount();
  if (live !== expected) throw new Error(`${live - expected} tensor(s) leaked ${when} (liveCount ${live}, expected ${expected})`);
}

/**
 * No leaked handles: `computeLossAndGradients` then `disposeAll` returns `liveCount()` to where it was, and a call
 * with a bad input throws `ContrastiveInputError` naming that input and creates nothing.
 * Ids: `leaks/<loss>/compute` and `leaks/<loss>/bad-input`.
 */
export function registerLeakChecks<T>(registry: CaseRegistry<T>, definitions: readonly AnyLossDefinition[]): void {
  for (const definition of definitions) {
    const spec = lossCaseSpecs[definition.name] ?? genericSpec(definition.inputs);
    registry.test(`leaks/${definition.name}/compute`, async (backend) => {
      const { inputs, options } = spec.randomCase(new RandomSource(`leaks/${definition.name}`), 0);
      const before = backend.liveCount();
      const tensors = createInputs(backend, inputs);
      const withInputs = backend.liveCount();
      const result = computeLossAndGradients(backend, definition, tensors, options);
      await readAll(backend, { loss: result.loss, ...(result.gradients as Record<string, T | undefined>) });
      disposeAll(backend, result);
      expectLiveCount(backend, withInputs, 'by computeLossAndGradients');
      disposeAll(backend, tensors);
      expectLiveCount(backend, before, 'after disposing the inputs');
    });
    registry.test(`leaks/${definition.name}/bad-input`, async (backend) => {
      const { inputs, options } = spec.randomCase(new RandomSource(`leaks/${definition.name}`), 0);
      const name = definition.inputs[0]!;
      const before = backend.liveCount();
      // A rank-1 tensor where every loss takes a [rows, dimension] matrix first.
      const others = Object.fromEntries(Object.entries(inputs).filter(([input]) => input !== name));
      const tensors = { ...createInputs(backend, others), [name]: backend.fill([dimension], 1) };
      const withInputs = backend.liveCount();
      let thrown: unknown;
      try {
        disposeAll(backend, computeLossAndGradients(backend, definition, tensors, options));
      } catch (error) {
        thrown = error;
      }
      expectLiveCount(backend, withInputs, 'by the failed call');
      disposeAll(backend, tensors);
      expectLiveCount(backend, before, 'after disposing the inputs');
      if (!(thrown instanceof ContrastiveInputError)) {
        throw new Error(`a rank-1 "${name}" should throw ContrastiveInputError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
      }
      if (thrown.argument !== name) throw new Error(`the error names "${thrown.argument}", expected "${name}": ${thrown.message}`);
    });
  }
}

/**
 * The bad-input matrix of the call contract: for every loss, each class of bad input (shape, dtype, disposed,
 * missing, non-finite on the host and on the device, labels, scales, options, upstream, misuse) must throw
 * `ContrastiveInputError` naming the argument, at the call or at the read, and leave no tensor alive.
 * Ids: `contract/<loss>/<class>/<argument>`.
 */
import { precisionLimits, type InputRole, type LossContract, type TensorBackend } from '@contrastive/core';
import { skipCase, type CaseRegistry } from '../case-registry.js';
import { createInputs, type AnyLossDefinition } from '../evaluate-loss.js';
import type { HostInputs, HostTensor } from '../fixture-types.js';
import { dimension, genericSpec, lossCaseSpecs } from '../loss-case-specs.js';
import { RandomSource } from '../random-source.js';
import { expectInputError, runCall } from './contract-support.js';

type Build<T> = (
  b: TensorBackend<T>,
  inputs: Record<string, T>,
) => { inputs?: Record<string, unknown>; options?: unknown; upstream?: T; owned?: T[]; callBackend?: unknown };

const roleOf = (definition: AnyLossDefinition, name: string): InputRole =>
  (definition.contract as LossContract<string, object> | undefined)?.roles[name] ?? 'embeddings';

const withValue = (tensor: HostTensor, index: number, value: number): HostTensor => ({
  shape: tensor.shape,
  values: tensor.values.map((v, i) => (i === index ? value : v)),
});

export function registerBadInputContract<T>(registry: CaseRegistry<T>, definitions: readonly AnyLossDefinition[]): void {
  for (const definition of definitions) {
    const spec = lossCaseSpecs[definition.name] ?? genericSpec(definition.inputs);
    const base = spec.randomCase(new RandomSource(`contract/${definition.name}`), 0);
    const present = Object.keys(base.inputs);
    const first = definition.inputs[0]!;
    const bad = (id: string, argument: string, build: Build<T>, host: HostInputs = base.inputs) =>
      registry.test(`contract/${definition.name}/${id}`, async (backend) => {
        const outcome = await runCall(backend, (b) => {
          const inputs = createInputs(b, host);
          const call = build(b, inputs);
          const owned = [...Object.values(inputs), ...(call.owned ?? [])];
          return {
            inputs: 'inputs' in call ? call.inputs! : inputs,
            options: 'options' in call ? call.options : base.options,
            owned,
            ...(call.upstream ? { upstream: call.upstream } : {}),
            ...('callBackend' in call ? { callBackend: call.callBackend } : {}),
          };
        }, definition);
        expectInputError(outcome, argument);
      });

    for (const name of present) {
      bad(`shape/${name}`, name, (b, inputs) => {
        const wrong = b.fill([1, 1, 1, dimension], 1);
        return { inputs: { ...inputs, [name]: wrong }, owned: [wrong] };
      });
      if (roleOf(definition, name) === 'labels') continue;
      bad(`non-finite/${name}`, name, () => ({}), { ...base.inputs, [name]: withValue(base.inputs[name]!, 0, Infinity) });
      bad(`device-non-finite/${name}`, name, (b, inputs) => {
        const host = base.inputs[name]!;
        const factors = b.fromArray(host.values.map((_, i) => (i === 0 ? Infinity : 1)), host.shape);
        const computed = b.mul(inputs[name]!, factors);
        return { inputs: { ...inputs, [name]: computed }, owned: [factors, computed] };
      });
    }
    bad(`missing/${first}`, first, (_, inputs) => ({ inputs: Object.fromEntries(Object.entries(inputs).filter(([key]) => key !== first)) }));
    registry.test(`contract/${definition.name}/disposed/${first}`, async (backend) => {
      if (!backend.isDisposed) skipCase('the backend has no isDisposed hook (optional): use after dispose is its own error');
      const outcome = await runCall(backend, (b) => {
        const inputs = createInputs(b, base.inputs);
        b.dispose(inputs[first]!);
        return { inputs, options: base.options, owned: Object.values(inputs) };
      }, definition);
      expectInputError(outcome, first);
    });
    registry.test(`contract/${definition.name}/dtype/${first}`, async (backend) => {
      if (!backend.dtype) skipCase('the backend has no dtype hook (optional): all its tensors are floating point');
      const outcome = await runCall(backend, (b) => {
        const inputs = createInputs(b, base.inputs);
        const zero = b.fill([], 0);
        const mask = b.greater(inputs[first]!, zero);
        return { inputs: { ...inputs, [first]: mask }, options: base.options, owned: [...Object.values(inputs), zero, mask] };
      }, definition);
      expectInputError(outcome, first);
    });
    bad('options/unknown-key', 'options.notAnOption', () => ({ options: { ...base.options, notAnOption: 1 } }));
    bad('options/map', 'options', () => ({ options: new Map(Object.entries(base.options)) }));
    bad('options/inherited', 'options', () => ({ options: Object.create({ ...base.options }) as object }));
    bad('options/symbol-key', 'options', () => ({ options: { ...base.options, [Symbol('temperature')]: 0.1 } }));
    bad('upstream/shape', 'upstream', (b) => {
      const upstream = b.fill([3, 7], 1);
      return { upstream, owned: [upstream] };
    });
    bad('upstream/non-finite', 'upstream', (b) => {
      const upstream = b.fill([], Number.NaN);
      return { upstream, owned: [upstream] };
    });
    bad('upstream/too-large', 'upstream', (b) => {
      // Finite in the precision, but twice the largest magnitude the math keeps room for (4e31 in float32):
      // every gradient would be at least that.
      const upstream = b.fill([], 2 * precisionLimits[b.capabilities.precision].intermediate);
      return { upstream, owned: [upstream] };
    });
    bad('misuse/null-inputs', 'inputs', () => ({ inputs: null as unknown as Record<string, unknown> }));
    bad('misuse/null-backend', 'backend', () => ({ callBackend: null }));
    registerValueRules(registry, definition, base.inputs, bad);
  }
}

/** Label and scale rules, and the batch without negatives of the decoupled losses. */
function registerValueRules<T>(
  registry: CaseRegistry<T>,
  definition: AnyLossDefinition,
  inputs: HostInputs,
  bad: (id: string, argument: string, build: Build<T>, host?: HostInputs) => void,
): void {
  for (const name of Object.keys(inputs)) {
    const role = roleOf(definition, name);
    if (role === 'labels') {
      bad(`labels/non-integer/${name}`, name, () => ({}), { ...inputs, [name]: withValue(inputs[name]!, 0, 0.5) });
      registry.test(`contract/${definition.name}/labels/not-exact/${name}`, async (backend) => {
        // The smallest magnitude from which integers stop being exact in the backend's precision (2^24 in float32).
        const limit = precisionLimits[backend.capabilities.precision].exactIntegers;
        const host = { ...inputs, [name]: withValue(inputs[name]!, 0, limit) };
        const outcome = await runCall(backend, (b) => {
          const tensors = createInputs(b, host);
          return { inputs: tensors, owned: Object.values(tensors) };
        }, definition);
        expectInputError(outcome, name);
      });
    }
    if (role === 'scale') {
      bad(`scale/zero/${name}`, name, () => ({}), { ...inputs, [name]: { shape: [], values: [0] } });
      bad(`scale/negative/${name}`, name, () => ({}), { ...inputs, [name]: { shape: [], values: [-1] } });
      // Positive in float64 but 0 in float32 (1e-46), or a float32 denormal whose gradient would vanish (1e-45).
      bad(`scale/underflow/${name}`, name, () => ({}), { ...inputs, [name]: { shape: [], values: [1e-310] } });
    }
  }
  if (definition.name === 'dcl' || definition.name === 'contrastive-loss' || definition.name === 'hcl') {
    const one = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, { shape: [1, t.shape[1]!], values: t.values.slice(0, t.shape[1]!) }]));
    bad('no-negatives/anchors', 'anchors', () => ({}), one);
  }
}

/**
 * The extreme-finite matrix of the call contract: finite inputs and valid options at the edges of what the math
 * can represent (temperatures from 1e-39 to 1e30, rows of magnitude 1e-30 to 1e38, SigLIP's logTemperature 88.8
 * and 100, alignment's alpha 1000, uniformity's t 1e39, triplet margins 1e39, CLIP scales 1e30). Each must give a
 * finite result that agrees with the float64 reference backend, or a typed error (`ContrastiveInputError`,
 * `ContrastiveResourceError`) — never NaN or Infinity — and leave no tensor alive.
 * Ids: `extreme/<loss>/<variant>`.
 */
import { createReferenceBackend, type InputRole, type LossContract, type TensorBackend } from '@contrastive/core';
import type { CaseRegistry } from '../case-registry.js';
import { assertNoMismatches, compareValues, type ActualTensor } from '../compare-values.js';
import { createInputs, type AnyLossDefinition } from '../evaluate-loss.js';
import type { HostInputs } from '../fixture-types.js';
import { genericSpec, lossCaseSpecs, type LossOptions } from '../loss-case-specs.js';
import { RandomSource } from '../random-source.js';
import { tolerances } from '../tolerances.js';
import { expectTypedOrFinite, runCall } from './contract-support.js';

interface Extreme {
  readonly id: string;
  readonly options?: LossOptions;
  /** Multiplies every embedding input. */
  readonly rowScale?: number;
  /** Multiplies embedding inputs by name (takes precedence over `rowScale`). */
  readonly inputScales?: Readonly<Record<string, number>>;
  /** Sets the first row of every embedding input to zeros. */
  readonly zeroFirstRow?: boolean;
  /** Makes row 0 of `positives` equal to row 0 of `anchors` plus this much in its first element. */
  readonly nearIdenticalPair?: number;
  /** Makes every row of every embedding input the same (1, 2, 3, ...): all similarities tie. */
  readonly identicalRows?: boolean;
  /** Replaces scalar inputs by name. */
  readonly scalars?: Readonly<Record<string, number>>;
}

function extremesFor(definition: AnyLossDefinition): Extreme[] {
  const defaults = definition.defaults as Record<string, unknown>;
  const list: Extreme[] = [];
  if ('temperature' in defaults) {
    for (const temperature of [1e-39, 1e-30, 1e-6, 1e30]) list.push({ id: `temperature-${temperature}`, options: { temperature } });
    // A zero row divides the gradient by the normalisation's clamp (1e-12): 1 / temperature of 1e27 overflows.
    list.push({ id: 'zero-row-temperature-1e-27', zeroFirstRow: true, options: { temperature: 1e-27 } });
    // Ties at a tiny temperature: the loss is a log of a count (log 3 for SupCon with 4 rows of one class); the
    // mean over several positives must not cancel the 1e6-sized logits against each other first.
    list.push({ id: 'identical-rows-temperature-1e-6', identicalRows: true, options: { temperature: 1e-6 } });
  }
  if (definition.inputs.includes('anchors') && definition.inputs.includes('positives') && 'normalize' in defaults) {
    list.push({ id: 'rows-1e-30-against-1e38-unnormalized', inputScales: { anchors: 1e-30, positives: 1e38, negatives: 1e38 }, options: { normalize: false } });
  }
  for (const rowScale of [1e-30, 1e30, 1e38]) list.push({ id: `rows-${rowScale}`, rowScale });
  if ('normalize' in defaults) {
    for (const rowScale of [1e15, 1e30]) list.push({ id: `rows-${rowScale}-unnormalized`, rowScale, options: { normalize: false } });
  }
  if (definition.inputs.includes('logTemperature')) {
    for (const logTemperature of [88.8, 100]) list.push({ id: `log-temperature-${logTemperature}`, scalars: { logTemperature } });
    list.push({ id: 'bias-1e30', scalars: { bias: 1e30 } });
  }
  if (definition.inputs.includes('logitScale')) {
    list.push({ id: 'logit-scale-1e30-unclamped', scalars: { logitScale: 1e30 }, options: { maxLogitScale: null } });
    list.push({ id: 'zero-row-logit-scale-1e27', zeroFirstRow: true, scalars: { logitScale: 1e27 }, options: { maxLogitScale: null } });
    list.push({ id: 'logit-scale-1e-45-denormal', scalars: { logitScale: 1e-45 } });
  }
  if (definition.inputs.includes('logTemperature')) {
    list.push({ id: 'zero-row-log-temperature-62', zeroFirstRow: true, scalars: { logTemperature: 62 } });
    // Unscaled similarities of 1e40 overflow float32 even though exp(-69) scales the logits down to 1e10.
    list.push({ id: 'rows-1e20-unnormalized-log-temperature--69', rowScale: 1e20, scalars: { logTemperature: -69 }, options: { normalize: false } });
  }
  if ('alpha' in defaults) {
    list.push({ id: 'alpha-1000', options: { alpha: 1000 } });
    for (const alpha of [0.1, 1e-10]) list.push({ id: `alpha-${alpha}-near-identical-pair`, nearIdenticalPair: 3e-23, options: { alpha } });
  }
  if ('t' in defaults) for (const t of [1e5, 5e30, 1e39]) list.push({ id: `t-${t}`, options: { t } });
  if ('margin' in defaults) list.push({ id: 'margin-1e39', options: { margin: 1e39 } });
  return list;
}

function applyExtreme(definition: AnyLossDefinition, inputs: HostInputs, extreme: Extreme): HostInputs {
  const roles = (definition.contract as LossContract<string, object> | undefined)?.roles ?? {};
  const role = (name: string): InputRole => (roles as Record<string, InputRole>)[name] ?? 'embeddings';
  const result: Record<string, HostInputs[string]> = Object.fromEntries(
    Object.entries(inputs).map(([name, tensor]) => {
      const scalar = extreme.scalars?.[name];
      if (scalar !== undefined) return [name, { shape: [], values: [scalar] }];
      if (role(name) !== 'embeddings' || tensor.shape.length < 2) return [name, tensor];
      const width = tensor.shape[tensor.shape.length - 1]!;
      const factor = extreme.inputScales?.[name] ?? extreme.rowScale ?? 1;
      const values = tensor.values.map((v, i) => (extreme.identicalRows ? (i % width) + 1 : extreme.zeroFirstRow && i < width ? 0 : v * factor));
      return [name, { shape: tensor.shape, values }];
    }),
  );
  if (extreme.nearIdenticalPair !== undefined && result['anchors'] && result['positives']) {
    const [anchors, positives] = [result['anchors'], result['positives']];
    const width = anchors.shape[1]!;
    const values = positives.values.map((v, i) => (i < width ? anchors.values[i]! + (i === 0 ? extreme.nearIdenticalPair! : 0) : v));
    result['positives'] = { shape: positives.shape, values };
  }
  return result;
}

export function registerExtremeContract<T>(registry: CaseRegistry<T>, definitions: readonly AnyLossDefinition[]): void {
  const reference = createReferenceBackend();
  for (const definition of definitions) {
    const spec = lossCaseSpecs[definition.name] ?? genericSpec(definition.inputs);
    const base = spec.randomCase(new RandomSource(`extreme/${definition.name}`), 0);
    for (const extreme of extremesFor(definition)) {
      registry.test(`extreme/${definition.name}/${extreme.id}`, async (backend) => {
        const host = applyExtreme(definition, base.inputs, extreme);
        const options = { ...base.options, ...extreme.options };
        const call = <U>(b: TensorBackend<U>) => {
          const inputs = createInputs(b, host);
          return { inputs, options, owned: Object.values(inputs) };
        };
        const values = expectTypedOrFinite(await runCall(backend, call, definition));
        if (!values) return;
        const expected = expectTypedOrFinite(await runCall(reference, call, definition));
        if (!expected) return;
        compareWithReference(values, expected, backend.capabilities.precision);
      });
    }
  }
}

function compareWithReference(actual: Readonly<Record<string, ActualTensor>>, expected: Readonly<Record<string, ActualTensor>>, precision: keyof typeof tolerances) {
  const tolerance = tolerances[precision];
  assertNoMismatches(
    Object.keys(expected).map((name) =>
      compareValues(name, actual[name]!, expected[name]!, tolerance, name === 'loss' ? 'loss' : 'gradient'),
    ),
  );
}

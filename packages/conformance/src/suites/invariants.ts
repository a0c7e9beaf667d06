/**
 * Invariants every backend must keep, checked on the backend against itself at its precision's tolerances:
 * row permutation, scale invariance of normalised losses, temperature/scale equivalence without normalisation,
 * and symmetric losses as the mean of both directions. Ids: `invariant/<loss>/<name>`.
 */
import type { TensorBackend } from '@contrastive/core';
import type { CaseRegistry } from '../case-registry.js';
import { compareEvaluations } from '../compare-values.js';
import { evaluateLoss, type AnyLossDefinition, type Evaluation } from '../evaluate-loss.js';
import type { HostInputs, HostTensor } from '../fixture-types.js';
import { averageTensors, concatRows, permuteRows, scaleTensor } from '../host-tensors.js';
import { batchSize, lossCaseSpecs, missingCaseSpecMessage, type LossCaseSpec, type LossOptions } from '../loss-case-specs.js';
import { RandomSource } from '../random-source.js';
import { tolerances } from '../tolerances.js';

type Check = <T>(backend: TensorBackend<T>, definition: AnyLossDefinition, spec: LossCaseSpec, random: RandomSource) => Promise<void>;

const mapEntries = <V, W>(record: Readonly<Record<string, V>>, f: (name: string, value: V) => W): Record<string, W> =>
  Object.fromEntries(Object.entries(record).map(([name, value]) => [name, f(name, value)]));
const isEmbedding = (x: { shape: readonly number[] }) => x.shape.length >= 2;
const has = (definition: AnyLossDefinition, option: string) => option in definition.defaults;

/** Permuting the samples permutes the `none` rows and the gradients, and leaves the reduced loss unchanged. */
const rowPermutation: Check = async (backend, definition, spec, random) => {
  const base = spec.randomCase(random, 0);
  const order = random.permutation(batchSize);
  const blocks = spec.sampleBlocks!(base.options);
  const permute = <V extends { shape: readonly number[]; values: ArrayLike<number> }>(name: string, x: V) =>
    blocks[name] === undefined ? x : permuteRows(x, order, blocks[name]!);
  const permuted: HostInputs = mapEntries(base.inputs, permute);
  const original = await evaluateLoss(backend, definition, base.inputs, base.options);
  const moved = await evaluateLoss(backend, definition, permuted, base.options);
  const tolerance = tolerances[backend.capabilities.precision];
  compareEvaluations(moved, { outputs: original.outputs, gradients: mapEntries(original.gradients, permute) }, tolerance);
  if (!has(definition, 'reduction') || !spec.rowBlocks) return;
  const none = { ...base.options, reduction: 'none' };
  const rows = (await evaluateLoss(backend, definition, base.inputs, none, false)).outputs.loss!;
  const movedRows = await evaluateLoss(backend, definition, permuted, none, false);
  const expectedRows = permuteRows(rows, order, spec.rowBlocks(none));
  compareEvaluations(movedRows, { outputs: { loss: expectedRows }, gradients: {} }, tolerance);
};

/** With normalised rows, `L(4 x) = L(x)` and the gradient of each scaled input is divided by 4 (4 is exact). */
const scaleInvariance: Check = async (backend, definition, spec, random) => {
  const base = spec.randomCase(random, 0);
  const options = { ...base.options, ...spec.scaleInvariantOptions };
  const original = await evaluateLoss(backend, definition, base.inputs, options);
  const scaled = await evaluateLoss(backend, definition, mapEntries(base.inputs, (_, x) => (isEmbedding(x) ? scaleTensor(x, 4) : x)), options);
  const gradients = mapEntries(original.gradients, (name, g) => (isEmbedding(base.inputs[name]!) ? scaleTensor(g, 1 / 4) : g));
  compareEvaluations(scaled, { outputs: original.outputs, gradients }, tolerances[backend.capabilities.precision]);
};

/** Without normalisation, `L_t(2 x) = L_{t/4}(x)`, so `2 g_t(2 x) = g_{t/4}(x)`. */
const temperatureScaling: Check = async (backend, definition, spec, random) => {
  const base = spec.randomCase(random, 0);
  const options = (temperature: number): LossOptions => ({ ...base.options, normalize: false, temperature });
  const inputs = mapEntries(base.inputs, (_, x) => (isEmbedding(x) ? scaleTensor(x, 0.5) : x));
  const doubled = await evaluateLoss(backend, definition, mapEntries(inputs, (_, x) => (isEmbedding(x) ? scaleTensor(x, 2) : x)), options(0.8));
  const cooled = await evaluateLoss(backend, definition, inputs, options(0.2));
  const gradients = mapEntries(cooled.gradients, (name, g) => (isEmbedding(inputs[name]!) ? scaleTensor(g, 1 / 2) : g));
  compareEvaluations(doubled, { outputs: cooled.outputs, gradients }, tolerances[backend.capabilities.precision]);
};

/** `symmetric: true` is the two directions (anchors, positives) and (positives, anchors), rows and gradients. */
const symmetry: Check = async (backend, definition, spec, random) => {
  const { anchors, positives } = spec.randomCase(random, 0).inputs;
  const run = (a: HostTensor, p: HostTensor, options: LossOptions) => evaluateLoss(backend, definition, { anchors: a, positives: p }, options);
  const tolerance = tolerances[backend.capabilities.precision];
  const none = { reduction: 'none' };
  const bothRows = await run(anchors!, positives!, { ...none, symmetric: true });
  const [f, r] = [(await run(anchors!, positives!, { ...none, symmetric: false })).outputs.loss!, (await run(positives!, anchors!, { ...none, symmetric: false })).outputs.loss!];
  const expectedRows = spec.symmetricRows === 'average' ? averageTensors(f, r) : concatRows(f, r);
  compareEvaluations({ outputs: bothRows.outputs, gradients: {} }, { outputs: { loss: expectedRows }, gradients: {} }, tolerance);
  const both = await run(anchors!, positives!, { symmetric: true });
  const forward = await run(anchors!, positives!, { symmetric: false });
  const reverse = await run(positives!, anchors!, { symmetric: false });
  const expected: Evaluation = {
    outputs: { loss: averageTensors(forward.outputs.loss!, reverse.outputs.loss!) },
    gradients: {
      anchors: averageTensors(forward.gradients.anchors!, reverse.gradients.positives!),
      positives: averageTensors(forward.gradients.positives!, reverse.gradients.anchors!),
    },
  };
  compareEvaluations(both, expected, tolerance);
};

export function registerInvariants<T>(registry: CaseRegistry<T>, definitions: readonly AnyLossDefinition[]): void {
  for (const definition of definitions) {
    const spec = lossCaseSpecs[definition.name];
    if (!spec) {
      registry.test(`invariant/${definition.name}/case-spec`, () => {
        throw new Error(missingCaseSpecMessage(definition.name));
      });
      continue;
    }
    const checks: [string, Check, boolean][] = [
      ['row-permutation', rowPermutation, spec.sampleBlocks !== undefined],
      ['scale-invariance', scaleInvariance, spec.scaleInvariantOptions !== undefined],
      ['temperature-scaling', temperatureScaling, has(definition, 'temperature') && has(definition, 'normalize')],
      ['symmetric-is-both-directions', symmetry, spec.symmetricRows !== undefined && has(definition, 'symmetric')],
    ];
    for (const [name, check, applies] of checks) {
      if (!applies) continue;
      const id = `invariant/${definition.name}/${name}`;
      registry.test(id, (backend) => check(backend, definition, spec, new RandomSource(id)));
    }
  }
}

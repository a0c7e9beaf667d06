/**
 * What the suite needs to know about each loss to make its own cases: random inputs of the right shapes, how rows
 * pair with samples (for the permutation invariant), and under which options an invariant holds. Keyed by the
 * loss's `name`. A loss of core's registry whose definition says enough gets its entry derived
 * ({@link derivedCaseSpec}: required `embeddings` inputs only, row `i` of each being sample `i`, no `views` or
 * `symmetric` option); any other needs a hand-written entry below: without one the suite registers a failing case
 * `invariant/<name>/case-spec` (and loss-case-specs.test.ts fails), never a silent skip. The other suites fall back
 * to `[batchSize, dimension]` Gaussian inputs. Statements follow each loss's page in docs/losses/.
 */
import { losses, type LossDefinition } from '@contrastive/core';
import type { HostInputs } from './fixture-types.js';
import { RandomSource, scalar } from './random-source.js';

/**
 * Options of a loss by core option names, as fixtures and suite cases hold them (checked by the loss itself).
 *
 * @example
 * const options: LossOptions = { temperature: 0.1, reduction: 'none' };
 *
 * @see [Adding a loss](/contributing/adding-a-loss)
 */
export type LossOptions = Readonly<Record<string, unknown>>;

/** Samples per suite-generated case and their dimension: small, so browser and software-GPU runs stay quick. */
export const batchSize = 4;
export const dimension = 5;

export interface LossCase {
  readonly inputs: HostInputs;
  readonly options: LossOptions;
}

export interface LossCaseSpec {
  /** The `variant`-th random case (variant 0 uses the defaults and is the base of every invariant). */
  randomCase(random: RandomSource, variant: number): LossCase;
  /** Blocks of `batchSize` rows along axis 0 of each sample-indexed input, under `options`. */
  sampleBlocks?(options: LossOptions): Readonly<Record<string, number>>;
  /** Blocks of `batchSize` rows in the `reduction: 'none'` output. */
  rowBlocks?(options: LossOptions): number;
  /** Options under which `L(c x) = L(x)` for every embedding input (rank >= 2) and any `c > 0`. */
  scaleInvariantOptions?: LossOptions;
  /** How `symmetric: true` combines the two directions' rows: their average, or both one after the other. */
  symmetricRows?: 'average' | 'concatenate';
  /** Options that keep the finite-difference case away from kinks. */
  finiteDifferenceOptions?: LossOptions;
}

const pair = (random: RandomSource) => ({
  anchors: random.gaussianTensor([batchSize, dimension]),
  positives: random.gaussianTensor([batchSize, dimension]),
});
const views = (options: LossOptions, fallback: number) => (typeof options.views === 'number' ? options.views : fallback);
const pick = <V>(list: readonly V[], variant: number): V => list[variant % list.length]!;
const paired = () => ({ anchors: 1, positives: 1 });

const handWrittenCaseSpecs: Readonly<Record<string, LossCaseSpec>> = {
  'contrastive-loss': {
    randomCase: (random, variant) => ({
      inputs: pair(random),
      options: pick([{}, { temperature: 0.5, reduction: 'none' }, { symmetric: true, reduction: 'sum' }], variant),
    }),
    sampleBlocks: paired,
    rowBlocks: () => 1,
    scaleInvariantOptions: {},
    symmetricRows: 'average',
  },
  'simclr-info-nce': {
    randomCase: (random, variant) => {
      const options = pick([{}, { views: 3, reduction: 'none' }, { views: 3, positives: 'first', temperature: 0.5 }], variant);
      return { inputs: { embeddings: random.gaussianTensor([views(options, 2) * batchSize, dimension]) }, options };
    },
    sampleBlocks: (options) => ({ embeddings: views(options, 2) }),
    rowBlocks: (options) => views(options, 2),
    scaleInvariantOptions: {},
  },
  'nt-xent': {
    randomCase: (random, variant) => ({
      inputs: pair(random),
      options: pick([{}, { temperature: 0.1, reduction: 'none' }, { normalize: false, reduction: 'sum' }], variant),
    }),
    sampleBlocks: paired,
    rowBlocks: () => 2,
    scaleInvariantOptions: {},
  },
  'info-nce': {
    randomCase: (random, variant) => {
      const negatives = [undefined, random.gaussianTensor([3, dimension]), random.gaussianTensor([batchSize, 3, dimension])];
      const chosen = pick(negatives, variant);
      const options = pick([{}, { reduction: 'none' }, { temperature: 0.5, beta: 1 }], variant);
      return { inputs: chosen ? { ...pair(random), negatives: chosen } : pair(random), options };
    },
    sampleBlocks: paired,
    rowBlocks: () => 1,
    scaleInvariantOptions: {},
    symmetricRows: 'average',
  },
  'sup-con': {
    randomCase: (random, variant) => {
      const options = pick(
        [{ views: 2 }, { views: 1, reduction: 'none', baseTemperature: 0.1 }, { views: 2, temperature: 0.5, baseTemperature: 0.07, meanOver: 'all-anchors' }],
        variant,
      );
      const labels = { shape: [batchSize], values: [0, 1, 0, 2] };
      const embeddings = random.gaussianTensor([views(options, 1) * batchSize, dimension]);
      if (variant % 3 !== 2) return { inputs: { embeddings, labels }, options };
      // A labelled memory (Cross-Batch Memory): one positive of label 2, two negatives.
      const memory = { memory: random.gaussianTensor([3, dimension]), memoryLabels: { shape: [3], values: [2, 5, 7] } };
      return { inputs: { embeddings, labels, ...memory }, options };
    },
    sampleBlocks: (options) => ({ embeddings: views(options, 1), labels: 1 }),
    rowBlocks: (options) => views(options, 1),
    scaleInvariantOptions: {},
  },
  clip: {
    randomCase: (random, variant) => ({
      inputs: { ...pair(random), logitScale: scalar(pick([10, 150, 20], variant)) },
      options: pick([{}, {}, { reduction: 'none' }], variant),
    }),
    sampleBlocks: paired,
    rowBlocks: () => 1,
    scaleInvariantOptions: {},
  },
  dcl: {
    randomCase: (random, variant) => ({
      inputs: pair(random),
      options: pick([{}, { symmetric: false, reduction: 'none' }, { temperature: 0.5, reduction: 'none' }], variant),
    }),
    sampleBlocks: paired,
    rowBlocks: (options) => (options.symmetric === false ? 1 : 2),
    scaleInvariantOptions: {},
    symmetricRows: 'concatenate',
  },
  'sig-lip': {
    randomCase: (random, variant) => ({
      inputs: { ...pair(random), logTemperature: scalar(Math.log(10)), bias: scalar(-2) },
      options: pick([{}, { reduction: 'none' }, { reduction: 'sum' }], variant),
    }),
    sampleBlocks: paired,
    rowBlocks: () => 1,
    scaleInvariantOptions: {},
  },
  'triplet-margin': {
    randomCase: (random, variant) => ({
      inputs: { ...pair(random), negatives: random.gaussianTensor([batchSize, dimension]) },
      options: pick([{}, { distance: 'cosine', reduction: 'none', swap: true }, { margin: 0.5, reduction: 'sum', swap: true, eps: 0 }], variant),
    }),
    sampleBlocks: () => ({ anchors: 1, positives: 1, negatives: 1 }),
    rowBlocks: () => 1,
    scaleInvariantOptions: { distance: 'cosine', margin: 4 },
    // Euclidean distances of 5-D Gaussian rows stay far below 10: every hinge is active, away from its kink.
    finiteDifferenceOptions: { margin: 10 },
  },
  hcl: {
    randomCase: (random, variant) => ({
      inputs: pair(random),
      options: pick([{}, { beta: 2, reduction: 'none' }, { tauPlus: 0.5, beta: 0, temperature: 0.2, reduction: 'sum' }], variant),
    }),
    sampleBlocks: paired,
    rowBlocks: () => 2,
    scaleInvariantOptions: {},
  },
  alignment: {
    randomCase: (random, variant) => ({ inputs: pair(random), options: pick([{}, { alpha: 1 }, { normalize: false }], variant) }),
    sampleBlocks: paired,
    scaleInvariantOptions: {},
  },
  uniformity: {
    randomCase: (random, variant) => ({
      inputs: { embeddings: random.gaussianTensor([batchSize, dimension]) },
      options: pick([{}, { t: 1 }, { normalize: false }], variant),
    }),
    sampleBlocks: () => ({ embeddings: 1 }),
    scaleInvariantOptions: {},
  },
};

/**
 * The case spec the suite can derive from a definition alone, or `undefined` when it cannot: every input must be a
 * required `embeddings` input (no labels, scalars or optional inputs), and the options must have neither `views`
 * nor `symmetric` (whose row layouts the suite cannot guess). Then each input is `[batchSize, dimension]` Gaussian
 * rows, row `i` of every input is sample `i` and row `i` of the `reduction: 'none'` output (the permutation
 * invariant checks exactly that, so a loss whose rows differ fails loudly), and a loss that normalises by default
 * (`normalize: true`) is checked for scale invariance.
 *
 * @example
 * const spec = derivedCaseSpec(losses.alignment); // alignment's inputs are two [N, D] embedding matrices
 *
 * @see [Adding a loss](/contributing/adding-a-loss)
 */
export function derivedCaseSpec(definition: LossDefinition<string, object>): LossCaseSpec | undefined {
  const roles: Readonly<Record<string, string>> = definition.contract?.roles ?? {};
  const options = definition.defaults as LossOptions;
  const usable =
    definition.inputs.every((input) => (roles[input] ?? 'embeddings') === 'embeddings') &&
    (definition.optionalInputs ?? []).length === 0 &&
    !('views' in options) &&
    !('symmetric' in options);
  if (!usable) return undefined;
  const reductions: LossOptions[] = 'reduction' in options ? [{}, { reduction: 'none' }, { reduction: 'sum' }] : [{}];
  return {
    ...genericSpec(definition.inputs),
    randomCase: (random, variant) => ({ ...genericSpec(definition.inputs).randomCase(random, variant), options: pick(reductions, variant) }),
    sampleBlocks: () => Object.fromEntries(definition.inputs.map((input) => [input, 1])),
    ...('reduction' in options ? { rowBlocks: () => 1 } : {}),
    ...(options.normalize === true ? { scaleInvariantOptions: {} } : {}),
  };
}

const derivedCaseSpecs = Object.fromEntries(
  Object.values(losses as Readonly<Record<string, LossDefinition<string, object>>>).flatMap((definition) => {
    const spec = handWrittenCaseSpecs[definition.name] === undefined ? derivedCaseSpec(definition) : undefined;
    return spec ? [[definition.name, spec] as const] : [];
  }),
);

/**
 * Every case spec: the hand-written ones above, and one derived ({@link derivedCaseSpec}) for each loss of core's
 * registry that has none.
 *
 * @example
 * const spec = lossCaseSpecs['nt-xent'];
 *
 * @see [Adding a loss](/contributing/adding-a-loss)
 */
export const lossCaseSpecs: Readonly<Record<string, LossCaseSpec>> = { ...derivedCaseSpecs, ...handWrittenCaseSpecs };

/** Why a registry loss without an entry in {@link lossCaseSpecs} fails the suite, and where to add one. */
export function missingCaseSpecMessage(name: string): string {
  return (
    `conformance: loss "${name}" has no case spec, so it would get no invariant checks, and the suite cannot derive ` +
    `one (its inputs are not all required [N, D] embeddings, or it has a views or symmetric option); ` +
    `add its entry to lossCaseSpecs in packages/conformance/src/loss-case-specs.ts`
  );
}

/** Gaussian `[batchSize, dimension]` tensors for every input of a loss the table does not know. */
export function genericSpec(inputNames: readonly string[]): LossCaseSpec {
  return {
    randomCase: (random) => ({
      inputs: Object.fromEntries(inputNames.map((name) => [name, random.gaussianTensor([batchSize, dimension])])),
      options: {},
    }),
  };
}

/**
 * Few-label evaluation: what a representation is worth when only a few images are labelled. For each budget of
 * labels per class (1, 5, 10, all), `draws` random labelled subsets are drawn from the training images (the same
 * subsets for every representation); on each, a k-NN classifier (cosine, `k = min(5, labels per class)`) and a
 * linear probe (`linear-probe.ts`) are fitted and scored on the held-out test images. Reported: the mean and the
 * spread (sample standard deviation over the draws; 0 for `all`, which has one possible draw).
 *
 * Before the probe, every feature is standardised with the mean and standard deviation over ALL training images
 * (unlabelled data is available in this setting; constant features become 0); k-NN uses the raw features.
 */
import { knnAccuracy } from './knn.js';
import { defaultLinearProbeOptions, linearProbeAccuracy, trainLinearProbe, type LinearProbeOptions } from './linear-probe.js';
import { createRandom, permutation } from './random.js';

/** One representation of the training and test images, row-major [count, dimension]. */
export interface Representation {
  readonly train: Float64Array;
  readonly test: Float64Array;
  readonly dimension: number;
}

/** The three representations compared. */
export type RepresentationName = 'learned' | 'random' | 'raw';
export const representationNames: readonly RepresentationName[] = ['learned', 'random', 'raw'];

/** A labels-per-class budget: a count, or every training label. */
export type LabelBudget = number | 'all';
export const defaultLabelBudgets: readonly LabelBudget[] = [1, 5, 10, 'all'];

/** Mean and spread (sample standard deviation over the draws) of an accuracy in [0, 1]. */
export interface Score {
  readonly mean: number;
  readonly spread: number;
}

export interface ClassifierScores {
  readonly knn: Score;
  readonly linearProbe: Score;
}

/** The figures at one budget. */
export interface FewLabelRow extends Record<RepresentationName, ClassifierScores> {
  readonly labelsPerClass: LabelBudget;
  /** Labelled images per draw. */
  readonly labelledCount: number;
  readonly draws: number;
}

export interface FewLabelSettings {
  readonly budgets: readonly LabelBudget[];
  /** Draws of the labelled subset per budget (at least 2 for a spread). */
  readonly draws: number;
  readonly seed: number;
  readonly neighbours: number;
  readonly probe: LinearProbeOptions;
}

export const defaultFewLabelSettings: Omit<FewLabelSettings, 'seed'> = { budgets: defaultLabelBudgets, draws: 5, neighbours: 5, probe: defaultLinearProbeOptions };

/** Scores every representation at every budget. */
export function evaluateFewLabels(representations: Record<RepresentationName, Representation>, trainLabels: Uint8Array, testLabels: Uint8Array, settings: FewLabelSettings): FewLabelRow[] {
  const random = createRandom(settings.seed);
  const standardised = Object.fromEntries(representationNames.map((name) => [name, standardise(representations[name])])) as Record<RepresentationName, Representation>;
  return settings.budgets.map((budget) => {
    const draws = budget === 'all' ? 1 : settings.draws;
    const subsets = Array.from({ length: draws }, () => drawLabelled(trainLabels, budget, random));
    const k = budget === 'all' ? settings.neighbours : Math.min(settings.neighbours, budget);
    const row = Object.fromEntries(
      representationNames.map((name) => {
        const [raw, scaled] = [representations[name], standardised[name]];
        const knn = subsets.map((rows) => knnAccuracy(labelled(raw.train, trainLabels, rows, raw.dimension), { values: raw.test, labels: testLabels, dimension: raw.dimension }, k));
        const probe = subsets.map((rows) => {
          const train = labelled(scaled.train, trainLabels, rows, scaled.dimension);
          return linearProbeAccuracy(trainLinearProbe(train.values, train.labels, scaled.dimension, 10, settings.probe), scaled.test, testLabels);
        });
        return [name, { knn: score(knn), linearProbe: score(probe) }];
      }),
    ) as Record<RepresentationName, ClassifierScores>;
    return { labelsPerClass: budget, labelledCount: subsets[0]!.length, draws, ...row };
  });
}

/** Row indices of `budget` random images of each label (all rows for `all`), ascending. */
export function drawLabelled(labels: Uint8Array, budget: LabelBudget, random: ReturnType<typeof createRandom>): Int32Array {
  if (budget === 'all') return Int32Array.from(labels.keys());
  const taken = new Map<number, number>();
  const rows: number[] = [];
  for (const row of permutation(labels.length, random)) {
    const count = taken.get(labels[row]!) ?? 0;
    if (count < budget) {
      taken.set(labels[row]!, count + 1);
      rows.push(row);
    }
  }
  return Int32Array.from(rows.sort((a, b) => a - b));
}

/** Mean and sample standard deviation (0 for one value). */
export function score(values: readonly number[]): Score {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, spread: Math.sqrt(variance) };
}

function labelled(values: Float64Array, labels: Uint8Array, rows: Int32Array, dimension: number) {
  const out = new Float64Array(rows.length * dimension);
  rows.forEach((row, i) => out.set(values.subarray(row * dimension, (row + 1) * dimension), i * dimension));
  return { values: out, labels: Uint8Array.from(rows, (row) => labels[row]!), dimension };
}

/** Every feature shifted and scaled by its mean and standard deviation over the training rows. */
function standardise(representation: Representation): Representation {
  const { train, test, dimension } = representation;
  const count = train.length / dimension;
  const [mean, deviation] = [new Float64Array(dimension), new Float64Array(dimension)];
  for (let i = 0; i < train.length; i++) mean[i % dimension]! += train[i]! / count;
  for (let i = 0; i < train.length; i++) deviation[i % dimension]! += (train[i]! - mean[i % dimension]!) ** 2 / count;
  const apply = (values: Float64Array) => values.map((v, i) => {
    const sd = Math.sqrt(deviation[i % dimension]!);
    return sd > 1e-12 ? (v - mean[i % dimension]!) / sd : 0;
  });
  return { train: apply(train), test: apply(test), dimension };
}

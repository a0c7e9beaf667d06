/**
 * The whole demo as one function: load and split the digits (training, validation, test), initialise the encoder
 * and projection head, train, then measure k-NN accuracy of the representation `h` (before the head) of the trained
 * and of the untrained encoder and of the raw pixels, on the test split (or, when tuning, the validation split),
 * with all training labels and with few (`few-label.ts`: k-NN and a linear probe at 1, 5, 10 and all labels per
 * class), and write the report and `summary.json` beside it.
 */
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import type { TensorBackend } from '@contrastive/core';
import { defaultAugmentOptions, type AugmentOptions } from './augment.js';
import { createDemoBackend } from './backends.js';
import type { DemoOptions } from './cli.js';
import { loadDigits, splitDigits, type Digits } from './data.js';
import { defaultFewLabelSettings, evaluateFewLabels, type FewLabelRow, type FewLabelSettings } from './few-label.js';
import { knnAccuracy } from './knn.js';
import { createModel, flattenModel, modelForward, type Model, type ModelSizes } from './model.js';
import { pca } from './pca.js';
import { writeReport, type Accuracies } from './report.js';
import { createRandom } from './random.js';
import { writeDemoSummary } from './summary.js';
import { trainEncoder, type TrainingProgress } from './train.js';

/** Encoder 64 pixels -> 256 (ReLU) -> 16-D representation `h`; head 16 -> 64 (ReLU) -> 32-D projection `z`. */
export const defaultModelSizes: ModelSizes = { encoder: [64, 256, 16], head: [16, 64, 32] };
export const knnNeighbours = 5;
/** Held out for the final figures (20%), then for tuning (20% of the rest); training uses the remaining 1,150. */
export const testFraction = 0.2;
export const validationFraction = 0.2;

/** What the tuning script varies; the demo uses the defaults. */
export interface Experiment {
  /** `test` (the demo) or `validation` (tuning: choose settings without looking at the test split). */
  readonly evaluation: 'test' | 'validation';
  readonly sizes: ModelSizes;
  readonly augment: AugmentOptions;
  readonly writeReport: boolean;
  /** Overrides of the few-label evaluation (tuning leaves out the slow `all` budget); its seed is the run's. */
  readonly fewLabel: Partial<Omit<FewLabelSettings, 'seed'>>;
}

export interface DemoResult {
  readonly accuracies: Accuracies;
  readonly stepLosses: readonly number[];
  readonly epochMeans: readonly number[];
  /** Accuracy against labels per class (see `few-label.ts`). */
  readonly fewLabel: readonly FewLabelRow[];
  readonly trainingSeconds: number;
  /** Seconds of the few-label evaluation. */
  readonly evaluationSeconds: number;
  readonly samplesPerSecond: number;
  /** The HTML report ('' when not written) and the JSON summary beside it. */
  readonly reportPath: string;
  readonly summaryPath: string;
  readonly trainCount: number;
  readonly testCount: number;
}

/** Runs the demo with `options`; `onProgress` sees every training step. */
export async function runDemo(options: DemoOptions, onProgress?: (progress: TrainingProgress) => void, experiment: Partial<Experiment> = {}): Promise<DemoResult> {
  const runStart = performance.now();
  const { evaluation = 'test', sizes = defaultModelSizes, augment = defaultAugmentOptions } = experiment;
  const backend = await createDemoBackend(options.backend);
  const random = createRandom(options.seed);
  const split = splitDigits(loadDigits(), testFraction, random);
  const { train, test: validation } = splitDigits(split.train, validationFraction, random);
  const test = evaluation === 'test' ? split.test : validation;
  const initial = createModel(backend, sizes, random);
  const settings = { loss: options.loss, epochs: options.epochs, batchSize: options.batchSize, temperature: options.temperature, learningRate: options.learningRate, augment };
  const training = await trainEncoder(backend, initial, train, settings, random, onProgress);
  const [randomTrain, randomTest, learnedTrain, learnedTest] = [
    await embed(backend, initial, train),
    await embed(backend, initial, test),
    await embed(backend, training.model, train),
    await embed(backend, training.model, test),
  ];
  for (const tensor of [...flattenModel(initial), ...flattenModel(training.model)]) backend.dispose(tensor);
  const dimension = sizes.encoder.at(-1)!;
  const labelled = (values: Float64Array, digits: Digits, size: number) => ({ values, labels: digits.labels, dimension: size });
  const accuracy = (reference: Float64Array, queries: Float64Array, size = dimension) => knnAccuracy(labelled(reference, train, size), labelled(queries, test, size), knnNeighbours);
  const accuracies: Accuracies = {
    learned: accuracy(learnedTrain.representation, learnedTest.representation),
    random: accuracy(randomTrain.representation, randomTest.representation),
    pixels: accuracy(train.images, test.images, 64),
    learnedProjection: accuracy(learnedTrain.projection, learnedTest.projection, sizes.head.at(-1)!),
  };
  const evaluationStart = performance.now();
  const fewLabel = evaluateFewLabels(
    {
      learned: { train: learnedTrain.representation, test: learnedTest.representation, dimension },
      random: { train: randomTrain.representation, test: randomTest.representation, dimension },
      raw: { train: train.images, test: test.images, dimension: train.width * train.height },
    },
    train.labels,
    test.labels,
    { ...defaultFewLabelSettings, neighbours: knnNeighbours, ...experiment.fewLabel, seed: options.seed },
  );
  const evaluationSeconds = (performance.now() - evaluationStart) / 1000;
  const result = { accuracies, fewLabel, stepLosses: training.stepLosses, epochMeans: training.epochMeans, trainingSeconds: training.seconds, evaluationSeconds, samplesPerSecond: training.samplesPerSecond, trainCount: train.count, testCount: test.count };
  if (experiment.writeReport === false) return { ...result, reportPath: '', summaryPath: '' };
  const shownSettings = reportSettings(options, backend.name, sizes, augment);
  writeReport(options.out, {
    title: `Contrastive digits encoder (${options.loss}, ${backend.name} backend)`,
    settings: shownSettings,
    accuracies,
    fewLabel,
    k: knnNeighbours,
    trainCount: train.count,
    testCount: test.count,
    stepLosses: training.stepLosses,
    epochMeans: training.epochMeans,
    epochEnds: training.epochEnds,
    trainingSeconds: training.seconds,
    samplesPerSecond: training.samplesPerSecond,
    learnedProjection: pca(learnedTest.representation, dimension).points,
    randomProjection: pca(randomTest.representation, dimension).points,
    testLabels: test.labels,
  });
  const summaryPath = join(dirname(options.out), 'summary.json');
  writeDemoSummary(summaryPath, {
    schemaVersion: 1,
    backend: backend.name,
    seed: options.seed,
    seconds: (performance.now() - runStart) / 1000,
    trainingSeconds: training.seconds,
    evaluationSeconds,
    settings: shownSettings,
    trainCount: train.count,
    testCount: test.count,
    finalEpochMeanLoss: training.epochMeans.at(-1)!,
    fewLabel,
  });
  return { ...result, reportPath: options.out, summaryPath };
}

/** The representation `h` and the projection `z` of every image of `digits`, read back to the host. */
async function embed<T>(backend: TensorBackend<T>, model: Model<T>, digits: Digits): Promise<{ representation: Float64Array; projection: Float64Array }> {
  const forward = backend.scope(() => {
    const { representation, projection } = modelForward(backend, model, backend.fromArray(digits.images, [digits.count, digits.width * digits.height]));
    return [representation, projection];
  });
  const [representation, projection] = [Float64Array.from(await backend.read(forward[0]!)), Float64Array.from(await backend.read(forward[1]!))];
  forward.forEach((tensor) => backend.dispose(tensor));
  return { representation, projection };
}

/** The settings table of the report (also its JSON summary's `settings`). */
function reportSettings(options: DemoOptions, backendName: string, sizes: ModelSizes, augment: AugmentOptions): Record<string, string | number> {
  return {
    loss: options.loss,
    backend: backendName,
    epochs: options.epochs,
    'batch size (pairs)': options.batchSize,
    temperature: options.temperature,
    'learning rate (Adam, cosine decay)': options.learningRate,
    augmentations: `rotation up to ${augment.maxRotation} deg, scale +-${augment.maxScale}, shift up to ${augment.maxShift} px (bilinear, zero padding), noise sd ${augment.noise}, pixel dropout ${augment.dropout}`,
    encoder: `${sizes.encoder.join('-')} MLP, ReLU; evaluated on its ${sizes.encoder.at(-1)}-D output h`,
    'projection head (training only)': `${sizes.head.join('-')} MLP, ReLU; the loss acts on its output z`,
    seed: options.seed,
    'CPU cores / load average (1 min) at the end': `${cpus().length} / ${loadavg()[0]!.toFixed(2)}`,
  };
}

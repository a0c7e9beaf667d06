/**
 * The whole demo as one function: load and split the digits, initialise the encoder, measure the random
 * encoder, train, measure the learned embedding and the raw pixels, and write the report.
 */
import { cpus, loadavg } from 'node:os';
import type { TensorBackend } from '@contrastive/core';
import { defaultAugmentOptions as augment } from './augment.js';
import { createDemoBackend } from './backends.js';
import type { DemoOptions } from './cli.js';
import { loadDigits, splitDigits, type Digits } from './data.js';
import { createEncoder, encoderForward, flattenLayers, type Layer } from './encoder.js';
import { knnAccuracy } from './knn.js';
import { pca } from './pca.js';
import { writeReport, type Accuracies } from './report.js';
import { createRandom } from './random.js';
import { trainEncoder, type TrainingProgress } from './train.js';

/** Encoder widths: 64 pixels, 128 hidden units (ReLU), a 32-dimensional embedding. */
export const encoderSizes = [64, 128, 32] as const;
export const knnNeighbours = 5;
export const testFraction = 0.2;

export interface DemoResult {
  readonly accuracies: Accuracies;
  readonly stepLosses: readonly number[];
  readonly epochMeans: readonly number[];
  readonly trainingSeconds: number;
  readonly samplesPerSecond: number;
  readonly reportPath: string;
  readonly trainCount: number;
  readonly testCount: number;
}

/** Runs the demo with `options`; `onProgress` sees every training step. */
export async function runDemo(options: DemoOptions, onProgress?: (progress: TrainingProgress) => void): Promise<DemoResult> {
  const backend = await createDemoBackend(options.backend);
  const random = createRandom(options.seed);
  const { train, test } = splitDigits(loadDigits(), testFraction, random);
  const initial = createEncoder(backend, encoderSizes, random);
  const settings = { loss: options.loss, epochs: options.epochs, batchSize: options.batchSize, temperature: options.temperature, learningRate: options.learningRate };
  const training = await trainEncoder(backend, initial, train, settings, random, onProgress);
  const [randomTrain, randomTest, learnedTrain, learnedTest] = await Promise.all([
    embed(backend, initial, train),
    embed(backend, initial, test),
    embed(backend, training.layers, train),
    embed(backend, training.layers, test),
  ]);
  for (const tensor of [...flattenLayers(initial), ...flattenLayers(training.layers)]) backend.dispose(tensor);
  const dimension = encoderSizes[encoderSizes.length - 1]!;
  const labelled = (values: Float64Array, digits: Digits, size: number) => ({ values, labels: digits.labels, dimension: size });
  const accuracies: Accuracies = {
    learned: knnAccuracy(labelled(learnedTrain, train, dimension), labelled(learnedTest, test, dimension), knnNeighbours),
    random: knnAccuracy(labelled(randomTrain, train, dimension), labelled(randomTest, test, dimension), knnNeighbours),
    pixels: knnAccuracy(labelled(train.images, train, 64), labelled(test.images, test, 64), knnNeighbours),
  };
  writeReport(options.out, {
    title: `Contrastive digits encoder (${options.loss}, ${backend.name} backend)`,
    settings: reportSettings(options, backend.name),
    accuracies,
    k: knnNeighbours,
    trainCount: train.count,
    testCount: test.count,
    stepLosses: training.stepLosses,
    epochMeans: training.epochMeans,
    epochEnds: training.epochEnds,
    trainingSeconds: training.seconds,
    samplesPerSecond: training.samplesPerSecond,
    learnedProjection: pca(learnedTest, dimension).points,
    randomProjection: pca(randomTest, dimension).points,
    testLabels: test.labels,
  });
  return { accuracies, stepLosses: training.stepLosses, epochMeans: training.epochMeans, trainingSeconds: training.seconds, samplesPerSecond: training.samplesPerSecond, reportPath: options.out, trainCount: train.count, testCount: test.count };
}

/** The encoder's output for every image of `digits`, read back to the host. */
async function embed<T>(backend: TensorBackend<T>, layers: readonly Layer<T>[], digits: Digits): Promise<Float64Array> {
  const output = backend.scope(() => encoderForward(backend, layers, backend.fromArray(digits.images, [digits.count, digits.width * digits.height])).output);
  const values = Float64Array.from(await backend.read(output));
  backend.dispose(output);
  return values;
}

/** The settings table of the report (also its JSON summary's `settings`). */
function reportSettings(options: DemoOptions, backendName: string): Record<string, string | number> {
  return {
    loss: options.loss,
    backend: backendName,
    epochs: options.epochs,
    'batch size (pairs)': options.batchSize,
    temperature: options.temperature,
    'learning rate (Adam, cosine decay)': options.learningRate,
    augmentations: `shift up to ${augment.maxShift} px (probability ${augment.shiftProbability}), noise sd ${augment.noise}, pixel dropout ${augment.dropout}`,
    encoder: `${encoderSizes.join('-')} MLP, ReLU`,
    seed: options.seed,
    'CPU cores / load average (1 min) at the end': `${cpus().length} / ${loadavg()[0]!.toFixed(2)}`,
  };
}

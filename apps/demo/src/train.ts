/**
 * The training loop: each step draws a batch of images, augments it twice (two views), runs both views through
 * the encoder and projection head in one [2N, 64] batch, takes the pair loss on the two views' projections `z` and
 * its gradients from core (`computeLossAndGradients`), chains them through the head's and the encoder's manual
 * backward and takes one Adam step.
 * The learning rate follows a cosine decay from `learningRate` to 0 over all steps.
 */
import type { TensorBackend } from '@contrastive/core';
import { augmentImages, defaultAugmentOptions, type AugmentOptions } from './augment.js';
import type { Digits } from './data.js';
import { flattenModel, modelBackward, modelForward, unflattenModel, type Model } from './model.js';
import { createAdam } from './optimizer.js';
import { pairLosses, type PairLossName } from './pair-losses.js';
import { permutation, type Random } from './random.js';

export interface TrainSettings {
  readonly loss: PairLossName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly temperature: number;
  readonly learningRate: number;
  readonly augment?: AugmentOptions;
}

export interface TrainingProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly loss: number;
  readonly samplesPerSecond: number;
}

export interface TrainResult<T> {
  /** The trained encoder and head (new tensors; the caller's initial model is left alive). */
  readonly model: Model<T>;
  readonly stepLosses: number[];
  readonly epochMeans: number[];
  /** Steps done after each epoch. */
  readonly epochEnds: number[];
  readonly seconds: number;
  /** Images (pairs) per second over the whole run. */
  readonly samplesPerSecond: number;
}

/** Trains a copy of `initial` on the images of `train`; batches that would be incomplete are dropped. */
export async function trainEncoder<T>(
  backend: TensorBackend<T>,
  initial: Model<T>,
  train: Digits,
  settings: TrainSettings,
  random: Random,
  onProgress?: (progress: TrainingProgress) => void,
): Promise<TrainResult<T>> {
  const b = backend;
  const batchSize = Math.min(settings.batchSize, train.count);
  const stepsPerEpoch = Math.floor(train.count / batchSize);
  const totalSteps = stepsPerEpoch * settings.epochs;
  const adam = createAdam(b, { learningRate: settings.learningRate });
  let parameters = flattenModel(initial);
  const encoderLayers = initial.encoder.length;
  const [stepLosses, epochMeans, epochEnds] = [[] as number[], [] as number[], [] as number[]];
  const start = performance.now();
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    const order = permutation(train.count, random);
    let epochTotal = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const views = drawViews(train, order.subarray(step * batchSize, (step + 1) * batchSize), random, settings.augment);
      const { loss, gradients } = lossAndGradients(b, unflattenModel(parameters, encoderLayers), views, batchSize, settings);
      const done = stepLosses.length;
      const next = adam.step(parameters, gradients, 0.5 * settings.learningRate * (1 + Math.cos((Math.PI * done) / totalSteps)));
      if (done > 0) parameters.forEach((p) => b.dispose(p));
      gradients.forEach((g) => b.dispose(g));
      parameters = next;
      const value = (await b.read(loss))[0]!;
      b.dispose(loss);
      stepLosses.push(value);
      epochTotal += value;
      const seconds = (performance.now() - start) / 1000;
      onProgress?.({ epoch, epochs: settings.epochs, step: step + 1, stepsPerEpoch, loss: value, samplesPerSecond: (stepLosses.length * batchSize) / seconds });
    }
    epochMeans.push(epochTotal / stepsPerEpoch);
    epochEnds.push(stepLosses.length);
  }
  adam.dispose();
  const seconds = (performance.now() - start) / 1000;
  return { model: unflattenModel(parameters, encoderLayers), stepLosses, epochMeans, epochEnds, seconds, samplesPerSecond: (stepLosses.length * batchSize) / seconds };
}

/** Two independently augmented views of the images `rows`, stacked: [2 * rows, pixels] row-major. */
function drawViews(train: Digits, rows: ArrayLike<number>, random: Random, options: AugmentOptions = defaultAugmentOptions): Float64Array {
  const pixels = train.width * train.height;
  const batch = new Float64Array(rows.length * pixels);
  for (let i = 0; i < rows.length; i++) batch.set(train.images.subarray(rows[i]! * pixels, (rows[i]! + 1) * pixels), i * pixels);
  const views = new Float64Array(2 * batch.length);
  views.set(augmentImages(batch, rows.length, train.width, train.height, random, options), 0);
  views.set(augmentImages(batch, rows.length, train.width, train.height, random, options), batch.length);
  return views;
}

/**
 * The loss of one batch of pairs and the gradients of every encoder parameter (flattened, as the optimizer's).
 * `views` holds the anchors' images then the positives' images, [2 * batchSize, pixels] row-major.
 */
export function lossAndGradients<T>(b: TensorBackend<T>, model: Model<T>, views: Float64Array, batchSize: number, settings: TrainSettings): { loss: T; gradients: T[] } {
  return b.scope(() => {
    const pixels = views.length / (2 * batchSize);
    const forward = modelForward(b, model, b.fromArray(views, [2 * batchSize, pixels]));
    const dimension = b.shape(forward.projection)[1]!;
    const anchors = b.slice(forward.projection, [0, 0], [batchSize, dimension]);
    const positives = b.slice(forward.projection, [batchSize, 0], [batchSize, dimension]);
    const result = pairLosses[settings.loss](b, anchors, positives, settings.temperature);
    const outputGradient = b.concat([result.anchors, result.positives], 0);
    return { loss: result.loss, gradients: flattenModel(modelBackward(b, model, forward.saved, outputGradient)) };
  });
}

/**
 * The live training demo: a tiny encoder learns the digits with NT-Xent in the reader's browser. Each step takes
 * `batchSize` training images, makes two augmented views of each, and minimises `ntXent(encode(v1), encode(v2))`
 * with Adam; the gradient is core's analytic backward through `tf.customGrad`. Every `evaluateEvery` steps the
 * held-out images are embedded for the scatter plot and the k-NN accuracy; when training ends (or is stopped),
 * the few-label evaluation compares the learned encoder, the same encoder before training and the raw pixels with
 * 1, 5 and 10 labelled training images per digit (`few-label-knn.ts`).
 */
import { createSeededRandom } from '@contrastive/playground';
import type { Scalar, Tensor2D } from '@tensorflow/tfjs-core';
import { augmentDigit } from './digits-augment.js';
import type { DigitImages } from './digits-data.js';
import { createDigitsEncoder } from './digits-encoder.js';
import { leaveOneOutKnnAccuracy, projectPca2d } from './embedding-metrics.js';
import { fewLabelKnn, type LiveFewLabelRow } from './few-label-knn.js';
import { loadTfjs, type LiveBackendName } from './tfjs-runtime.js';

export interface TrainingSettings {
  readonly backend: LiveBackendName;
  readonly steps: number;
  readonly batchSize: number;
  readonly temperature: number;
  readonly learningRate: number;
  readonly heldOut: number;
  readonly evaluateEvery: number;
}

export const defaultTrainingSettings: TrainingSettings = {
  backend: 'webgl',
  steps: 200,
  batchSize: 64,
  temperature: 0.2,
  learningRate: 0.01,
  heldOut: 300,
  evaluateEvery: 10,
};

export interface TrainingProgress {
  readonly backend: string;
  readonly step: number;
  readonly losses: readonly number[];
  readonly stepsPerSecond: number;
}

export interface Evaluation {
  readonly step: number;
  /** PCA projection [heldOut, 2] and the digit of each point. */
  readonly points: Float64Array;
  readonly labels: Uint8Array;
  readonly knnAccuracy: number;
}

/** After training (finished or stopped): held-out k-NN accuracy with 1, 5 and 10 labelled images per digit. */
export interface FewLabelEvaluation {
  readonly step: number;
  readonly draws: number;
  readonly rows: readonly LiveFewLabelRow[];
}

export interface TrainingCallbacks {
  onStep(progress: TrainingProgress): void;
  onEvaluation(evaluation: Evaluation): void;
  onFewLabel?(evaluation: FewLabelEvaluation): void;
  /** Polled before each step; return true to stop. */
  shouldStop(): boolean;
}

export async function trainDigits(digits: DigitImages, settings: TrainingSettings, callbacks: TrainingCallbacks): Promise<void> {
  const tf = await loadTfjs(settings.backend);
  const { ntXent } = await import('@contrastive/tfjs');
  const random = createSeededRandom(2020);
  const size = digits.width * digits.height;
  const trainCount = digits.count - settings.heldOut;
  const encoder = createDigitsEncoder(tf, [size, 64, 16], random);
  const optimizer = tf.train.adam(settings.learningRate);
  const heldOutImages = tf.tensor2d(digits.images.subarray(trainCount * size), [settings.heldOut, size]);
  const heldOutLabels = digits.labels.subarray(trainCount);
  const trainImages = tf.tensor2d(digits.images.subarray(0, trainCount * size), [trainCount, size]);
  const embedAll = async () => {
    const [train, heldOut] = [encoder.encode(trainImages), encoder.encode(heldOutImages)];
    const values = { train: await train.data(), heldOut: await heldOut.data(), dimension: 16 };
    tf.dispose([train, heldOut]);
    return values;
  };
  const evaluate = async (step: number) => {
    const embedded = encoder.encode(heldOutImages);
    const values = await embedded.data();
    embedded.dispose();
    callbacks.onEvaluation({
      step,
      points: projectPca2d(values, settings.heldOut, 16),
      labels: heldOutLabels,
      knnAccuracy: leaveOneOutKnnAccuracy(values, heldOutLabels, settings.heldOut, 16, 5),
    });
  };
  const views = () => {
    const batch = new Float32Array(2 * settings.batchSize * size);
    for (let i = 0; i < settings.batchSize; i++) {
      const image = digits.images.subarray(Math.floor(random.uniform() * trainCount) * size).subarray(0, size);
      for (const view of [0, 1]) batch.set(augmentDigit(image, digits.width, digits.height, random, { dropout: 0.1, noise: 0.1 }), (view * settings.batchSize + i) * size);
    }
    return tf.tensor2d(batch, [2 * settings.batchSize, size]);
  };
  const losses: number[] = [];
  const started = performance.now();
  try {
    const randomEncoder = await embedAll(); // the encoder before training, for the few-label comparison
    await evaluate(0);
    for (let step = 1; step <= settings.steps && !callbacks.shouldStop(); step++) {
      const batch = views();
      const cost = optimizer.minimize(() => {
        const z = encoder.encode(batch);
        const [first, second] = tf.split(z, 2, 0) as [Tensor2D, Tensor2D];
        return ntXent(first, second, { temperature: settings.temperature }) as Scalar; // reduction 'mean': a scalar
      }, true);
      losses.push((await cost!.data())[0]!);
      tf.dispose([cost!, batch]);
      callbacks.onStep({ backend: tf.getBackend(), step, losses, stepsPerSecond: step / ((performance.now() - started) / 1000) });
      if (step % settings.evaluateEvery === 0 || step === settings.steps) await evaluate(step);
      await tf.nextFrame();
    }
    if (callbacks.onFewLabel) {
      const raw = { train: digits.images.subarray(0, trainCount * size), heldOut: digits.images.subarray(trainCount * size), dimension: size };
      const draws = 5;
      const rows = fewLabelKnn({ learned: await embedAll(), random: randomEncoder, raw }, digits.labels.subarray(0, trainCount), heldOutLabels, [1, 5, 10], draws, createSeededRandom(7));
      callbacks.onFewLabel({ step: losses.length, draws, rows });
    }
  } finally {
    trainImages.dispose();
    optimizer.dispose();
    encoder.dispose();
    heldOutImages.dispose();
  }
}

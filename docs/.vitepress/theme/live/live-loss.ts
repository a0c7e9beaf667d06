/**
 * The "loss and gradient in your browser" example: NT-Xent from `@contrastive/tfjs` (a `tf.customGrad` op whose
 * gradient is core's analytic backward) on the tfjs backend the reader picks, checked against the same loss on
 * core's float64 reference backend.
 */
import { computeLossAndGradients, createReferenceBackend, disposeAll, ntXent as coreNtXent } from '@contrastive/core';
import { sampleEmbeddings } from '@contrastive/playground';
import { loadTfjs, type LiveBackendName } from './tfjs-runtime.js';

export interface LiveLossSettings {
  readonly backend: LiveBackendName;
  readonly batchSize: number;
  readonly dimension: number;
  readonly temperature: number;
}

export interface LiveLossResult {
  /** `tf.getBackend()` after the run: the backend that really computed. */
  readonly backend: string;
  readonly precision: string;
  readonly loss: number;
  /** `||dL/d anchors||_2` and `||dL/d positives||_2` from `tf.grads`. */
  readonly gradientNorms: { readonly anchors: number; readonly positives: number };
  /** The same three numbers on the float64 reference backend. */
  readonly reference: { readonly loss: number; readonly anchors: number; readonly positives: number };
  readonly milliseconds: number;
}

const norm = (values: ArrayLike<number>) => Math.sqrt(Array.from(values).reduce((sum, v) => sum + v * v, 0));

export async function runLiveLoss(settings: LiveLossSettings): Promise<LiveLossResult> {
  const tf = await loadTfjs(settings.backend);
  const { ntXent, detectPrecision } = await import('@contrastive/tfjs');
  const sample = sampleEmbeddings({ batchSize: settings.batchSize, dimension: settings.dimension, noise: 1, seed: 3 });
  const shape: [number, number] = [settings.batchSize, settings.dimension];
  const anchors = tf.tensor2d(Float32Array.from(sample.anchors), shape);
  const positives = tf.tensor2d(Float32Array.from(sample.positives), shape);
  const started = performance.now();
  const { value, grads } = tf.valueAndGrads((a, p) => ntXent(a, p, { temperature: settings.temperature }))([anchors, positives]);
  const [loss, anchorsGradient, positivesGradient] = await Promise.all([value.data(), grads[0]!.data(), grads[1]!.data()]);
  const milliseconds = performance.now() - started;
  tf.dispose([anchors, positives, value, ...grads]);
  return {
    backend: tf.getBackend(),
    precision: detectPrecision(tf),
    loss: loss[0]!,
    gradientNorms: { anchors: norm(anchorsGradient), positives: norm(positivesGradient) },
    reference: await referenceNtXent(sample.anchors, sample.positives, shape, settings.temperature),
    milliseconds,
  };
}

async function referenceNtXent(anchors: Float64Array, positives: Float64Array, shape: [number, number], temperature: number) {
  const backend = createReferenceBackend();
  const inputs = { anchors: backend.fromArray(anchors, shape), positives: backend.fromArray(positives, shape) };
  const result = computeLossAndGradients(backend, coreNtXent, inputs, { temperature });
  const [loss] = await backend.read(result.loss);
  const out = {
    loss: loss!,
    anchors: norm(await backend.read(result.gradients.anchors!)),
    positives: norm(await backend.read(result.gradients.positives!)),
  };
  disposeAll(backend, { inputs, result });
  return out;
}

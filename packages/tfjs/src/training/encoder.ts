import { ContrastiveInputError, formatShape } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * A model in the shape of a `tf.LayersModel` (or any layer): `apply(inputs)` runs it eagerly on a tensor.
 * The cached step calls `apply(x)` without `training: true`, so dropout is off and batch normalisation uses its
 * moving statistics: both passes over a sub-batch must give the same embeddings.
 *
 * @example
 * const model: EncoderModel = tfl.sequential({ layers: [tfl.layers.dense({ units: 32, inputShape: [64] })] });
 *
 * @see [Large batches](/guides/large-batches)
 */
export interface EncoderModel {
  /** Runs the model on `inputs`; must return one `tf.Tensor` with a row per input row. */
  apply(inputs: Tensor, kwargs?: { training?: boolean }): unknown;
}

/**
 * An encoder: a function from a batch of inputs ([rows, ...]) to embeddings ([rows, D]) computed from
 * `tf.Variable`s, or a model with `apply` (a `tf.LayersModel`). It must be deterministic (the cached step runs it
 * twice on each sub-batch: once to embed, once for the parameter gradients).
 *
 * @example
 * const encoder: Encoder = (x) => tf.matMul(tf.relu(tf.matMul(x, hidden)), output);
 *
 * @see [Large batches](/guides/large-batches)
 */
export type Encoder = ((inputs: Tensor) => Tensor) | EncoderModel;

/** Runs `encoder` on `rows` input rows, checking that it returns a tensor with one row per input row. */
export function encode(encoder: Encoder, inputs: Tensor, argument: string): Tensor {
  const result = typeof encoder === 'function' ? encoder(inputs) : encoder.apply(inputs);
  const rows = inputs.shape[0]!;
  if (!(result instanceof tf.Tensor)) {
    throw new ContrastiveInputError(argument, 'an encoder returning one tf.Tensor', describe(result));
  }
  if (result.rank < 1 || result.shape[0] !== rows) {
    throw new ContrastiveInputError(argument, `an encoder returning ${rows} rows (one per input row)`, `shape ${formatShape(result.shape)}`);
  }
  return result;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return value === null ? 'null' : typeof value;
}

/** True for a function or an object with an `apply` method. */
export function isEncoder(value: unknown): value is Encoder {
  if (typeof value === 'function') return true;
  return typeof value === 'object' && value !== null && typeof (value as { apply?: unknown }).apply === 'function';
}

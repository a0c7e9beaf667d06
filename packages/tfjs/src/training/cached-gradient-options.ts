import { ContrastiveInputError, formatShape } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { isEncoder, type Encoder } from './encoder.js';

/**
 * What `cachedGradients` and `cachedGradientStep` train on.
 *
 * @example
 * const options: CachedGradientOptions = {
 *   inputs: [images, texts],
 *   encoders: [imageEncoder, textEncoder],
 *   loss: ([image, text]) => clip(image!, text!, logitScale),
 *   subBatchSize: 64,
 * };
 *
 * @see [Large batches](/guides/large-batches)
 */
export interface CachedGradientOptions {
  /** The batches to embed, each [rows, ...] (rows may differ between inputs); one embedding tensor each. */
  readonly inputs: readonly Tensor[];
  /** One encoder for every input (shared weights, as SimCLR's two views), or one per input (CLIP's towers). */
  readonly encoders: Encoder | readonly Encoder[];
  /**
   * The loss over the whole batch: receives the embeddings in the order of `inputs` and returns a scalar,
   * e.g. `([a, p]) => infoNce(a!, p!)`. It may use further trainable variables (CLIP's `logitScale`).
   */
  readonly loss: (embeddings: readonly Tensor[]) => Tensor;
  /** Rows embedded at once; peak memory of the encoder follows it. A positive integer. */
  readonly subBatchSize: number;
  /** The variables to train. Default: every trainable variable, as `optimizer.minimize`. */
  readonly variables?: readonly Variable[];
}

/** Checks every option before a tensor is created; returns the encoder of each input and the variables. */
export function checkCachedGradientOptions(options: CachedGradientOptions): { encoders: Encoder[]; variables: Variable[] } {
  if (typeof options !== 'object' || options === null) throw new ContrastiveInputError('options', 'an object', String(options));
  const { inputs, subBatchSize, loss } = options;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new ContrastiveInputError('options.inputs', 'a non-empty array of tf.Tensor', Array.isArray(inputs) ? 'an empty array' : typeof inputs);
  }
  inputs.forEach((input: unknown, k) => {
    if (!(input instanceof tf.Tensor)) throw new ContrastiveInputError(`options.inputs[${k}]`, 'a tf.Tensor', typeof input);
    if (input.isDisposed) throw new ContrastiveInputError(`options.inputs[${k}]`, 'a live tf.Tensor', 'a disposed tensor');
    if (input.rank < 1 || input.shape[0]! < 1) {
      throw new ContrastiveInputError(`options.inputs[${k}]`, 'a tensor of rank >= 1 with at least one row', `shape ${formatShape(input.shape)}`);
    }
  });
  if (!Number.isInteger(subBatchSize) || subBatchSize < 1) {
    throw new ContrastiveInputError('options.subBatchSize', 'a positive integer', String(subBatchSize));
  }
  if (typeof loss !== 'function') throw new ContrastiveInputError('options.loss', 'a function of the embeddings', typeof loss);
  return { encoders: checkEncoders(options.encoders, inputs.length), variables: checkVariables(options.variables) };
}

function checkEncoders(encoders: CachedGradientOptions['encoders'], count: number): Encoder[] {
  if (!Array.isArray(encoders)) {
    if (!isEncoder(encoders)) throw new ContrastiveInputError('options.encoders', 'a function or a model with apply()', typeof encoders);
    return Array.from({ length: count }, () => encoders);
  }
  if (encoders.length !== count) {
    throw new ContrastiveInputError('options.encoders', `one encoder, or ${count} (one per input)`, `${encoders.length} encoders`);
  }
  encoders.forEach((encoder: unknown, k) => {
    if (!isEncoder(encoder)) throw new ContrastiveInputError(`options.encoders[${k}]`, 'a function or a model with apply()', typeof encoder);
  });
  return [...encoders];
}

function checkVariables(variables: readonly Variable[] | undefined): Variable[] {
  const chosen = variables ?? Object.values(tf.engine().registeredVariables).filter((variable) => variable.trainable);
  if (!Array.isArray(chosen)) throw new ContrastiveInputError('options.variables', 'an array of tf.Variable', typeof chosen);
  chosen.forEach((variable: unknown, i) => {
    if (!(variable instanceof tf.Variable)) throw new ContrastiveInputError(`options.variables[${i}]`, 'a tf.Variable', typeof variable);
  });
  if (chosen.length === 0) throw new ContrastiveInputError('options.variables', 'at least one trainable tf.Variable', 'none');
  return chosen;
}

import { ContrastiveInputError, formatShape } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { checkCachedGradientOptions, type CachedGradientOptions } from './cached-gradient-options.js';
import { encode, type Encoder } from './encoder.js';

/**
 * The loss and the parameter gradients of {@link cachedGradients}, as `optimizer.computeGradients` returns them.
 *
 * @example
 * const { value, grads }: CachedGradients = cachedGradients(options);
 *
 * @see [Large batches](/guides/large-batches)
 */
export interface CachedGradients {
  /** The loss over the whole batch. */
  readonly value: Scalar;
  /** The gradient of each variable the loss depends on, by variable name (others are absent). */
  readonly grads: NamedTensorMap;
}

/** Row ranges `[begin, size]` of at most `subBatchSize` rows covering `rows`. */
function subBatches(rows: number, subBatchSize: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let begin = 0; begin < rows; begin += subBatchSize) ranges.push([begin, Math.min(subBatchSize, rows - begin)]);
  return ranges;
}

function rowSlice(x: Tensor, begin: number, size: number): Tensor {
  return tf.slice(x, [begin, ...x.shape.slice(1).map(() => 0)], [size, ...x.shape.slice(1)]);
}

/** (a) Embeds `input` sub-batch by sub-batch outside any gradient tape: only the embeddings stay alive. */
function embedWithoutActivations(encoder: Encoder, input: Tensor, subBatchSize: number, argument: string): Tensor {
  const parts = subBatches(input.shape[0]!, subBatchSize).map(([begin, size]) =>
    tf.tidy(() => encode(encoder, rowSlice(input, begin, size), argument)),
  );
  const embeddings = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  if (parts.length > 1) tf.dispose(parts);
  return embeddings;
}

/** Adds `grads` into `total` (by variable name), disposing the tensors replaced. */
function accumulate(total: NamedTensorMap, grads: readonly (Tensor | null | undefined)[], variables: readonly Variable[]): void {
  grads.forEach((grad, i) => {
    if (grad == null) return;
    const name = variables[i]!.name;
    const previous = total[name];
    total[name] = previous ? tf.add(previous, grad) : grad;
    if (previous) tf.dispose([previous, grad]);
  });
}

/**
 * Gradient caching (GradCache, Gao et al. 2021, arXiv:2101.06983): the loss and the parameter gradients of a batch
 * whose encoder activations would not fit at once. Steps: (a) every input is embedded `subBatchSize` rows at a time
 * without a gradient tape, keeping only the embeddings; (b) the loss and its gradient with respect to every
 * embedding (and to variables the loss uses itself, e.g. CLIP's `logitScale`) are computed over the whole batch,
 * by this package's analytic backward; (c) each sub-batch is embedded again under a tape with the objective
 * `sum(embeddings * cachedGradient)`, whose parameter gradient is that sub-batch's share of the loss's gradient
 * (chain rule), and the shares are summed. The result equals the plain `optimizer.computeGradients` of the whole
 * batch up to float rounding; encoder memory follows `subBatchSize`, while the loss still holds its [N, N] matrices.
 * The encoders must be deterministic (no dropout; models run in inference mode). Every tensor created is released,
 * also when a call throws; bad options throw `ContrastiveInputError` naming the option before any work.
 *
 * @param options - Inputs, encoders, loss, sub-batch size and (optionally) the variables to train.
 * @returns The loss (a scalar) and the gradients by variable name; the caller disposes them.
 *
 * @example
 * const { value, grads } = cachedGradients({ inputs: [views1, views2], encoders: encoder, loss: ([a, p]) => ntXent(a!, p!), subBatchSize: 32 });
 * optimizer.applyGradients(grads);
 * tf.dispose([value, grads]);
 *
 * @see [Large batches](/guides/large-batches)
 */
export function cachedGradients(options: CachedGradientOptions): CachedGradients {
  const { encoders, variables } = checkCachedGradientOptions(options);
  const { inputs, subBatchSize } = options;
  return tf.tidy(() => {
    const embeddings = inputs.map((input, k) => embedWithoutActivations(encoders[k]!, input, subBatchSize, `options.encoders[${k}]`));
    const wholeBatch = gradientsOrThrow(() => checkScalar(options.loss(embeddings)), [...embeddings, ...variables]);
    tf.dispose(embeddings);
    const grads: NamedTensorMap = {};
    accumulate(grads, wholeBatch.grads.slice(inputs.length), variables);
    inputs.forEach((input, k) => {
      const cached = wholeBatch.grads[k];
      if (!cached) return; // the loss does not use this input
      for (const [begin, size] of subBatches(input.shape[0]!, subBatchSize)) {
        const share = gradientsOrThrow(
          () => tf.sum(tf.mul(encode(encoders[k]!, rowSlice(input, begin, size), `options.encoders[${k}]`), rowSlice(cached, begin, size))),
          variables,
        );
        share.value.dispose();
        accumulate(grads, share.grads, variables);
      }
      cached.dispose();
    });
    return { value: wholeBatch.value as Scalar, grads };
  });
}

/**
 * One optimizer step with {@link cachedGradients}: the same update as `optimizer.minimize` on the whole batch,
 * with encoder memory following `subBatchSize`.
 *
 * @param optimizer - Any tfjs optimizer.
 * @param options - Inputs, encoders, loss, sub-batch size and (optionally) the variables to train.
 * @returns The loss of the batch before the update (a scalar the caller disposes).
 *
 * @example
 * const optimizer = tf.train.adam(1e-3);
 * const loss = cachedGradientStep(optimizer, { inputs: [views1, views2], encoders: encoder, loss: ([a, p]) => ntXent(a!, p!), subBatchSize: 32 });
 * console.log('loss', (await loss.data())[0]);
 * loss.dispose();
 *
 * @see [Large batches](/guides/large-batches)
 */
export function cachedGradientStep(optimizer: Optimizer, options: CachedGradientOptions): Scalar {
  if (typeof (optimizer as Partial<Optimizer> | null)?.applyGradients !== 'function') {
    throw new ContrastiveInputError('optimizer', 'a tf.Optimizer (tf.train.*)', typeof optimizer);
  }
  const { value, grads } = cachedGradients(options);
  try {
    optimizer.applyGradients(grads);
  } catch (error) {
    value.dispose();
    throw error;
  } finally {
    tf.dispose(grads);
  }
  return value;
}

/**
 * `tf.engine().gradients(f, xs)` (variables without a path to the result get none) that leaks nothing when `f`
 * throws: tfjs keeps the tensors saved for the backward of every op taped before the throw and frees them only when
 * a gradient computation completes, so the error is caught inside `f`, an unconnected zero is differentiated, and
 * the error is thrown again once the tape is released.
 */
function gradientsOrThrow(f: () => Tensor, xs: Tensor[]): { value: Tensor; grads: (Tensor | undefined)[] } {
  let failure: { error: unknown } | undefined;
  const result = tf.engine().gradients(
    () => {
      try {
        return f();
      } catch (error) {
        failure = { error };
        return tf.scalar(0);
      }
    },
    xs,
    undefined,
    true,
  );
  if (failure) {
    tf.dispose([result.value, ...result.grads.filter((grad): grad is Tensor => grad != null)]);
    throw failure.error;
  }
  return result;
}

function checkScalar(loss: unknown): Tensor {
  if (!(loss instanceof tf.Tensor)) throw new ContrastiveInputError('options.loss', 'a function returning a scalar tf.Tensor', typeof loss);
  if (loss.rank !== 0) throw new ContrastiveInputError('options.loss', 'a function returning a scalar (reduction mean or sum)', `shape ${formatShape(loss.shape)}`);
  return loss;
}

import { checkLossCall, ContrastiveInputError, type LossDefinition, type LossInputs } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { customGradLoss } from './custom-grad-loss.js';
import { toFloatTensor } from './to-float-tensor.js';
import { toCoreReduction, type ReductionInput } from './reduction.js';
import { createTfjsBackend } from './tfjs-backend.js';

/**
 * A tensor argument: a `tf.Tensor`, or anything `tf.tensor` accepts (nested arrays, typed arrays, numbers).
 *
 * @example
 * const loss = ntXent([[1, 0], [0, 1]], tf.tensor2d([[0.9, 0.1], [0.1, 0.9]]));
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export type TensorInput = Tensor | TensorLike;

/**
 * Core's options for a loss, each optional, with `reduction` also accepting the `Reduction` enum.
 *
 * @example
 * const options: TfjsLossOptions<NtXentOptions> = { temperature: 0.1, reduction: Reduction.SUM };
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export type TfjsLossOptions<O> = { readonly [K in keyof O]?: K extends 'reduction' ? ReductionInput : O[K] };

/**
 * A core loss as a tfjs op: tensor arguments in the loss's input order, then options.
 *
 * @example
 * console.log(ntXent.definition.name); // 'nt-xent'
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export interface TfjsLoss<A extends readonly unknown[], O extends object> {
  (...args: [...A, options?: TfjsLossOptions<O>]): Tensor;
  /** The core definition this op runs (forward and analytic backward). */
  readonly definition: LossDefinition<string, O>;
}

let sharedBackend: ReturnType<typeof createTfjsBackend> | undefined;

/**
 * The adapter the tfjs-native losses run on (over this package's `@tensorflow/tfjs-core`).
 *
 * @returns The shared `TensorBackend`, created on first use.
 *
 * @example
 * const accuracy = core.topKAccuracy(tfjsLossBackend(), { anchors, positives });
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export function tfjsLossBackend(): ReturnType<typeof createTfjsBackend> {
  sharedBackend ??= createTfjsBackend(tf);
  return sharedBackend;
}

/**
 * Turns a core `LossDefinition` into a tfjs op whose gradient is core's analytic backward (`tf.customGrad`).
 * The op converts `TensorLike` arguments to float32 tensors, runs core's call contract on them (`checkLossCall`:
 * dtypes, shapes, options, values, memory; throwing `ContrastiveInputError` or `ContrastiveResourceError` before
 * any kernel runs, leaking nothing), and runs inside `tf.tidy`, so only the loss tensor survives the call.
 *
 * @param definition - The core loss definition.
 * @returns The op, with `definition` attached.
 *
 * @example
 * const ntXent = tfjsLoss<[anchors: TensorInput, positives: TensorInput], NtXentOptions>(core.ntXent);
 * const loss = ntXent(anchors, positives, { temperature: 0.1 }); // tf.Scalar
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export function tfjsLoss<A extends readonly unknown[], O extends object>(definition: LossDefinition<string, O>): TfjsLoss<A, O> {
  const run = (...args: unknown[]): Tensor => {
    const { tensors, options } = splitArguments(definition, args);
    const backend = tfjsLossBackend();
    return tf.tidy(() => {
      const inputs = toInputs(definition, tensors);
      const checked = checkLossCall(backend, definition, inputs, toCoreOptions(options) as Partial<O> | undefined);
      return customGradLoss(tf, backend, definition, { inputs, ...checked });
    });
  };
  const op: TfjsLoss<A, O> = Object.assign(run, { definition });
  return op;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/** Tensor arguments by position; a plain object right after the last given tensor is the options. */
function splitArguments(definition: LossDefinition<string, object>, args: readonly unknown[]) {
  const count = definition.inputs.length;
  const last = args[args.length - 1];
  if (args.length <= count && isPlainObject(last)) return { tensors: args.slice(0, -1), options: last };
  if (args.length > count + 1) {
    throw new ContrastiveInputError('arguments', `at most ${count} tensors (${definition.inputs.join(', ')}) and options`, `${args.length} arguments`);
  }
  return { tensors: args.slice(0, count), options: args[count] };
}

function toCoreOptions(options: unknown): unknown {
  if (!isPlainObject(options) || options['reduction'] === undefined) return options;
  return { ...options, reduction: toCoreReduction(options['reduction'] as ReductionInput) };
}

/**
 * Tensors by input name: `tf.Tensor`s as given (their dtype is checked by core), `TensorLike` values converted to
 * float32. Call inside `tf.tidy` (converted tensors are released with it).
 */
function toInputs(definition: LossDefinition<string, object>, tensors: readonly unknown[]): LossInputs<Tensor, string> {
  const inputs: Record<string, Tensor> = {};
  definition.inputs.forEach((name, i) => {
    const value = tensors[i];
    if (value === undefined || value === null) return;
    inputs[name] = value instanceof tf.Tensor ? value : toFloatTensor(value, name);
  });
  return inputs;
}

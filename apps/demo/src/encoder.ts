/**
 * A multilayer perceptron encoder written over core's `TensorBackend` primitives, with a manual backward.
 *
 * Forward, for layers `l = 1 .. L` with `h_0 = x` [N, sizes[0]]:
 *   `a_l = h_{l-1} W_l + b_l` ([N, sizes[l]]), `h_l = relu(a_l) = max(a_l, 0)` for `l < L`, and `h_L = a_L`.
 * Backward, from `g_L = dL/dh_L`: `dW_l = h_{l-1}^T g_l`, `db_l = sum_rows g_l`, `dh_{l-1} = g_l W_l^T`, and
 *   `g_{l-1} = dh_{l-1} * [a_{l-1} > 0]` (the ReLU mask; its derivative at exactly 0 is taken as 0); on request
 *   also `dL/dx = dh_0 = g_1 W_1^T` (to chain a projection head's gradient into the encoder below it).
 */
import type { TensorBackend } from '@contrastive/core';
import type { Random } from './random.js';

/** One affine layer: `weight` [inputs, outputs], `bias` [1, outputs]. */
export interface Layer<T> {
  readonly weight: T;
  readonly bias: T;
}

export interface EncoderForward<T> {
  readonly output: T;
  /** The layer inputs `h_{l-1}` and pre-activations `a_l` the backward needs. */
  readonly saved: { readonly inputs: readonly T[]; readonly preActivations: readonly T[] };
}

/**
 * He-normal weights (standard deviation `sqrt(2 / inputs)` before a ReLU, `sqrt(1 / inputs)` for the last,
 * linear layer) and zero biases. `sizes` lists the widths, e.g. `[64, 128, 32]`.
 */
export function createEncoder<T>(backend: TensorBackend<T>, sizes: readonly number[], random: Random): Layer<T>[] {
  const layers: Layer<T>[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const [inputs, outputs] = [sizes[l - 1]!, sizes[l]!];
    const scale = Math.sqrt((l < sizes.length - 1 ? 2 : 1) / inputs);
    const weights = Array.from({ length: inputs * outputs }, () => scale * random.normal());
    layers.push({ weight: backend.fromArray(weights, [inputs, outputs]), bias: backend.fill([1, outputs], 0) });
  }
  return layers;
}

/** Runs the encoder on `x` [N, sizes[0]]. */
export function encoderForward<T>(backend: TensorBackend<T>, layers: readonly Layer<T>[], x: T): EncoderForward<T> {
  const b = backend;
  const zero = b.fill([], 0);
  const inputs: T[] = [];
  const preActivations: T[] = [];
  let h = x;
  layers.forEach((layer, l) => {
    inputs.push(h);
    const a = b.add(b.matmul(h, layer.weight), layer.bias);
    preActivations.push(a);
    h = l < layers.length - 1 ? b.maximum(a, zero) : a;
  });
  return { output: h, saved: { inputs, preActivations } };
}

/**
 * Gradients of every layer's weight and bias, given `outputGradient` = dL/d(output) [N, sizes[L]]; with
 * `inputGradient`, also dL/dx [N, sizes[0]].
 */
export function encoderBackward<T>(
  backend: TensorBackend<T>,
  layers: readonly Layer<T>[],
  saved: EncoderForward<T>['saved'],
  outputGradient: T,
  inputGradient = false,
): { layers: Layer<T>[]; input?: T } {
  const b = backend;
  const zero = b.fill([], 0);
  const gradients: Layer<T>[] = new Array(layers.length);
  let g = outputGradient;
  for (let l = layers.length - 1; l >= 0; l--) {
    gradients[l] = {
      weight: b.matmul(saved.inputs[l]!, g, { transposeA: true }),
      bias: b.sum(g, 0, true),
    };
    if (l === 0 && !inputGradient) break;
    const upstream = b.matmul(g, layers[l]!.weight, { transposeB: true });
    if (l === 0) return { layers: gradients, input: upstream };
    g = b.where(b.greater(saved.preActivations[l - 1]!, zero), upstream, zero);
  }
  return { layers: gradients };
}

/** Flattens layers into `[W_1, b_1, W_2, b_2, ...]` (the order the optimizer uses). */
export function flattenLayers<T>(layers: readonly Layer<T>[]): T[] {
  return layers.flatMap((layer) => [layer.weight, layer.bias]);
}

/** The inverse of `flattenLayers`. */
export function unflattenLayers<T>(tensors: readonly T[]): Layer<T>[] {
  const layers: Layer<T>[] = [];
  for (let i = 0; i < tensors.length; i += 2) layers.push({ weight: tensors[i]!, bias: tensors[i + 1]! });
  return layers;
}

/**
 * The SimCLR arrangement (Chen et al. 2020): an encoder `f` maps an image `x` to its representation `h = f(x)`,
 * a projection head `g` maps `h` to `z = g(h)`; the contrastive loss acts on `z`, and the representation `h` is
 * what gets evaluated (and kept). Both are MLPs from `encoder.ts` (ReLU between layers, the last layer linear).
 *
 * Backward, from `dL/dz`: the head's backward gives its parameters' gradients and `dL/dh`, which the encoder's
 * backward takes as its output gradient.
 */
import type { TensorBackend } from '@contrastive/core';
import { createEncoder, encoderBackward, encoderForward, flattenLayers, unflattenLayers, type Layer } from './encoder.js';
import type { Random } from './random.js';

export interface Model<T> {
  readonly encoder: Layer<T>[];
  readonly head: Layer<T>[];
}

/** Layer widths, e.g. `{ encoder: [64, 256, 16], head: [16, 64, 32] }` (the head starts at the encoder's end). */
export interface ModelSizes {
  readonly encoder: readonly number[];
  readonly head: readonly number[];
}

export interface ModelForward<T> {
  /** `h`, the representation [N, encoder width out]. */
  readonly representation: T;
  /** `z`, the projection the loss acts on [N, head width out]. */
  readonly projection: T;
  readonly saved: { readonly encoder: ReturnType<typeof encoderForward<T>>['saved']; readonly head: ReturnType<typeof encoderForward<T>>['saved'] };
}

/** He-normal initialisation of both parts (see `createEncoder`); encoder first, then head, from `random`. */
export function createModel<T>(backend: TensorBackend<T>, sizes: ModelSizes, random: Random): Model<T> {
  return { encoder: createEncoder(backend, sizes.encoder, random), head: createEncoder(backend, sizes.head, random) };
}

export function modelForward<T>(backend: TensorBackend<T>, model: Model<T>, x: T): ModelForward<T> {
  const encoded = encoderForward(backend, model.encoder, x);
  const projected = encoderForward(backend, model.head, encoded.output);
  return { representation: encoded.output, projection: projected.output, saved: { encoder: encoded.saved, head: projected.saved } };
}

/** Gradients of every parameter, given `projectionGradient` = dL/dz. */
export function modelBackward<T>(backend: TensorBackend<T>, model: Model<T>, saved: ModelForward<T>['saved'], projectionGradient: T): Model<T> {
  const head = encoderBackward(backend, model.head, saved.head, projectionGradient, true);
  const encoder = encoderBackward(backend, model.encoder, saved.encoder, head.input!);
  return { encoder: encoder.layers, head: head.layers };
}

/** `[...encoder weights and biases, ...head weights and biases]` (the order the optimizer uses). */
export function flattenModel<T>(model: Model<T>): T[] {
  return [...flattenLayers(model.encoder), ...flattenLayers(model.head)];
}

/** The inverse of `flattenModel`, given the encoder's layer count. */
export function unflattenModel<T>(tensors: readonly T[], encoderLayers: number): Model<T> {
  return { encoder: unflattenLayers(tensors.slice(0, 2 * encoderLayers)), head: unflattenLayers(tensors.slice(2 * encoderLayers)) };
}

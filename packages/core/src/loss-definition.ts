import type { TensorBackend } from './tensor-backend.js';
import { collectTensors } from './reference/tensor-tracker.js';

/** Tensor inputs of a loss, by name. Optional inputs may be absent. */
export type LossInputs<T, I extends string> = { readonly [K in I]?: T };

/** Gradients by input name: one entry per name in `gradientInputs`. */
export type LossGradients<T, I extends string> = { readonly [K in I]?: T };

export interface LossForward<T> {
  /** A scalar for `mean`/`sum`, one value per anchor (or pair) for `none`. */
  readonly loss: T;
  /** Whatever the backward needs; opaque outside the loss. */
  readonly saved: object;
}

/**
 * One loss: a forward and an analytic backward over the tensor interface, like a `tf.customGrad` op.
 * `validate` checks shapes (and values where they are readable on the host) and throws
 * `ContrastiveInputError` before any tensor is created.
 */
export interface LossDefinition<I extends string, O extends object> {
  readonly name: string;
  /** Every tensor input, in the order the loss takes them. */
  readonly inputs: readonly I[];
  /** The floating-point inputs that receive gradients. */
  readonly gradientInputs: readonly I[];
  readonly defaults: Readonly<O>;
  resolveOptions(options: Partial<O> | undefined): O;
  validate<T>(backend: TensorBackend<T>, inputs: LossInputs<T, I>, options: O): void;
  forward<T>(backend: TensorBackend<T>, inputs: LossInputs<T, I>, options: O): LossForward<T>;
  /** `upstream` has the shape of the loss (a scalar, or [rows] for `reduction: 'none'`). */
  backward<T>(backend: TensorBackend<T>, saved: object, upstream: T, options: O): LossGradients<T, I>;
}

export type InputNameOf<L> = L extends LossDefinition<infer I, object> ? I : never;
export type OptionsOf<L> = L extends LossDefinition<string, infer O> ? O : never;

/**
 * Computes a loss value. Validates inputs and options first; every intermediate tensor is released.
 *
 * @example
 * const loss = computeLoss(backend, ntXent, { anchors, positives }, { temperature: 0.1 });
 */
export function computeLoss<T, I extends string, O extends object>(
  backend: TensorBackend<T>,
  loss: LossDefinition<I, O>,
  inputs: LossInputs<T, I>,
  options?: Partial<O>,
): T {
  const resolved = loss.resolveOptions(options);
  loss.validate(backend, inputs, resolved);
  return backend.scope(() => loss.forward(backend, inputs, resolved).loss);
}

/**
 * Computes a loss and the gradient of every floating-point input (analytic backward, no autodiff).
 * `upstream` defaults to ones of the loss's shape.
 */
export function computeLossAndGradients<T, I extends string, O extends object>(
  backend: TensorBackend<T>,
  loss: LossDefinition<I, O>,
  inputs: LossInputs<T, I>,
  options?: Partial<O>,
  upstream?: T,
): { loss: T; gradients: LossGradients<T, I> } {
  const resolved = loss.resolveOptions(options);
  loss.validate(backend, inputs, resolved);
  return backend.scope(() => {
    const forward = loss.forward(backend, inputs, resolved);
    const seed = upstream ?? backend.fill(backend.shape(forward.loss), 1);
    const gradients = loss.backward(backend, forward.saved, seed, resolved);
    return { loss: forward.loss, gradients };
  });
}

/** Disposes every tensor reachable from `value` (plain objects and arrays are searched). */
export function disposeAll<T>(backend: TensorBackend<T>, value: unknown): void {
  const found = new Set<T>();
  collectTensors(value, (v): v is T => backend.isTensor(v), found);
  for (const tensor of found) backend.dispose(tensor);
}

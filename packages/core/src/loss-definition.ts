import type { TensorBackend } from './tensor-backend.js';
import { checkBackend, checkCall, checkInputsObject, checkLoss, checkTensor, hostValues, type CheckedCall } from './contract/check-call.js';
import { flagOutputs, type DeviceCandidate } from './contract/device-check.js';
import { checkKnownValues } from './contract/input-facts.js';
import type { LossContract } from './contract/loss-contract.js';
import { collectTensors } from './reference/tensor-tracker.js';
import { expectSameShape } from './validation.js';

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
  /** Input roles, magnitudes and working set for the checks every call gets (absent: all inputs are embeddings). */
  readonly contract?: LossContract<I, O>;
  resolveOptions(options: Partial<O> | undefined): O;
  validate<T>(backend: TensorBackend<T>, inputs: LossInputs<T, I>, options: O): void;
  forward<T>(backend: TensorBackend<T>, inputs: LossInputs<T, I>, options: O): LossForward<T>;
  /** `upstream` has the shape of the loss (a scalar, or [rows] for `reduction: 'none'`). */
  backward<T>(backend: TensorBackend<T>, saved: object, upstream: T, options: O): LossGradients<T, I>;
}

export type InputNameOf<L> = L extends LossDefinition<infer I, object> ? I : never;
export type OptionsOf<L> = L extends LossDefinition<string, infer O> ? O : never;

/**
 * Computes a loss value. Checks the call first (see `contract/check-call.ts`: tensors, dtypes, shapes, options,
 * values in the backend's precision, memory) and throws `ContrastiveInputError` or `ContrastiveResourceError`
 * before any kernel runs; every intermediate tensor is released.
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
  const { resolved, checked } = prepareCall(backend, loss, inputs, options);
  return backend.scope(() => flagOutputs(backend, checked.deviceChecked, { loss: loss.forward(backend, inputs, resolved).loss }).loss!);
}

/**
 * Computes a loss and the gradient of every floating-point input (analytic backward, no autodiff).
 * `upstream` (the gradient of whatever consumes the loss) has the loss's shape and defaults to ones; it is
 * checked like an input.
 */
export function computeLossAndGradients<T, I extends string, O extends object>(
  backend: TensorBackend<T>,
  loss: LossDefinition<I, O>,
  inputs: LossInputs<T, I>,
  options?: Partial<O>,
  upstream?: T,
): { loss: T; gradients: LossGradients<T, I> } {
  const { resolved, checked } = prepareCall(backend, loss, inputs, options);
  const deviceChecked = [...checked.deviceChecked];
  if (upstream !== undefined) {
    checkTensor(backend, upstream, 'upstream', 'embeddings');
    if (backend.capabilities.checkValues !== 'off') checkUpstreamValues(backend, upstream, deviceChecked);
  }
  return backend.scope(() => {
    const forward = loss.forward(backend, inputs, resolved);
    const lossShape = backend.shape(forward.loss);
    if (upstream !== undefined) expectSameShape(backend.shape(upstream), lossShape, 'upstream', `the loss (reduction ${describeReduction(resolved)})`);
    const seed = upstream ?? backend.fill(lossShape, 1);
    const gradients = loss.backward(backend, forward.saved, seed, resolved);
    const flagged = flagOutputs(backend, deviceChecked, { loss: forward.loss, ...(gradients as Record<string, T | undefined>) });
    const { loss: value, ...rest } = flagged;
    return { loss: value!, gradients: rest as LossGradients<T, I> };
  });
}

/**
 * The checks `computeLoss` runs before the forward, for adapters that run a loss their own way (a
 * `tf.customGrad` op): returns the resolved options and the inputs to flag on the device (`flagOutputs`).
 */
export function checkLossCall<T, I extends string, O extends object>(
  backend: TensorBackend<T>,
  loss: LossDefinition<I, O>,
  inputs: LossInputs<T, I>,
  options: Partial<O> | undefined,
): { options: O; deviceChecked: readonly DeviceCandidate<T>[] } {
  const { resolved, checked } = prepareCall(backend, loss, inputs, options);
  return { options: resolved, deviceChecked: checked.deviceChecked };
}

function prepareCall<T, I extends string, O extends object>(
  backend: TensorBackend<T>,
  loss: LossDefinition<I, O>,
  inputs: LossInputs<T, I>,
  options: Partial<O> | undefined,
): { resolved: O; checked: CheckedCall<T> } {
  checkBackend(backend);
  checkLoss(loss);
  checkInputsObject(loss.inputs, inputs);
  const resolved = loss.resolveOptions(options);
  return { resolved, checked: checkCall(backend, loss, inputs, resolved) };
}

/** Upstream values like an input's: on the host when known, else flagged on the device. */
function checkUpstreamValues<T>(backend: TensorBackend<T>, upstream: T, deviceChecked: DeviceCandidate<T>[]): void {
  const values = hostValues(backend, upstream);
  if (values) checkKnownValues(values, backend.shape(upstream), 'embeddings', 'upstream', backend.capabilities.precision);
  else deviceChecked.push(['upstream', upstream]);
}

function describeReduction(options: object): string {
  const reduction = (options as { reduction?: unknown }).reduction;
  return typeof reduction === 'string' ? `'${reduction}'` : 'of this loss';
}

/** Disposes every tensor reachable from `value` (plain objects and arrays are searched). */
export function disposeAll<T>(backend: TensorBackend<T>, value: unknown): void {
  const found = new Set<T>();
  collectTensors(value, (v): v is T => backend.isTensor(v), found);
  for (const tensor of found) backend.dispose(tensor);
}

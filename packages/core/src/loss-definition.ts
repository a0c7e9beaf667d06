import type { TensorBackend } from './tensor-backend.js';
import { checkBackend, checkCall, checkInputsObject, checkLoss, checkTensor, checkUpstreamValues, hostValues, type CheckedCall } from './contract/check-call.js';
import { flagOutputs, type DeviceCandidate } from './contract/device-check.js';
import type { LossContract } from './contract/loss-contract.js';
import { collectTensors } from './reference/tensor-tracker.js';
import { expectSameShape } from './validation.js';

/**
 * Tensor inputs of a loss, by name. Optional inputs may be absent.
 *
 * @example
 * const inputs: LossInputs<ReferenceTensor, InputNameOf<typeof ntXent>> = { anchors, positives };
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export type LossInputs<T, I extends string> = { readonly [K in I]?: T };

/**
 * Gradients by input name: one entry per name in `gradientInputs`.
 *
 * @example
 * const { gradients } = computeLossAndGradients(backend, ntXent, { anchors, positives });
 * const dAnchors = gradients.anchors!;
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export type LossGradients<T, I extends string> = { readonly [K in I]?: T };

/**
 * What a loss's `forward` returns: the loss and what its `backward` needs.
 *
 * @example
 * const { loss, saved } = ntXent.forward(backend, inputs, ntXent.resolveOptions({}));
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export interface LossForward<T> {
  /** A scalar for `mean`/`sum`, one value per anchor (or pair) for `none`. */
  readonly loss: T;
  /** Whatever the backward needs; opaque outside the loss. */
  readonly saved: object;
}

/**
 * One loss: a forward and an analytic backward over the tensor interface, like a `tf.customGrad` op.
 * `validate` checks shapes (and values where they are readable on the host) and throws
 * `ContrastiveInputError` before any tensor is created. Call one through {@link computeLoss} or
 * {@link computeLossAndGradients}, never its methods directly (they skip the checks).
 *
 * @typeParam I - The input names, e.g. `'anchors' | 'positives'`.
 * @typeParam O - The options, all required here; calls take a `Partial<O>` merged over `defaults`.
 *
 * @example
 * const loss = computeLoss(backend, ntXent, { anchors, positives });
 * console.log(ntXent.name, ntXent.inputs, ntXent.defaults); // 'nt-xent', ['anchors', 'positives'], { temperature: 0.5, ... }
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export interface LossDefinition<I extends string, O extends object> {
  /** The fixture name, kebab-case (`'nt-xent'`); also the name in error messages. */
  readonly name: string;
  /** Every tensor input, in the order the loss takes them (the positional order of the tfjs op). */
  readonly inputs: readonly I[];
  /** The inputs a call may leave out (absent: none); the generated tfjs op marks them optional. */
  readonly optionalInputs?: readonly I[];
  /** The floating-point inputs that receive gradients. */
  readonly gradientInputs: readonly I[];
  /** The value of every option when a call leaves it out. */
  readonly defaults: Readonly<O>;
  /** Input roles, magnitudes and working set for the checks every call gets (absent: all inputs are embeddings). */
  readonly contract?: LossContract<I, O>;
  /** Merges `options` over `defaults` and checks every value; throws `ContrastiveInputError` for a bad one. */
  resolveOptions(options: Partial<O> | undefined): O;
  /** Checks input shapes (and values readable on the host); throws `ContrastiveInputError`. */
  validate<T>(backend: TensorBackend<T>, inputs: LossInputs<T, I>, options: O): void;
  /** The loss and the values its backward needs, from validated inputs and resolved options. */
  forward<T>(backend: TensorBackend<T>, inputs: LossInputs<T, I>, options: O): LossForward<T>;
  /** `upstream` has the shape of the loss (a scalar, or [rows] for `reduction: 'none'`). */
  backward<T>(backend: TensorBackend<T>, saved: object, upstream: T, options: O): LossGradients<T, I>;
}

/**
 * The input names of a loss definition: `InputNameOf<typeof ntXent>` is `'anchors' | 'positives'`.
 *
 * @example
 * type Names = InputNameOf<typeof supCon>; // 'embeddings' | 'labels'
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export type InputNameOf<L> = L extends LossDefinition<infer I, object> ? I : never;
/**
 * The options of a loss definition: `OptionsOf<typeof ntXent>` is `NtXentOptions`.
 *
 * @example
 * const options: Partial<OptionsOf<typeof ntXent>> = { temperature: 0.1 };
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export type OptionsOf<L> = L extends LossDefinition<string, infer O> ? O : never;

/**
 * Computes a loss value. Checks the call first (see `contract/check-call.ts`: tensors, dtypes, shapes, options,
 * values in the backend's precision, memory) and throws `ContrastiveInputError` or `ContrastiveResourceError`
 * before any kernel runs; every intermediate tensor is released.
 *
 * @param backend - The tensor backend that holds the inputs and runs the loss (e.g. `createReferenceBackend()`).
 * @param loss - The loss definition, e.g. `ntXent`.
 * @param inputs - The loss's tensors by name (its `inputs`), on `backend`.
 * @param options - Options of the loss; each one left out takes the loss's default (`loss.defaults`).
 * @returns The loss: a scalar for `reduction: 'mean'` or `'sum'`, one value per row for `'none'`. The caller
 * disposes it.
 * @throws ContrastiveInputError for a bad backend, input, shape, dtype, value or option.
 * @throws ContrastiveResourceError when the working set exceeds the memory budget.
 *
 * @example
 * const loss = computeLoss(backend, ntXent, { anchors, positives }, { temperature: 0.1 });
 *
 * @see [Getting started](/guides/getting-started)
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
 *
 * @param backend - The tensor backend that holds the inputs and runs the loss.
 * @param loss - The loss definition, e.g. `ntXent`.
 * @param inputs - The loss's tensors by name (its `inputs`), on `backend`.
 * @param options - Options of the loss; each one left out takes the loss's default (`loss.defaults`).
 * @param upstream - The gradient flowing into the loss, with the loss's shape. Default: ones.
 * @returns `loss` (as {@link computeLoss}) and `gradients`, one tensor per name in `loss.gradientInputs`, each with
 * its input's shape. The caller disposes them (`disposeAll(backend, result)`).
 * @throws ContrastiveInputError for a bad backend, input, shape, dtype, value, option or `upstream`.
 * @throws ContrastiveResourceError when the working set exceeds the memory budget.
 *
 * @example
 * const { loss, gradients } = computeLossAndGradients(backend, ntXent, { anchors, positives });
 * const dAnchors = await backend.read(gradients.anchors!);
 * disposeAll(backend, { loss, gradients });
 *
 * @see [Getting started](/guides/getting-started)
 */
export function computeLossAndGradients<T, I extends string, O extends object>(
  backend: TensorBackend<T>,
  loss: LossDefinition<I, O>,
  inputs: LossInputs<T, I>,
  options?: Partial<O>,
  upstream?: T,
): {
  /** The loss, as `computeLoss` returns it. */
  loss: T;
  /** The gradient of each input in `loss.gradientInputs`. */
  gradients: LossGradients<T, I>;
} {
  const { resolved, checked } = prepareCall(backend, loss, inputs, options);
  const deviceChecked = [...checked.deviceChecked];
  if (upstream !== undefined) {
    checkTensor(backend, upstream, 'upstream', 'embeddings');
    if (backend.capabilities.checkValues !== 'off') checkUpstream(backend, upstream, checked.gradientScale, deviceChecked);
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
 *
 * @param backend - The tensor backend.
 * @param loss - The loss definition.
 * @param inputs - The loss's tensors by name.
 * @param options - Options of the loss; each one left out takes its default.
 * @throws ContrastiveInputError or ContrastiveResourceError, as `computeLoss`.
 *
 * @example
 * const { options, deviceChecked } = checkLossCall(backend, ntXent, inputs, userOptions);
 *
 * @see [Write your own backend](/backends/write-your-own)
 */
export function checkLossCall<T, I extends string, O extends object>(
  backend: TensorBackend<T>,
  loss: LossDefinition<I, O>,
  inputs: LossInputs<T, I>,
  options: Partial<O> | undefined,
): {
  /** The resolved options. */
  options: O;
  /** The inputs whose values are checked on the device (pass to `flagOutputs`). */
  deviceChecked: readonly DeviceCandidate<T>[];
} {
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

/** Upstream values like an input's (on the host when known, else flagged on the device), and their magnitude. */
function checkUpstream<T>(backend: TensorBackend<T>, upstream: T, gradientScale: number, deviceChecked: DeviceCandidate<T>[]): void {
  const values = hostValues(backend, upstream);
  if (values) checkUpstreamValues(values, backend.shape(upstream), backend.capabilities.precision, gradientScale);
  else deviceChecked.push(['upstream', upstream]);
}

function describeReduction(options: object): string {
  const reduction = (options as { reduction?: unknown }).reduction;
  return typeof reduction === 'string' ? `'${reduction}'` : 'of this loss';
}

/**
 * Disposes every tensor reachable from `value` (plain objects and arrays are searched).
 *
 * @param backend - The backend that owns the tensors.
 * @param value - A tensor, or plain objects and arrays holding tensors.
 *
 * @example
 * const result = computeLossAndGradients(backend, ntXent, { anchors, positives });
 * disposeAll(backend, result); // loss and every gradient
 *
 * @see [Getting started](/guides/getting-started)
 */
export function disposeAll<T>(backend: TensorBackend<T>, value: unknown): void {
  const found = new Set<T>();
  collectTensors(value, (v): v is T => backend.isTensor(v), found);
  for (const tensor of found) backend.dispose(tensor);
}

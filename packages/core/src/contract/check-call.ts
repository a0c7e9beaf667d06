/**
 * The contract of every loss call, on every backend, in one order: the backend and the loss are what they claim,
 * the inputs object is plain, each tensor input is a live tensor of this backend with a floating-point dtype
 * (labels may be int32), then the loss's own shape checks, then values (finite in the backend's precision, labels
 * exact integers, scales > 0), then the magnitudes the math must represent, then memory.
 * Values known on the host are checked here; the others are flagged on the device (`device-check.ts`).
 */
import { ContrastiveInputError } from '../errors.js';
import type { LossDefinition, LossInputs } from '../loss-definition.js';
import { describe } from '../options.js';
import type { FloatPrecision, Shape, TensorBackend } from '../tensor-backend.js';
import { checkKnownValues } from './input-facts.js';
import type { InputFacts, InputRole, LossContract } from './loss-contract.js';
import { formatLimit, precisionLimits } from './precision-limits.js';
import type { DeviceCandidate } from './device-check.js';
import { checkWorkingSet } from './working-set.js';

const floatTypes = new Set(['float16', 'float32', 'float64']);

/**
 * The backend argument is a `TensorBackend` (not null, not a tensor, not a module namespace).
 *
 * @param backend - The value given as the backend.
 * @throws ContrastiveInputError (`argument` `'backend'`) when it is not a backend.
 *
 * @example
 * checkBackend(maybeBackend); // narrows `maybeBackend` to TensorBackend
 *
 * @see [Guarantees](/guides/guarantees)
 */
export function checkBackend(backend: unknown): asserts backend is TensorBackend<unknown> {
  const candidate = backend as Partial<TensorBackend<unknown>> | null | undefined;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.isTensor !== 'function' || typeof candidate.scope !== 'function') {
    throw new ContrastiveInputError('backend', 'a TensorBackend (createReferenceBackend(), createTfjsBackend(tf), ...)', describe(backend));
  }
}

/**
 * The loss argument is a `LossDefinition` (an object with `inputs` and `forward`).
 *
 * @param loss - The value given as the loss.
 * @throws ContrastiveInputError (`argument` `'loss'`) when it is not a loss definition.
 *
 * @example
 * checkLoss(ntXent); // passes
 * checkLoss('nt-xent'); // throws ContrastiveInputError
 *
 * @see [Guarantees](/guides/guarantees)
 */
export function checkLoss(loss: unknown): void {
  const candidate = loss as Partial<LossDefinition<string, object>> | null | undefined;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.forward !== 'function' || !Array.isArray(candidate.inputs)) {
    throw new ContrastiveInputError('loss', 'a loss definition (ntXent, clip, ...)', describe(loss));
  }
}

/** `inputs` is a plain object whose keys are among the loss's inputs. */
export function checkInputsObject(names: readonly string[], inputs: unknown): void {
  if (!isPlainObject(inputs)) {
    throw new ContrastiveInputError('inputs', `a plain object of tensors (${names.join(', ')})`, describe(inputs));
  }
  for (const key of Reflect.ownKeys(inputs)) {
    if (typeof key === 'symbol' || !names.includes(key)) {
      throw new ContrastiveInputError('inputs', `input names among ${names.join(', ')}`, `key ${String(key)}`);
    }
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

export function roleOf<I extends string>(loss: LossDefinition<I, object>, name: I): InputRole {
  return (loss.contract as LossContract<I, object> | undefined)?.roles[name] ?? 'embeddings';
}

/** A live tensor of `backend` with a dtype its role accepts, checked before any kernel runs. */
export function checkTensor<T>(backend: TensorBackend<T>, x: unknown, argument: string, role: InputRole): asserts x is T {
  if (!backend.isTensor(x)) {
    throw new ContrastiveInputError(argument, `a tensor of the ${backend.name} backend`, describe(x));
  }
  if (backend.isDisposed?.(x)) throw new ContrastiveInputError(argument, 'a live tensor', 'a disposed tensor');
  const dtype = backend.dtype?.(x);
  if (dtype !== undefined && !floatTypes.has(dtype) && !(role === 'labels' && dtype === 'int32')) {
    const allowed = role === 'labels' ? 'a float or int32 tensor' : 'a floating-point tensor (float32)';
    throw new ContrastiveInputError(argument, allowed, `dtype ${dtype}`);
  }
}

/** Host values of `x` when the backend knows them without device work. */
export function hostValues<T>(backend: TensorBackend<T>, x: T): ArrayLike<number> | undefined {
  const known = backend.knownValues?.(x);
  if (known) return known;
  return backend.capabilities.hostReadable && backend.readSync ? backend.readSync(x) : undefined;
}

export interface CheckedCall<T> {
  /** Inputs whose values live on a device only: flagged in the computation (`flagOutputs`). */
  readonly deviceChecked: readonly DeviceCandidate<T>[];
  /**
   * The largest magnitude the call's math reaches per unit of upstream gradient (at least 1): an `upstream` of
   * magnitude u makes gradients of about u times this, which must stay representable too.
   */
  readonly gradientScale: number;
}

/** An upstream gradient known on the host: finite in the precision, and small enough for the call's math. */
export function checkUpstreamValues(values: ArrayLike<number>, shape: Shape, precision: FloatPrecision, gradientScale: number): void {
  const { maxAbs } = checkKnownValues(values, shape, 'embeddings', 'upstream', precision);
  const limit = precisionLimits[precision].intermediate;
  if (maxAbs * gradientScale > limit) {
    const expected = `max |upstream| times the loss's largest scale (${formatLimit(gradientScale)}) at most ${formatLimit(limit)} in ${precision}`;
    throw new ContrastiveInputError('upstream', expected, `max |upstream| ${formatLimit(maxAbs)}`);
  }
}

/** Everything before the forward: tensors, shapes (the loss's `validate`), values, magnitudes, memory. */
export function checkCall<T, I extends string, O extends object>(
  backend: TensorBackend<T>,
  loss: LossDefinition<I, O>,
  inputs: LossInputs<T, I>,
  options: O,
): CheckedCall<T> {
  const present = loss.inputs.filter((name) => inputs[name] !== undefined);
  for (const name of present) checkTensor(backend, inputs[name], name, roleOf(loss, name));
  loss.validate(backend, inputs, options);
  const precision = backend.capabilities.precision;
  const facts: { [K in I]?: InputFacts } = {};
  const deviceChecked: DeviceCandidate<T>[] = [];
  const checkValues = backend.capabilities.checkValues !== 'off';
  for (const name of checkValues ? present : []) {
    const x = inputs[name]!;
    const values = hostValues(backend, x);
    if (values) facts[name] = checkKnownValues(values, backend.shape(x), roleOf(loss, name), name, precision);
    else deviceChecked.push([name, x, roleOf(loss, name)]);
  }
  const contract = loss.contract as LossContract<I, O> | undefined;
  const limit = precisionLimits[precision].intermediate;
  const magnitudes = [...(contract?.magnitudes?.(options, facts) ?? [])];
  if (contract?.valueMagnitudes && checkValues && deviceChecked.length === 0) {
    const values = Object.fromEntries(present.map((name) => [name, { values: hostValues(backend, inputs[name]!)!, shape: backend.shape(inputs[name]!) }]));
    magnitudes.push(...contract.valueMagnitudes(options, values as { [K in I]?: { values: ArrayLike<number>; shape: Shape } }));
  }
  let gradientScale = 1;
  for (const magnitude of magnitudes) {
    if (!magnitude.limit) gradientScale = Math.max(gradientScale, magnitude.value);
    const bound = magnitude.limit?.(precisionLimits[precision]) ?? limit;
    if (!(magnitude.value <= bound)) {
      const expected = `${magnitude.quantity} at most ${formatLimit(bound)} in ${precision}`;
      throw new ContrastiveInputError(magnitude.argument, expected, formatLimit(magnitude.value));
    }
  }
  const shapes = Object.fromEntries(present.map((name) => [name, backend.shape(inputs[name]!)])) as { [K in I]?: Shape };
  checkWorkingSet(backend, loss.name, contract?.workingSet?.(shapes, options));
  return { deviceChecked, gradientScale };
}

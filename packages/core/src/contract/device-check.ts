/**
 * Value checks for inputs whose values live on a device (WebGPU buffers, WebGL textures, traced graphs): one
 * small reduction per such input runs in the same computation as the loss, and a non-finite input turns every
 * output into NaN. The backend's `read` passes what it read through `checkDeviceRead`, which finds the input to
 * blame and throws the same `ContrastiveInputError` as the host check. Costs one multiply and one sum per input.
 */
import { ContrastiveInputError } from '../errors.js';
import type { TensorBackend } from '../tensor-backend.js';

interface DeviceCheck {
  /** The inputs whose values were not known on the host, by argument name. */
  readonly candidates: readonly (readonly [string, unknown])[];
}

const pending = new WeakMap<object, DeviceCheck>();

/**
 * `0` when every value of `x` is finite, else NaN: `x * 0` is NaN exactly at NaN and infinite values (IEEE 754),
 * and the sum carries it.
 */
export function nonFiniteFlag<T>(b: TensorBackend<T>, x: T): T {
  let flag = b.mul(x, b.fill([], 0));
  while (b.shape(flag).length > 0) flag = b.sum(flag, 0, false);
  return flag;
}

/**
 * Adds the flags of the `candidates` to every output (`output + 0`, or NaN when an input is non-finite) and
 * remembers the candidates for `checkDeviceRead`. Returns the flagged outputs, keyed like `outputs`.
 */
export function flagOutputs<T, K extends string>(
  b: TensorBackend<T>,
  candidates: readonly (readonly [string, T])[],
  outputs: { readonly [key in K]?: T },
): { [key in K]?: T } {
  if (candidates.length === 0) return { ...outputs };
  const flag = candidates.map(([, x]) => nonFiniteFlag(b, x)).reduce((sum, next) => b.add(sum, next));
  const flagged: { [key in K]?: T } = {};
  for (const key of Object.keys(outputs) as K[]) {
    const output = outputs[key];
    if (output === undefined) continue;
    const result = b.add(output, flag);
    if (typeof result === 'object' && result !== null) pending.set(result, { candidates });
    flagged[key] = result;
  }
  return flagged;
}

/**
 * Call from `read` on backends whose inputs are not host-readable: when `x` came out of a loss call whose inputs
 * were checked on the device and `values` hold a non-finite value, throws `ContrastiveInputError` naming the
 * input that is not finite (found by reading each candidate's flag). Returns `values` otherwise.
 */
export async function checkDeviceRead<T, V extends ArrayLike<number>>(backend: TensorBackend<T>, x: T, values: V): Promise<V> {
  const check = typeof x === 'object' && x !== null ? pending.get(x) : undefined;
  if (!check) return values;
  let finite = true;
  for (let i = 0; i < values.length && finite; i++) finite = Number.isFinite(values[i]!);
  if (finite) return values;
  const blamed: string[] = [];
  for (const [argument, input] of check.candidates) {
    if (!backend.isTensor(input) || backend.isDisposed?.(input)) {
      blamed.push(`${argument} (disposed since)`);
      continue;
    }
    const flag = backend.scope(() => nonFiniteFlag(backend, input));
    try {
      const [value] = await backend.read(flag);
      if (!Number.isFinite(value!)) blamed.push(argument);
    } finally {
      backend.dispose(flag);
    }
  }
  const precision = backend.capabilities.precision;
  if (blamed.length === 0) {
    throw new Error(`${backend.name}: a non-finite result from finite inputs (a bug in contrastive: please report it with the inputs)`);
  }
  const argument = blamed.join(', ');
  throw new ContrastiveInputError(argument, `finite values in ${precision}`, 'a non-finite value (found on the device when reading the result)');
}

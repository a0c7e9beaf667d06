/**
 * Value checks for inputs whose values live on a device (WebGPU buffers, WebGL textures, traced graphs): one
 * small reduction per such input runs in the same computation as the loss, and a non-finite input turns every
 * output into NaN. The backend's `read` passes what it read through `checkDeviceRead`, which finds the input to
 * blame and throws the same `ContrastiveInputError` as the host check. Costs one multiply and one sum per input.
 */
import { ContrastiveInputError } from '../errors.js';
import type { FloatPrecision, TensorBackend } from '../tensor-backend.js';
import type { InputRole } from './loss-contract.js';
import { precisionLimits } from './precision-limits.js';

/**
 * An input checked on the device: its argument name, the tensor, and its role (default `embeddings`).
 *
 * @see [Guarantees](/guides/guarantees)
 *
 * @example
 * const candidate: DeviceCandidate<GpuTensor> = ['labels', labels, 'labels'];
 *
 */
export type DeviceCandidate<T> = readonly [string, T, InputRole?];

interface DeviceCheck {
  /** The inputs whose values were not known on the host. */
  readonly candidates: readonly DeviceCandidate<unknown>[];
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
 * The flag of one input for its role: non-finite values for every role; a `scale` must also be > 0 and `labels`
 * below the exact-integer limit (values outside become NaN by `where`, which every backend computes exactly;
 * `log(0)` is not -Infinity on every GPU). Whether labels are integers cannot be told on the device without a
 * rounding primitive; host values are checked fully.
 */
export function valueFlag<T>(b: TensorBackend<T>, x: T, role: InputRole = 'embeddings'): T {
  if (role !== 'scale' && role !== 'labels') return nonFiniteFlag(b, x);
  const inRange =
    role === 'scale'
      ? b.greater(x, b.fill([], 0))
      : b.greater(b.fill([], precisionLimits[b.capabilities.precision].exactIntegers), b.abs(x));
  return nonFiniteFlag(b, b.where(inRange, x, b.fill([], Number.NaN)));
}

function expectedFor(role: InputRole | undefined, precision: FloatPrecision): string {
  if (role === 'scale') return `a finite value > 0 in ${precision}`;
  if (role === 'labels') return `finite labels of magnitude below ${precisionLimits[precision].exactIntegers} (exact in ${precision})`;
  return `finite values in ${precision}`;
}

/**
 * Adds the flags of the `candidates` to every output (`output + 0`, or NaN when an input is non-finite) and
 * remembers the candidates for `checkDeviceRead`. Returns the flagged outputs, keyed like `outputs`.
 *
 * @param b - The tensor backend.
 * @param candidates - The inputs to check on the device (from `checkLossCall`).
 * @param outputs - The outputs to flag, by name.
 *
 * @example
 * const { options, deviceChecked } = checkLossCall(backend, ntXent, inputs, userOptions);
 * const { loss } = flagOutputs(backend, deviceChecked, { loss: ntXent.forward(backend, inputs, options).loss });
 *
 * @see [Guarantees](/guides/guarantees)
 */
export function flagOutputs<T, K extends string>(
  b: TensorBackend<T>,
  candidates: readonly DeviceCandidate<T>[],
  outputs: { readonly [key in K]?: T },
): { [key in K]?: T } {
  if (candidates.length === 0) return { ...outputs };
  const flag = candidates.map(([, x, role]) => valueFlag(b, x, role)).reduce((sum, next) => b.add(sum, next));
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
 *
 * @param backend - The backend doing the read.
 * @param x - The tensor read.
 * @param values - What was read from it.
 * @returns `values`, when they are finite or `x` came from no device-checked call.
 * @throws ContrastiveInputError naming the non-finite input.
 *
 * @example
 * // in a backend's read:
 * async read(x) { return checkDeviceRead(this, x, await downloadToHost(x)); }
 *
 * @see [Write your own backend](/backends/write-your-own)
 */
export async function checkDeviceRead<T, V extends ArrayLike<number>>(backend: TensorBackend<T>, x: T, values: V): Promise<V> {
  const check = typeof x === 'object' && x !== null ? pending.get(x) : undefined;
  if (!check) return values;
  let finite = true;
  for (let i = 0; i < values.length && finite; i++) finite = Number.isFinite(values[i]!);
  if (finite) return values;
  const blamed: [string, InputRole | undefined][] = [];
  for (const [argument, input, role] of check.candidates) {
    if (!backend.isTensor(input) || backend.isDisposed?.(input)) {
      blamed.push([`${argument} (disposed since)`, role]);
      continue;
    }
    const flag = backend.scope(() => valueFlag(backend, input, role));
    try {
      const [value] = await backend.read(flag);
      if (!Number.isFinite(value!)) blamed.push([argument, role]);
    } finally {
      backend.dispose(flag);
    }
  }
  const precision = backend.capabilities.precision;
  if (blamed.length === 0) {
    // Every input is finite, yet the result is not: magnitudes the math cannot represent (rows of 1e30 with
    // normalize: false, say), which the host checks catch from the values and the device cannot check beforehand.
    const names = check.candidates.map(([name]) => name).join(', ');
    throw new ContrastiveInputError(
      names,
      `magnitudes the loss can represent in ${precision} (see the Guarantees page: row norms, temperature, scales)`,
      'finite values whose result overflows (found on the device when reading the result)',
    );
  }
  const role = blamed[0]![1];
  const argument = blamed.map(([name]) => name).join(', ');
  const actual = role === 'scale' || role === 'labels' ? 'a value outside that range' : 'a non-finite value';
  throw new ContrastiveInputError(argument, expectedFor(role, precision), `${actual} (found on the device when reading the result)`);
}

import type { Tensor } from '@tensorflow/tfjs-core';
import type { TfjsModule } from './tfjs-precision.js';

/** tfjs backends whose tensors are host memory, so reading values is a copy, not a GPU readback. */
export const hostBackends: ReadonlySet<string> = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * On GPU backends, fills up to this many values report their constant to core's checks; a larger fill is left to
 * the device check rather than building a host array of its size.
 */
export const largestKnownFill = 65536;

const numericTypes = new Set(['float32', 'int32']);

/**
 * The values of `x` when the active tfjs backend holds them in host memory (cpu, wasm, tensorflow) and they are
 * numbers (float32, int32); `undefined` on GPU backends (webgl, webgpu), whose values core checks on the device.
 */
export function hostKnownValues(tf: TfjsModule, x: Tensor): ArrayLike<number> | undefined {
  if (!hostBackends.has(tf.getBackend()) || x.isDisposed || !numericTypes.has(x.dtype)) return undefined;
  return x.dataSync() as Float32Array | Int32Array;
}

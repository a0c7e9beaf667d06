import type { Tensor } from '@tensorflow/tfjs-core';
import type { TfjsModule } from './tfjs-precision.js';

/**
 * `tf.matMul`, except on wasm, where its transposed paths are far slower than an explicit transpose followed by
 * the plain product (measured, tfjs 4.22 wasm, 2048 x 128 operands: `transposeB` 539 ms vs 51 ms,
 * `transposeA` of a 2048 x 2048 matrix 2.3 s vs 139 ms).
 */
export function matmul(tf: TfjsModule, a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  if (tf.getBackend() !== 'wasm' || (!transposeA && !transposeB)) return tf.matMul(a, b, transposeA, transposeB);
  return tf.tidy(() => tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b));
}

/**
 * On wasm, operands of `equal`, `greater` and `where` broadcast by adding zeros of the output shape (a fast
 * broadcasting `Add`), because tfjs wasm broadcasts them slowly: `tf.where` tiles scalars with `Tile` and
 * `Equal` broadcasts element by element (measured, tfjs 4.22 wasm, 2048 x 2048 output: Tile of a scalar ~450 ms,
 * `Equal([2048, 1], [1, 2048])` ~450 ms, `Add` of a column ~2 ms). `x + 0 = x` for every float32 (NaN and
 * infinities included; -0 becomes +0, which no comparison and no loss here distinguishes). Masks pass through.
 */
export function broadcastOnWasm(tf: TfjsModule, a: Tensor, b: Tensor, withShape: readonly number[] = []): [Tensor, Tensor] {
  if (tf.getBackend() !== 'wasm') return [a, b];
  const shape = [a.shape, b.shape, withShape].reduce<number[]>((out, s) => tf.broadcast_util.assertAndGetBroadcastShape(out, [...s]), []);
  const size = shape.reduce((product, length) => product * length, 1);
  const expand = (x: Tensor) => (x.size === size || x.dtype !== 'float32' ? x : tf.add(x, tf.zeros(shape)));
  return [expand(a), expand(b)];
}

/**
 * `tf.maximum` or `tf.minimum` with NaN propagated (IEEE 754 `maximum`, like NumPy and PyTorch). tfjs wasm's
 * kernels return the other operand where one is NaN (tfjs 4.22: `maximum(NaN, 1)` is 1), which would hide a NaN
 * from the loss; there the NaN operands are put back with two `where`s (operands broadcast as in
 * `broadcastOnWasm`). Other backends propagate NaN already.
 */
export function nanPropagatingExtremum(tf: TfjsModule, extremum: 'maximum' | 'minimum', a: Tensor, b: Tensor): Tensor {
  const result = extremum === 'maximum' ? tf.maximum(a, b) : tf.minimum(a, b);
  if (tf.getBackend() !== 'wasm') return result;
  return tf.tidy(() => {
    const [x, y] = broadcastOnWasm(tf, a, b, result.shape);
    return tf.where(tf.isNaN(x), x, tf.where(tf.isNaN(y), y, result));
  });
}

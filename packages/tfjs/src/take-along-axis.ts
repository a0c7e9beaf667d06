/**
 * Flat indices into `x` (row-major) for `out[..., i, ...] = x[..., indices[..., i, ...], ...]` along `axis`
 * (NumPy `take_along_axis`, ONNX GatherElements): every coordinate of `indices` is kept except the one on
 * `axis`, which is replaced by the index value. Computed on the host from static indices, so a single
 * `tf.gather` over the flattened tensor does the work on any tfjs backend.
 */
export function flatTakeAlongAxisIndices(
  shape: readonly number[],
  indices: ArrayLike<number>,
  indicesShape: readonly number[],
  axis: number,
): Int32Array {
  if (indicesShape.length !== shape.length || axis < 0 || axis >= shape.length) {
    throw new Error(`takeAlongAxis: indices of shape [${indicesShape.join(', ')}] on axis ${axis} of [${shape.join(', ')}]`);
  }
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((product, extent) => product * extent, 1));
  const out = new Int32Array(indices.length);
  const coordinate = new Array<number>(indicesShape.length).fill(0);
  for (let flat = 0; flat < indices.length; flat++) {
    let target = 0;
    for (let d = 0; d < shape.length; d++) {
      const value = d === axis ? indices[flat]! : coordinate[d]!;
      if (value < 0 || value >= shape[d]!) throw new Error(`takeAlongAxis: index ${value} out of range on axis ${d}`);
      target += value * strides[d]!;
    }
    out[flat] = target;
    for (let d = indicesShape.length - 1; d >= 0; d--) {
      if (++coordinate[d]! < indicesShape[d]!) break;
      coordinate[d] = 0;
    }
  }
  return out;
}

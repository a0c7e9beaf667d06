/**
 * The row-major kernels of the reference backend, for backends over typed arrays (`rowMajor` in
 * `@contrastive/core`): shapes and strides, NumPy broadcasting, reductions along one axis, matmul with transpose
 * flags, slicing, concatenation and gathering. Each reads float32 or float64 values and returns float64 values
 * with their shape (`RowMajorValues`); a float32 backend rounds them with `Float32Array.from`. With
 * `TensorTracker` for `scope`/`dispose`, they make a typed-array backend of about 150 lines.
 *
 * @example
 * import { rowMajor } from '@contrastive/core';
 *
 * const { data, shape } = rowMajor.broadcastBinary(Float32Array.from([1, 2, 3, 4]), [2, 2], Float32Array.from([10]), [], (x, y) => x + y);
 * const rowSums = rowMajor.reduce(data, shape, 1, false, 'sum'); // { data: [23, 27], shape: [2] }
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 *
 * @module
 */
export { broadcastBinary } from './broadcast.js';
export { broadcastShapes, normalizeAxis, sizeOf, splitAroundAxis, stridesOf } from './shape-utils.js';
export { concat, matmul, reduce, slice, takeAlongAxis, transpose2d } from './reference-kernels.js';
export type { HostArray, RowMajorValues } from './reference-kernels.js';

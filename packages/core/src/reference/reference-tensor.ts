import type { Shape } from '../tensor-backend.js';

/**
 * A float64 tensor of the reference backend: row-major values and a shape. Made by the backend, never constructed
 * directly.
 *
 * @example
 * const x = createReferenceBackend().fromArray([1, 2, 3, 4], [2, 2]);
 * console.log(x.data, x.shape); // Float64Array [1, 2, 3, 4], [2, 2]
 *
 * @see [Reference backend](/backends/reference)
 */
export class ReferenceTensor {
  /** The values, row-major. */
  readonly data: Float64Array;
  /** The shape (frozen). */
  readonly shape: Shape;
  /** True once the backend disposed it. */
  disposed = false;

  constructor(data: Float64Array, shape: Shape) {
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }
}

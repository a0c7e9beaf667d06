import type { Shape } from '../tensor-backend.js';

/** A float64 tensor of the reference backend: row-major values and a shape. */
export class ReferenceTensor {
  readonly data: Float64Array;
  readonly shape: Shape;
  disposed = false;

  constructor(data: Float64Array, shape: Shape) {
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }
}

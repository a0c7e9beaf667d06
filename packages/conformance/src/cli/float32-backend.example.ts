/**
 * A complete float32 backend over `Float32Array`s, written the way docs/contributing/adding-a-backend.md describes:
 * core's row-major kernels (`rowMajor`) compute each primitive, the result is rounded to float32, and
 * `TensorTracker` does `scope`/`dispose`. The scaffold test (create-backend.test.ts) copies it over the stub of a
 * freshly scaffolded package and runs the documented conformance command on it.
 */
import { rowMajor, specificationVersion, TensorTracker, type RowMajorValues, type Shape, type TensorBackend } from '@contrastive/core';

/** A float32 tensor: row-major values and a shape. */
export class Float32Tensor {
  readonly shape: Shape;
  disposed = false;

  constructor(
    readonly data: Float32Array,
    shape: Shape,
  ) {
    this.shape = Object.freeze([...shape]);
  }
}

/** Creates the float32 backend. */
export function createFloat32Backend(): TensorBackend<Float32Tensor> {
  const owned = new WeakSet<Float32Tensor>();
  const isTensor = (value: unknown): value is Float32Tensor => value instanceof Float32Tensor && owned.has(value);
  const tracker = new TensorTracker<Float32Tensor>((tensor) => (tensor.disposed = true), isTensor);

  const make = (data: Float32Array, shape: Shape) => {
    const tensor = new Float32Tensor(data, shape);
    owned.add(tensor);
    return tracker.track(tensor);
  };
  /** Rounds a kernel's float64 result to float32. */
  const wrap = ({ data, shape }: RowMajorValues) => make(Float32Array.from(data), shape);
  const live = (x: Float32Tensor) => {
    if (x.disposed) throw new Error('float32 backend: tensor used after dispose');
    return x.data;
  };
  const unary = (x: Float32Tensor, f: (v: number) => number) => make(live(x).map(f), x.shape);
  const binary = (a: Float32Tensor, b: Float32Tensor, f: (x: number, y: number) => number) =>
    wrap(rowMajor.broadcastBinary(live(a), a.shape, live(b), b.shape, f));
  const nanOr = (f: (x: number, y: number) => number) => (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : f(x, y));

  return {
    specificationVersion,
    name: 'float32',
    capabilities: { execution: 'eager', precision: 'float32', hostReadable: true },

    fromArray(values, shape) {
      if (values.length !== rowMajor.sizeOf(shape)) throw new Error(`fromArray: ${values.length} values do not fill shape [${shape.join(', ')}]`);
      return make(Float32Array.from(values), shape);
    },
    fill: (shape, value) => make(new Float32Array(rowMajor.sizeOf(shape)).fill(value), shape),

    shape: (x) => x.shape,
    reshape(x, shape) {
      if (rowMajor.sizeOf(shape) !== x.data.length) throw new Error(`reshape: [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
      return make(live(x).slice(), shape);
    },
    transpose: (x) => make(Float32Array.from(rowMajor.transpose2d(live(x), x.shape[0]!, x.shape[1]!)), [x.shape[1]!, x.shape[0]!]),
    slice: (x, begin, size) => wrap(rowMajor.slice(live(x), x.shape, begin, size)),
    concat: (xs, axis) => wrap(rowMajor.concat(xs.map((x) => ({ data: live(x), shape: x.shape })), axis)),
    takeAlongAxis: (x, indices, axis) => wrap(rowMajor.takeAlongAxis(live(x), x.shape, indices, axis)),

    add: (a, b) => binary(a, b, (x, y) => x + y),
    sub: (a, b) => binary(a, b, (x, y) => x - y),
    mul: (a, b) => binary(a, b, (x, y) => x * y),
    div: (a, b) => binary(a, b, (x, y) => x / y),
    maximum: (a, b) => binary(a, b, nanOr(Math.max)),
    minimum: (a, b) => binary(a, b, nanOr(Math.min)),
    neg: (x) => unary(x, (v) => -v),
    abs: (x) => unary(x, Math.abs),
    exp: (x) => unary(x, Math.exp),
    log: (x) => unary(x, Math.log),
    log1p: (x) => unary(x, Math.log1p),
    sqrt: (x) => unary(x, Math.sqrt),

    equal: (a, b) => binary(a, b, (x, y) => (x === y ? 1 : 0)),
    greater: (a, b) => binary(a, b, (x, y) => (x > y ? 1 : 0)),
    where(condition, a, b) {
      // Select per element: broadcast the three operands to one shape, then pick (no arithmetic blend).
      const shape = rowMajor.broadcastShapes(rowMajor.broadcastShapes(condition.shape, a.shape), b.shape);
      const zeros = new Float32Array(rowMajor.sizeOf(shape));
      const expand = (t: Float32Tensor) => rowMajor.broadcastBinary(live(t), t.shape, zeros, shape, (x) => x).data;
      const [c, x, y] = [expand(condition), expand(a), expand(b)];
      return make(zeros.map((_, i) => (c[i] !== 0 ? x[i]! : y[i]!)), shape);
    },

    sum: (x, axis, keepDims) => wrap(rowMajor.reduce(live(x), x.shape, axis, keepDims, 'sum')),
    max: (x, axis, keepDims) => wrap(rowMajor.reduce(live(x), x.shape, axis, keepDims, 'max')),
    matmul: (a, b, options = {}) =>
      wrap(rowMajor.matmul(live(a), a.shape, live(b), b.shape, options.transposeA === true, options.transposeB === true)),

    read: async (x) => live(x).slice(),
    readSync: (x) => live(x).slice(),

    scope: (fn) => tracker.scope(fn),
    dispose: (x) => tracker.dispose(x),
    liveCount: () => tracker.liveCount,
    isTensor,
    isDisposed: (x) => x.disposed,
    knownValues: (x) => live(x),
  };
}

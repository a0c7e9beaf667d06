import type { Shape, StaticIndices, TensorBackend } from '../tensor-backend.js';
import { specificationVersion } from '../tensor-backend.js';
import { broadcastBinary } from './broadcast.js';
import * as kernels from './reference-kernels.js';
import { ReferenceTensor } from './reference-tensor.js';
import { broadcastShapes, sizeOf } from './shape-utils.js';
import { TensorTracker } from './tensor-tracker.js';
import { checkMemoryBudget, checkValuesOption } from '../contract/working-set.js';

export { ReferenceTensor };

const isReferenceTensor = (value: unknown): value is ReferenceTensor => value instanceof ReferenceTensor;

/**
 * Options of {@link createReferenceBackend}.
 *
 * @example
 * const backend = createReferenceBackend({ memoryBudgetBytes: 8 * 2 ** 30, checkValues: 'off' });
 *
 * @see [Reference backend](/backends/reference)
 */
export interface ReferenceBackendOptions {
  /**
   * Bytes one call may allocate at once before `ContrastiveResourceError` (default 2 GiB: NT-Xent up to about
   * N = 1400 pairs unchunked; `withChunking` for more).
   */
  readonly memoryBudgetBytes?: number;
  /** `'off'` skips the value checks of every call (see `BackendCapabilities.checkValues`). Default `'on'`. */
  readonly checkValues?: 'on' | 'off';
}

/**
 * The float64 reference backend: plain `Float64Array`s on the CPU, no dependencies. It is the embedded default
 * and the oracle against which the conformance suite checks every other backend.
 *
 * @param options - {@link ReferenceBackendOptions}: `memoryBudgetBytes` (default 2 GiB), `checkValues`
 * (default `'on'`).
 * @returns A `TensorBackend` over `ReferenceTensor`s (`capabilities.precision` `float64`, host-readable).
 *
 * @example
 * const backend = createReferenceBackend();
 * const x = backend.fromArray([1, 2, 3, 4], [2, 2]);
 * const total = backend.sum(x, 1, false); // [3, 7]
 *
 * @see [Reference backend](/backends/reference)
 */
export function createReferenceBackend(options: ReferenceBackendOptions = {}): TensorBackend<ReferenceTensor> {
  checkMemoryBudget(options.memoryBudgetBytes);
  checkValuesOption(options.checkValues);
  // Tensors of this backend instance only: another instance's tensors are foreign here.
  const owned = new WeakSet<ReferenceTensor>();
  const isOwn = (value: unknown): value is ReferenceTensor => isReferenceTensor(value) && owned.has(value);
  const tracker = new TensorTracker<ReferenceTensor>((tensor) => {
    tensor.disposed = true;
  }, isOwn);

  const make = (data: Float64Array, shape: Shape): ReferenceTensor => {
    const tensor = new ReferenceTensor(data, shape);
    owned.add(tensor);
    return tracker.track(tensor);
  };
  const live = (tensor: ReferenceTensor): ReferenceTensor => {
    if (tensor.disposed) throw new Error('reference backend: tensor used after dispose');
    return tensor;
  };
  const unary = (x: ReferenceTensor, f: (v: number) => number) => {
    const source = live(x).data;
    const out = new Float64Array(source.length);
    for (let i = 0; i < out.length; i++) out[i] = f(source[i]!);
    return make(out, x.shape);
  };
  const binary = (a: ReferenceTensor, b: ReferenceTensor, f: (x: number, y: number) => number) => {
    const result = broadcastBinary(live(a).data, a.shape, live(b).data, b.shape, f);
    return make(result.data, result.shape);
  };
  const wrap = (values: { data: Float64Array; shape: number[] }) => make(values.data, values.shape);

  return {
    specificationVersion,
    name: 'reference',
    capabilities: {
      execution: 'eager',
      precision: 'float64',
      hostReadable: true,
      ...(options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes }),
      ...(options.checkValues === undefined ? {} : { checkValues: options.checkValues }),
    },

    fromArray(values: ArrayLike<number>, shape: Shape) {
      if (values.length !== sizeOf(shape)) {
        throw new Error(`fromArray: ${values.length} values do not fill shape [${shape.join(', ')}]`);
      }
      return make(Float64Array.from(values), shape);
    },
    fill: (shape, value) => make(new Float64Array(sizeOf(shape)).fill(value), shape),

    shape: (x) => x.shape,
    reshape(x, shape) {
      if (sizeOf(shape) !== x.data.length) throw new Error(`reshape: [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
      return make(live(x).data.slice(), shape);
    },
    transpose(x) {
      const [rows, cols] = x.shape as [number, number];
      return make(kernels.transpose2d(live(x).data, rows, cols), [cols, rows]);
    },
    slice: (x, begin, size) => wrap(kernels.slice(live(x).data, x.shape, begin, size)),
    concat: (xs, axis) => wrap(kernels.concat(xs.map((x) => ({ data: live(x).data, shape: [...x.shape] })), axis)),
    takeAlongAxis: (x, indices: StaticIndices, axis) => wrap(kernels.takeAlongAxis(live(x).data, x.shape, indices, axis)),

    add: (a, b) => binary(a, b, (x, y) => x + y),
    sub: (a, b) => binary(a, b, (x, y) => x - y),
    mul: (a, b) => binary(a, b, (x, y) => x * y),
    div: (a, b) => binary(a, b, (x, y) => x / y),
    maximum: (a, b) => binary(a, b, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y))),
    minimum: (a, b) => binary(a, b, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y))),
    neg: (x) => unary(x, (v) => -v),
    abs: (x) => unary(x, Math.abs),
    exp: (x) => unary(x, Math.exp),
    log: (x) => unary(x, Math.log),
    log1p: (x) => unary(x, Math.log1p),
    sqrt: (x) => unary(x, Math.sqrt),

    equal: (a, b) => binary(a, b, (x, y) => (x === y ? 1 : 0)),
    greater: (a, b) => binary(a, b, (x, y) => (x > y ? 1 : 0)),
    where(condition, a, b) {
      const shape = broadcastShapes(broadcastShapes(condition.shape, a.shape), b.shape);
      const target = new Float64Array(sizeOf(shape));
      const expand = (t: ReferenceTensor) => broadcastBinary(live(t).data, t.shape, target, shape, (x) => x).data;
      const [c, x, y] = [expand(condition), expand(a), expand(b)];
      const out = new Float64Array(target.length);
      for (let i = 0; i < out.length; i++) out[i] = c[i] !== 0 ? x[i]! : y[i]!;
      return make(out, shape);
    },

    sum: (x, axis, keepDims) => wrap(kernels.reduce(live(x).data, x.shape, axis, keepDims, 'sum')),
    max: (x, axis, keepDims) => wrap(kernels.reduce(live(x).data, x.shape, axis, keepDims, 'max')),
    matmul: (a, b, options = {}) =>
      wrap(kernels.matmul(live(a).data, a.shape, live(b).data, b.shape, !!options.transposeA, !!options.transposeB)),

    read: async (x) => live(x).data.slice(),
    readSync: (x) => live(x).data.slice(),

    scope: (fn) => tracker.scope(fn),
    dispose: (x) => tracker.dispose(x),
    liveCount: () => tracker.liveCount,
    isTensor: isOwn,
    isDisposed: (x) => x.disposed,
    knownValues: (x) => live(x).data,
  };
}

/**
 * The tensor-backend interface: the only thing a loss in this package ever calls.
 *
 * A backend MUST implement every primitive below with these rules:
 * - Output shapes depend only on input shapes (never on values), so a tracing backend can record a graph.
 * - Elementwise binary ops broadcast like NumPy (trailing axes aligned, size-1 axes stretched).
 * - Masks (`equal`, `greater`) are opaque: they are only ever consumed by `where`.
 * - Tensors are immutable; no primitive writes into its inputs.
 * - `read` is asynchronous and is never called inside loss math.
 * - Every tensor created inside `scope(fn)` is disposed when `fn` returns, except the tensors reachable from
 *   its return value (plain objects and arrays are searched), as in `tf.tidy`.
 * Each primitive maps one-to-one onto an ONNX operator, a TensorFlow.js op and a WGSL kernel family.
 */

/**
 * Bumped whenever a primitive is added, removed or changes meaning.
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 *
 * @example
 * if (backend.specificationVersion !== specificationVersion) throw new Error('backend built for another interface version');
 *
 */
export const specificationVersion = 'v1' as const;
/**
 * The type of {@link specificationVersion}: the interface version a backend implements.
 *
 * @example
 * const version: SpecificationVersion = backend.specificationVersion; // 'v1'
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export type SpecificationVersion = typeof specificationVersion;

/**
 * A tensor shape: one extent per axis; `[]` is a scalar.
 *
 * @example
 * const shape: Shape = backend.shape(anchors); // [N, D]
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export type Shape = readonly number[];

/**
 * How values are held. `float16` backends are checked at looser tolerances by the conformance suite.
 *
 * @example
 * if (backend.capabilities.precision === 'float16') console.warn('half precision: looser tolerances');
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export type FloatPrecision = 'float64' | 'float32' | 'float16';

/**
 * The names of the fused kernels a backend may override; the closed list lives in `fused-kernels.ts`.
 *
 * @example
 * const name: FusedKernelName = 'similarityCrossEntropy';
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export type FusedKernelName = 'similarityCrossEntropy' | 'crossViewCrossEntropy' | 'sigmoidPairwise';

/**
 * What a backend can do and how it holds values; core's checks read it.
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 *
 * @example
 * const capabilities: BackendCapabilities = { execution: 'eager', precision: 'float32', hostReadable: true };
 *
 */
export interface BackendCapabilities {
  /** `eager` backends compute values at once; `traced` backends record a graph of symbolic values. */
  readonly execution: 'eager' | 'traced';
  /** How values are held; sets the value ranges core accepts (`precisionLimits`) and the default memory budget. */
  readonly precision: FloatPrecision;
  /** True when values can be read synchronously on the host (cheap finite-value validation). */
  readonly hostReadable: boolean;
  /**
   * Bytes a single call may allocate at once; above it core throws `ContrastiveResourceError` before allocating.
   * Absent: the default for the backend's precision (`defaultMemoryBudgetBytes`).
   */
  readonly memoryBudgetBytes?: number;
  /**
   * `'off'` skips the value checks of every call (host scans of the inputs, device-side flags); shapes, dtypes,
   * options and memory are still checked. An explicit opt-out for inputs known to be finite; the cost of the
   * checks is in the bench (`apps/bench`, the `checks` rows). Absent: `'on'`.
   */
  readonly checkValues?: 'on' | 'off';
}

/**
 * A constant integer index table, known from shapes alone (never read from tensor values).
 *
 * @example
 * const diagonal: StaticIndices = { values: Int32Array.from([0, 1, 2]), shape: [3, 1] };
 * const positives = backend.takeAlongAxis(scores, diagonal, 1);
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface StaticIndices {
  /** The indices, row-major. */
  readonly values: Int32Array;
  /** The shape of the index table. */
  readonly shape: Shape;
}

/**
 * Options of `TensorBackend.matmul`.
 *
 * @example
 * const similarities = backend.matmul(anchors, positives, { transposeB: true }); // anchors @ positives^T
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 */
export interface MatmulOptions {
  /** Multiply by the transpose of `a`. Default false. */
  readonly transposeA?: boolean;
  /** Multiply by the transpose of `b` (`a b^T`, a similarity matrix). Default false. */
  readonly transposeB?: boolean;
}

/**
 * The tensor-backend interface: the only thing a loss in this package ever calls. A backend implements every
 * primitive with these rules: output shapes depend only on input shapes (never on values); elementwise binary ops
 * broadcast like NumPy; masks (`equal`, `greater`) are only consumed by `where`; tensors are immutable; `read` is
 * asynchronous and never called inside loss math; every tensor created inside `scope(fn)` is disposed when `fn`
 * returns, except those reachable from its return value (as in `tf.tidy`). Each primitive maps one-to-one onto an
 * ONNX operator, a TensorFlow.js op and a WGSL kernel family.
 *
 * @typeParam T - The backend's tensor type.
 *
 * @example
 * const backend: TensorBackend<ReferenceTensor> = createReferenceBackend();
 * const x = backend.fromArray([1, 2, 3, 4], [2, 2]);
 * const y = backend.scope(() => backend.sum(backend.mul(x, x), 1, false));
 * console.log(await backend.read(y)); // Float64Array [5, 25]
 *
 * @see [Tensor interface](/architecture/tensor-interface)
 * @see [Write your own backend](/backends/write-your-own)
 */
export interface TensorBackend<T = unknown> {
  /** The interface version implemented; core rejects a backend of another version. */
  readonly specificationVersion: SpecificationVersion;
  /** A short name for messages, e.g. `'reference'`, `'tfjs-webgl'`. */
  readonly name: string;
  /** What the backend can do and how it holds values. */
  readonly capabilities: BackendCapabilities;
  /** Optional fused kernels; each must agree with its composed reference in `fused-kernels.ts`. */
  readonly fused?: Partial<import('./fused-kernels.js').FusedKernels<T>>;

  // creation
  /** A tensor of `shape` holding `values` (row-major; `values.length` is the product of `shape`). */
  fromArray(values: ArrayLike<number>, shape: Shape): T;
  /** A tensor of `shape` with every element `value`. */
  fill(shape: Shape, value: number): T;

  // shape (static)
  /** The shape of `x`. */
  shape(x: T): Shape;
  /** The same values, row-major, in `shape` (same element count). */
  reshape(x: T, shape: Shape): T;
  /** Swaps the two axes of a rank-2 tensor. */
  transpose(x: T): T;
  /** Contiguous block: `begin[i] .. begin[i] + size[i]` along each axis. */
  slice(x: T, begin: Shape, size: Shape): T;
  /** Joins tensors of equal rank along `axis` (other extents equal). */
  concat(xs: readonly T[], axis: number): T;
  /** `out[i][j] = x[i][indices[i][j]]` along `axis` (NumPy `take_along_axis`, ONNX GatherElements). */
  takeAlongAxis(x: T, indices: StaticIndices, axis: number): T;

  // elementwise (broadcasting)
  /** `a + b`, broadcasting. */
  add(a: T, b: T): T;
  /** `a - b`, broadcasting. */
  sub(a: T, b: T): T;
  /** `a * b`, broadcasting. */
  mul(a: T, b: T): T;
  /** `a / b`, broadcasting. */
  div(a: T, b: T): T;
  /** Elementwise `max(a, b)`, broadcasting. */
  maximum(a: T, b: T): T;
  /** Elementwise `min(a, b)`, broadcasting. */
  minimum(a: T, b: T): T;
  /** `-x`. */
  neg(x: T): T;
  /** `|x|`. */
  abs(x: T): T;
  /** `e^x`. */
  exp(x: T): T;
  /** Natural logarithm. */
  log(x: T): T;
  /** `log(1 + x)`, accurate for small `x`. */
  log1p(x: T): T;
  /** Square root. */
  sqrt(x: T): T;

  // masks
  /** The mask `a == b`, broadcasting; only ever consumed by `where`. */
  equal(a: T, b: T): T;
  /** The mask `a > b`, broadcasting; only ever consumed by `where`. */
  greater(a: T, b: T): T;
  /** `a` where `condition` holds, else `b`, broadcasting. */
  where(condition: T, a: T, b: T): T;

  // reductions and products
  /** The sum along `axis`; `keepDims` keeps it as an axis of extent 1. */
  sum(x: T, axis: number, keepDims: boolean): T;
  /** The maximum along `axis`; `keepDims` keeps it as an axis of extent 1. */
  max(x: T, axis: number, keepDims: boolean): T;
  /** The matrix product of two rank-2 tensors, optionally transposing either. */
  matmul(a: T, b: T, options?: MatmulOptions): T;

  // host transfer (never inside loss math)
  /**
   * The values of `x`. A backend whose inputs are not host-readable MUST pass what it read through core's
   * `checkDeviceRead(backend, x, values)`, which turns a non-finite value flagged on the device into the same
   * `ContrastiveInputError` the host checks throw.
   */
  read(x: T): Promise<Float32Array | Float64Array>;
  /** Present only when `capabilities.hostReadable`. */
  readSync?(x: T): Float32Array | Float64Array;

  // memory
  /** Runs `fn`, then disposes every tensor it created except those reachable from its result (as `tf.tidy`). */
  scope<R>(fn: () => R): R;
  /** Releases `x`; using it afterwards is an error. */
  dispose(x: T): void;
  /** Number of tensors currently alive that this backend created (for leak checks). */
  liveCount(): number;
  /** True for tensors owned by this backend. */
  isTensor(value: unknown): value is T;

  // contract hooks (optional; see /guides/guarantees)
  /**
   * The element type `x` is stored in (`float32`, `float64`, `float16`, `int32`, `bool`, `string`, ...).
   * Absent: every tensor of this backend holds floating-point values. Core rejects non-float inputs by this name
   * before any kernel runs.
   */
  dtype?(x: T): string;
  /** True once `x` has been disposed, so that core names the argument instead of failing inside a kernel. */
  isDisposed?(x: T): boolean;
  /**
   * Values known on the host without device work (host memory, or the data given to `fromArray`), else
   * `undefined`. Core checks such values before the call; the others are checked on the device (see `read`).
   */
  knownValues?(x: T): ArrayLike<number> | undefined;
}

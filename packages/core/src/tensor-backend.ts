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

/** Bumped whenever a primitive is added, removed or changes meaning. */
export const specificationVersion = 'v1' as const;
export type SpecificationVersion = typeof specificationVersion;

export type Shape = readonly number[];

/** How values are held. `float16` backends are checked at looser tolerances by the conformance suite. */
export type FloatPrecision = 'float64' | 'float32' | 'float16';

/** The names of the fused kernels a backend may override; the closed list lives in `fused-kernels.ts`. */
export type FusedKernelName = 'similarityCrossEntropy';

export interface BackendCapabilities {
  /** `eager` backends compute values at once; `traced` backends record a graph of symbolic values. */
  readonly execution: 'eager' | 'traced';
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

/** A constant integer index table, known from shapes alone (never read from tensor values). */
export interface StaticIndices {
  readonly values: Int32Array;
  readonly shape: Shape;
}

export interface MatmulOptions {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

export interface TensorBackend<T = unknown> {
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** Optional fused kernels; each must agree with its composed reference in `fused-kernels.ts`. */
  readonly fused?: Partial<import('./fused-kernels.js').FusedKernels<T>>;

  // creation
  fromArray(values: ArrayLike<number>, shape: Shape): T;
  fill(shape: Shape, value: number): T;

  // shape (static)
  shape(x: T): Shape;
  reshape(x: T, shape: Shape): T;
  /** Swaps the two axes of a rank-2 tensor. */
  transpose(x: T): T;
  /** Contiguous block: `begin[i] .. begin[i] + size[i]` along each axis. */
  slice(x: T, begin: Shape, size: Shape): T;
  concat(xs: readonly T[], axis: number): T;
  /** `out[i][j] = x[i][indices[i][j]]` along `axis` (NumPy `take_along_axis`, ONNX GatherElements). */
  takeAlongAxis(x: T, indices: StaticIndices, axis: number): T;

  // elementwise (broadcasting)
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  maximum(a: T, b: T): T;
  minimum(a: T, b: T): T;
  neg(x: T): T;
  abs(x: T): T;
  exp(x: T): T;
  log(x: T): T;
  log1p(x: T): T;
  sqrt(x: T): T;

  // masks
  equal(a: T, b: T): T;
  greater(a: T, b: T): T;
  where(condition: T, a: T, b: T): T;

  // reductions and products
  sum(x: T, axis: number, keepDims: boolean): T;
  max(x: T, axis: number, keepDims: boolean): T;
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
  scope<R>(fn: () => R): R;
  dispose(x: T): void;
  /** Number of tensors currently alive that this backend created (for leak checks). */
  liveCount(): number;
  /** True for tensors owned by this backend. */
  isTensor(value: unknown): value is T;

  // contract hooks (optional; see docs/guides/guarantees.md)
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

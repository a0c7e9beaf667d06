import { ContrastiveInputError, formatShape, specificationVersion, type Shape, type TensorBackend } from '@contrastive/core';
import type { BufferPoolStats } from './buffer-pool.js';
import { acquireDevice, type DeviceOptions, type WebGpuLimits } from './device-acquisition.js';
import { elementwise } from './elementwise-ops.js';
import type { WebGpuDeviceLostError } from './errors.js';
import { fusedSimilarityCrossEntropy } from './fused-similarity-cross-entropy.js';
import type { GpuTensor } from './gpu-tensor.js';
import { checkShape, hostTransfer } from './host-transfer.js';
import { checkMemoryBudgetOption, memoryBudget } from './memory-budget.js';
import * as structural from './structural-ops.js';
import { WebGpuContext } from './webgpu-context.js';

/**
 * Options of {@link createWebGpuBackend}, with the device options of {@link DeviceOptions}.
 *
 * @example
 * const backend = await createWebGpuBackend({ device: myDevice, workPerDispatch: 2 ** 25 });
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export interface WebGpuBackendOptions extends DeviceOptions {
  /** Use the fused, tiled `similarityCrossEntropy` (default true); false runs core's composed reference. */
  readonly fused?: boolean;
  /**
   * Multiply-adds per dispatch of the fused kernel (default 2^27): each pass runs in tiles of keys or anchors
   * sized by it, keeping every dispatch short (browsers reset the GPU after a few seconds in one dispatch).
   */
  readonly workPerDispatch?: number;
  /**
   * Bytes one loss call may keep alive at once (`capabilities.memoryBudgetBytes`; core throws
   * `ContrastiveResourceError` above it before any kernel runs). Default: 2 GiB, or 16 times the device's largest
   * buffer when that is smaller (the composed kernel's live similarity matrices; the fused kernel keeps none).
   */
  readonly memoryBudgetBytes?: number;
}

/**
 * The WebGPU tensor backend: core's interface plus GPU-resident input and output.
 *
 * @example
 * const backend = await createWebGpuBackend();
 * const x = backend.fromBuffer(myStorageBuffer, [rows, dimension]); // no copy
 * const loss = computeLoss(backend, ntXent, { anchors: x, positives: y });
 * backend.destroy();
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export interface WebGpuBackend extends TensorBackend<GpuTensor> {
  /** The device every kernel runs on: the caller's (`options.device`) or the one the backend requested. */
  readonly device: GPUDevice;
  /** The limits the kernels size themselves by (read from the device). */
  readonly limits: WebGpuLimits;
  /** Adapter description (vendor, architecture, device) when the backend requested the device. */
  readonly adapterInfo: string;
  /** Resolves with the typed error when the device is lost; the backend is unusable from then on. */
  readonly lost: Promise<WebGpuDeviceLostError>;
  /** Wraps a float32 `GPUBuffer` (STORAGE usage) you own as a tensor, without a copy; dispose leaves it alone. */
  fromBuffer(buffer: GPUBuffer, shape: Shape): GpuTensor;
  /** The buffer holding `x`'s values (first `4 * size` bytes); valid until `x` is disposed. */
  bufferOf(x: GpuTensor): GPUBuffer;
  /** Hands `x`'s values to the caller as a `GPUBuffer` they own (and must destroy); disposes `x`. */
  takeBuffer(x: GpuTensor): GPUBuffer;
  /** Core's contract hook: true once `x` is disposed. */
  isDisposed(x: GpuTensor): boolean;
  /** Core's contract hook: the values given to `fromArray` (or a small `fill`); undefined for values computed on the GPU. */
  knownValues(x: GpuTensor): ArrayLike<number> | undefined;
  /** Buffer pool statistics: live buffers, largest allocation, bytes held. */
  poolStats(): BufferPoolStats;
  /**
   * Frees pooled buffers, destroys the device when the backend requested it, and lets go of the `GPU` object
   * (Node: the `create([])` result, held until now so that Dawn never sees it collected while in use). Call it
   * when done; every later call throws `WebGpuDeviceLostError`.
   */
  destroy(): void;
}

/**
 * Creates the WebGPU backend: hand-written WGSL for every primitive, float32, asynchronous reads only.
 * Pass `device` to share yours, or `gpu` (Node: `create([])` from the `webgpu` package); by default it asks
 * `navigator.gpu` for an adapter and a device with the adapter's buffer and workgroup limits.
 *
 * @param options - {@link WebGpuBackendOptions}: `device`, `gpu`, `adapterOptions` (default: ask `navigator.gpu`),
 * `fused` (default true), `workPerDispatch` (default 2^27), `memoryBudgetBytes` (default 2 GiB, or 16 times the
 * device's largest buffer when smaller).
 * @returns The {@link WebGpuBackend}; call `destroy()` when done.
 * @throws WebGpuUnavailableError when no adapter or device can be had.
 * @throws ContrastiveInputError for a `memoryBudgetBytes` that is not a number > 0.
 *
 * @example
 * const backend = await createWebGpuBackend();
 * const loss = computeLoss(backend, ntXent, { anchors, positives }, { temperature: 0.1 });
 * console.log((await backend.read(loss))[0]);
 *
 * @see [WebGPU backend](/backends/webgpu)
 */
export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  checkMemoryBudgetOption(options.memoryBudgetBytes);
  const context = new WebGpuContext(await acquireDevice(options));
  const backend = buildBackend(context, memoryBudget(options.memoryBudgetBytes, context.limits));
  if (options.fused === false) return backend;
  return Object.assign(backend, { fused: { similarityCrossEntropy: fusedSimilarityCrossEntropy(context, backend, options.workPerDispatch) } });
}

function buildBackend(context: WebGpuContext, memoryBudgetBytes: number): WebGpuBackend {
  const binary = (op: 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'equal' | 'greater') => (a: GpuTensor, b: GpuTensor) =>
    elementwise(context, op, [a, b]);
  const unary = (op: 'neg' | 'abs' | 'exp' | 'log' | 'log1p' | 'sqrt') => (x: GpuTensor) => elementwise(context, op, [x]);
  const transfer = hostTransfer(context, () => backend);
  const backend: WebGpuBackend = {
    specificationVersion,
    name: 'webgpu',
    capabilities: { execution: 'eager', precision: 'float32', hostReadable: false, memoryBudgetBytes },
    device: context.device,
    limits: context.limits,
    adapterInfo: context.adapterInfo,
    lost: context.lost,

    ...transfer,
    shape: (x) => x.shape,
    reshape(x, shape) {
      checkShape(shape, 'shape');
      const size = shape.reduce((acc, extent) => acc * extent, 1);
      if (size !== context.live(x).size) throw new ContrastiveInputError('shape', `${x.size} values (from ${formatShape(x.shape)})`, formatShape(shape));
      return context.view(x, shape);
    },
    transpose: (x) => structural.transpose(context, x),
    slice: (x, begin, size) => structural.slice(context, x, begin, size),
    concat: (xs, axis) => structural.concat(context, xs, axis),
    takeAlongAxis: (x, indices, axis) => structural.takeAlongAxis(context, x, indices, axis),

    add: binary('add'),
    sub: binary('sub'),
    mul: binary('mul'),
    div: binary('div'),
    maximum: binary('maximum'),
    minimum: binary('minimum'),
    neg: unary('neg'),
    abs: unary('abs'),
    exp: unary('exp'),
    log: unary('log'),
    log1p: unary('log1p'),
    sqrt: unary('sqrt'),

    equal: binary('equal'),
    greater: binary('greater'),
    where: (condition, a, b) => elementwise(context, 'where', [condition, a, b]),

    sum: (x, axis, keepDims) => structural.reduce(context, x, axis, keepDims, 'sum'),
    max: (x, axis, keepDims) => structural.reduce(context, x, axis, keepDims, 'max'),
    matmul: (a, b, options) => structural.matmul(context, a, b, options),

    scope: (fn) => context.tracker.scope(fn),
    dispose: (x) => context.tracker.dispose(x),
    liveCount: () => context.tracker.liveCount,
    isTensor: (value): value is GpuTensor => context.owns(value),
    poolStats: () => context.pool.stats(),
    destroy: () => context.destroy(),
  };
  return backend;
}

import { checkDeviceRead, ContrastiveInputError, specificationVersion, type BackendCapabilities, type TensorBackend } from '@contrastive/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { accurateLog1p, accurateLog1pBackends } from './accurate-log1p.js';
import { constantShiftKernel } from './constant-shift-kernel.js';
import { crossViewKernel } from './cross-view-kernel.js';
import { sigmoidPairwiseKernel } from './sigmoid-pairwise-kernel.js';
import { hostBackends, hostKnownValues, largestKnownFill } from './host-values.js';
import { defaultTfjsMemoryBudgetBytes } from './memory-budget.js';
import { flatTakeAlongAxisIndices } from './take-along-axis.js';
import { adapterFill, detectPrecision, type TfjsModule } from './tfjs-precision.js';
import { broadcastOnWasm, matmul, nanPropagatingExtremum } from './wasm-fast-paths.js';
import { webglMax } from './webgl-max.js';

/**
 * Options of {@link createTfjsBackend}.
 *
 * @example
 * const backend = createTfjsBackend(tf, { memoryBudgetBytes: 1024 ** 3, checkValues: 'off' });
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export interface TfjsBackendOptions {
  /**
   * Bytes one loss call may need at once; above it core throws `ContrastiveResourceError` before any kernel runs.
   * Default: by active tfjs backend, `defaultTfjsMemoryBudgetBytes` (wasm 3 GiB: its heap ends at 4 GiB).
   */
  readonly memoryBudgetBytes?: number;
  /** `'off'` skips the value checks of every call (see core's `BackendCapabilities.checkValues`). Default `'on'`. */
  readonly checkValues?: 'on' | 'off';
}

/**
 * The core tensor-backend interface over a TensorFlow.js module (`@tensorflow/tfjs-core`, `@tensorflow/tfjs`,
 * `@tensorflow/tfjs-node-gpu`, ...), on whichever tfjs backend is active (cpu, wasm, webgl, webgpu, tensorflow).
 *
 * - Every primitive is one tfjs op: `matmul(a, b, { transposeB })` is `tf.matMul(a, b, false, true)`,
 *   `takeAlongAxis` is a `tf.gather` over precomputed flat indices (ONNX GatherElements).
 * - `log1p` is composed from `log` on backends whose kernel computes `log(1 + x)` (wasm, webgl, webgpu), so tiny
 *   losses keep their digits (see `accurateLog1p`).
 * - Values are float32 (`fromArray`, `fill`); masks are tfjs `bool` tensors, only consumed by `where`.
 * - `capabilities.precision` follows the active tfjs backend: `float16` on WebGL without float32 render targets
 *   or with `WEBGL_FORCE_F16_TEXTURES`, `float32` otherwise. In float16 mode, `fill` stores +-Infinity as
 *   +-65504 (tfjs-webgl turns infinities into NaN in half-float textures) and raises non-zero constants below
 *   2^-14 to 2^-14, so the normalisation clamp `1e-12` does not flush to 0 (zero rows stay finite; rows with
 *   a norm below 2^-14 are divided by 2^-14).
 * - `scope` is `tf.tidy`; `liveCount` counts the tensors this adapter created that are not disposed yet.
 * - Contract hooks: `dtype` and `isDisposed` are the tensor's own, so core rejects bool, int32 (except labels) and
 *   string inputs and disposed tensors by argument name before any kernel runs; `knownValues` reads host backends
 *   (cpu, wasm, tensorflow) and, on webgl and webgpu, returns what `fromArray` was given or a small `fill`'s
 *   constant; other values there are checked on the device and `read` names a non-finite
 *   input (`checkDeviceRead`).
 *
 * @param tf - The TensorFlow.js module (`import * as tf from '@tensorflow/tfjs'`), with the backend to use active.
 * @param options - {@link TfjsBackendOptions}: `memoryBudgetBytes` (default by active tfjs backend,
 * `defaultTfjsMemoryBudgetBytes`), `checkValues` (default `'on'`).
 * @returns A `TensorBackend` over tfjs `Tensor`s.
 * @throws ContrastiveInputError for a `memoryBudgetBytes` that is not a number > 0.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * import { computeLoss, ntXent } from '@contrastive/core';
 * const backend = createTfjsBackend(tf);
 * const loss = computeLoss(backend, ntXent, { anchors: tf.randomNormal([8, 32]), positives: tf.randomNormal([8, 32]) });
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export function createTfjsBackend(tf: TfjsModule, options: TfjsBackendOptions = {}): TensorBackend<Tensor> {
  const budget = options.memoryBudgetBytes;
  if (budget !== undefined && !(typeof budget === 'number' && budget > 0)) {
    throw new ContrastiveInputError('options.memoryBudgetBytes', 'a number of bytes > 0', String(budget));
  }
  const created = new Set<Tensor>();
  const knownOnHost = new WeakMap<Tensor, Float32Array>();
  let sincePrune = 0;
  const prune = () => {
    for (const tensor of created) if (tensor.isDisposed) created.delete(tensor);
    sincePrune = 0;
  };
  const track = <X extends Tensor>(tensor: X): X => {
    created.add(tensor);
    if (++sincePrune > 4096) prune();
    return tensor;
  };
  const isTensor = (value: unknown): value is Tensor => value instanceof tf.Tensor;

  const backend: TensorBackend<Tensor> = {
    specificationVersion,
    get name() {
      return `tfjs-${tf.getBackend()}`;
    },
    get capabilities(): BackendCapabilities {
      const active = tf.getBackend();
      const memoryBudgetBytes = budget ?? defaultTfjsMemoryBudgetBytes[active];
      return {
        execution: 'eager',
        precision: detectPrecision(tf),
        hostReadable: hostBackends.has(active),
        ...(memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes }),
        ...(options.checkValues === undefined ? {} : { checkValues: options.checkValues }),
      };
    },

    fused: {
      similarityCrossEntropy: constantShiftKernel(tf, track, () => detectPrecision(tf) === 'float32'),
      crossViewCrossEntropy: crossViewKernel(tf, track, () => detectPrecision(tf) === 'float32'),
      sigmoidPairwise: sigmoidPairwiseKernel(tf, track, () => detectPrecision(tf) === 'float32'),
    },

    fromArray(values, shape) {
      const data = Float32Array.from(values);
      const tensor = track(tf.tensor(data, [...shape], 'float32'));
      // On GPU backends the host copy lets core check these values on the host (labels, scales, magnitudes).
      if (!hostBackends.has(tf.getBackend())) knownOnHost.set(tensor, data);
      return tensor;
    },
    fill(shape, value) {
      const tensor = track(adapterFill(tf, shape, value));
      // A small fill's constant is known too (scales, temperatures, an upstream gradient): checked on the host.
      if (!hostBackends.has(tf.getBackend()) && tensor.size <= largestKnownFill) {
        knownOnHost.set(tensor, new Float32Array(tensor.size).fill(value));
      }
      return tensor;
    },

    shape: (x) => x.shape,
    reshape: (x, shape) => track(tf.reshape(x, [...shape])),
    transpose: (x) => track(tf.transpose(x)),
    slice: (x, begin, size) => track(tf.slice(x, [...begin], [...size])),
    concat: (xs, axis) => track(tf.concat([...xs], axis)),
    takeAlongAxis(x, indices, axis) {
      const flat = flatTakeAlongAxisIndices(x.shape, indices.values, indices.shape, axis);
      return track(
        tf.tidy(() => tf.reshape(tf.gather(tf.reshape(x, [-1]), tf.tensor1d(flat, 'int32')), [...indices.shape])),
      );
    },

    add: (a, b) => track(tf.add(a, b)),
    sub: (a, b) => track(tf.sub(a, b)),
    mul: (a, b) => track(tf.mul(a, b)),
    div: (a, b) => track(tf.div(a, b)),
    maximum: (a, b) => track(nanPropagatingExtremum(tf, 'maximum', a, b)),
    minimum: (a, b) => track(nanPropagatingExtremum(tf, 'minimum', a, b)),
    neg: (x) => track(tf.neg(x)),
    abs: (x) => track(tf.abs(x)),
    exp: (x) => track(tf.exp(x)),
    log: (x) => track(tf.log(x)),
    log1p: (x) => track(accurateLog1pBackends.has(tf.getBackend()) ? tf.log1p(x) : accurateLog1p(tf, x)),
    sqrt: (x) => track(tf.sqrt(x)),

    equal: (a, b) => track(tf.tidy(() => tf.equal(...broadcastOnWasm(tf, a, b)))),
    greater: (a, b) => track(tf.tidy(() => tf.greater(...broadcastOnWasm(tf, a, b)))),
    where: (condition, a, b) => track(tf.tidy(() => tf.where(condition, ...broadcastOnWasm(tf, a, b, condition.shape)))),

    sum: (x, axis, keepDims) => track(tf.sum(x, axis, keepDims)),
    max: (x, axis, keepDims) =>
      track(tf.getBackend() === 'webgl' && detectPrecision(tf) === 'float32' ? webglMax(tf, x, axis, keepDims) : tf.max(x, axis, keepDims)),
    matmul: (a, b, options = {}) => track(matmul(tf, a, b, !!options.transposeA, !!options.transposeB)),

    read: async (x) => checkDeviceRead(backend, x, toFloatArray(await x.data())),
    readSync: (x) => toFloatArray(x.dataSync()),

    scope: (fn) => {
      const result = tf.tidy(fn as () => never) as ReturnType<typeof fn>;
      if (sincePrune > 256) prune();
      return result;
    },
    dispose(x) {
      x.dispose();
      created.delete(x);
    },
    liveCount() {
      prune();
      return created.size;
    },
    isTensor,

    dtype: (x) => x.dtype,
    isDisposed: (x) => x.isDisposed,
    knownValues: (x) => hostKnownValues(tf, x) ?? (x.isDisposed ? undefined : knownOnHost.get(x)),
  };
  return backend;
}

/** Float32 values as they are; masks (bool, read as 0/1 bytes) and int32 tensors widened to float32. */
function toFloatArray(values: ArrayLike<number> | ArrayLike<string> | Uint8Array[]): Float32Array {
  if (values instanceof Float32Array) return values;
  return Float32Array.from(values as ArrayLike<number>);
}

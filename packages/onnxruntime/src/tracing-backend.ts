import { checkMemoryBudget, checkValuesOption, ContrastiveInputError, formatShape, specificationVersion, TensorTracker, type Shape, type StaticIndices, type TensorBackend } from '@contrastive/core';
import { int64Operand, OnnxTensor, type AttributeValue, type Int64Operand, type OnnxElementType } from './onnx-tensor.js';
import * as shapes from './shape-inference.js';
import { constantShiftKernel, traceTimeValues } from './constant-shift-kernel.js';
import { runtimeGroupKernel } from './runtime-group-kernel.js';
import { crossViewKernel } from './cross-view-kernel.js';
import { sigmoidPairwiseKernel } from './sigmoid-pairwise-kernel.js';

/**
 * A `TensorBackend` that records an ONNX graph: every primitive adds one node to symbolic `OnnxTensor`s, plus
 * `placeholder` for named graph inputs. {@link exportOnnx} and {@link traceLoss} use one.
 *
 * @example
 * const backend = createTracingBackend();
 * const anchors = backend.placeholder('anchors', [8, 32]);
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface TracingBackend extends TensorBackend<OnnxTensor> {
  /** A graph input named `name` (a loss input of an exported model). */
  placeholder(name: string, shape: Shape): OnnxTensor;
}

/**
 * Options of {@link createTracingBackend}; every one is optional.
 *
 * @example
 * const backend = createTracingBackend({ name: 'my-export', maxBlockBytes: 64 * 2 ** 20 });
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface TracingBackendOptions {
  /** Backend name in reports and errors. Default `'onnxruntime'`. */
  readonly name?: string;
  /** How `read` obtains values; without it, reading a symbolic tensor throws. */
  readonly read?: (x: OnnxTensor) => Promise<Float32Array>;
  /**
   * Largest [rows, n] float32 block the fused self-similarity kernel materialises at once; above it the rows run
   * in blocks inside an ONNX Loop. Default 256 MiB.
   */
  readonly maxBlockBytes?: number;
  /**
   * Bytes one loss call may need at once before `ContrastiveResourceError` (estimated from shapes by core).
   * Default 4 GiB: the wasm32 heap of onnxruntime-web ends there; onnxruntime-node users may raise it.
   */
  readonly memoryBudgetBytes?: number;
  /** `'off'` skips the value checks of every call (see `BackendCapabilities.checkValues`). Default `'on'`. */
  readonly checkValues?: 'on' | 'off';
}

/**
 * The default `memoryBudgetBytes` of the ONNX Runtime backends and runner.
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export const defaultOnnxMemoryBudgetBytes = 4 * 1024 ** 3;

/**
 * Most inputs of one Concat node; more are joined as a tree of Concats. onnxruntime-web 1.30's WebGPU provider binds
 * every input and the output of a Concat as storage buffers, and a WebGPU device's default limit is 8 per shader
 * stage: with 8 or more inputs the shader is rejected and the node's outputs come back as zeros, with no error, as do
 * the other nodes submitted with it (seen in Chromium on SwiftShader: written-out row blocks of CLIP at n = 16 lost
 * every row statistic; `concat-inputs.browser.test.ts`).
 */
export const maximumConcatInputs = 7;

const floatAttribute = (value: number): AttributeValue => ({ kind: 'float', value });
const intAttribute = (value: number): AttributeValue => ({ kind: 'int', value });

/**
 * The tracing implementation of core's `TensorBackend`: every primitive records one ONNX node (opset 17) on a
 * symbolic `OnnxTensor` whose static shape is known at trace time. The op table:
 *
 * | primitive | ONNX op (opset 17) |
 * |---|---|
 * | fromArray | initializer (exported models) or a fed graph input (eager reads) |
 * | fill | Constant (up to 64 values), else ConstantOfShape |
 * | reshape / transpose / slice / concat | Reshape / Transpose (perm 1,0) / Slice / Concat |
 * | takeAlongAxis | GatherElements with an int64 initializer of indices |
 * | add, sub, mul, div, maximum, minimum | Add, Sub, Mul, Div, Max, Min (broadcasting) |
 * | neg, abs, exp, log, sqrt | Neg, Abs, Exp, Log, Sqrt |
 * | log1p | no ONNX op: `u = 1 + x`, `u == 1 ? x : log(u) * x / (u - 1)` (exact to float32 rounding) |
 * | equal, greater, where | Equal, Greater (bool masks), Where |
 * | sum / max | ReduceSum (axes an int64 input since opset 13) / ReduceMax (axes an attribute until opset 18), plus `ReduceSum(Sigmoid(x) * 0)` added to restore NaN, which ORT's ReduceMax skips |
 * | matmul | MatMul, or Gemm with transA/transB when a transpose flag is set |
 *
 * The fused `similarityCrossEntropy` (constant-shift-kernel.ts) adds ScatterElements, Gather and Loop; the fused
 * `crossViewCrossEntropy` (cross-view-kernel.ts, CLIP) adds GatherElements and ScatterElements.
 * No ReduceLogSumExp anywhere: ORT's WebGPU kernel does not subtract the maximum; core composes the stable form.
 *
 * @param options - {@link TracingBackendOptions}: `name` (default `'onnxruntime'`), `read` (default: reading throws),
 * `maxBlockBytes` (default 256 MiB), `memoryBudgetBytes` (default 4 GiB), `checkValues` (default `'on'`).
 * @returns The {@link TracingBackend}.
 * @throws ContrastiveInputError for a bad `memoryBudgetBytes` or `checkValues`.
 *
 * @example
 * const backend = createTracingBackend();
 * const x = backend.placeholder('x', [2, 3]);
 * const y = backend.exp(x); // records an Exp node
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export function createTracingBackend(options: TracingBackendOptions = {}): TracingBackend {
  checkMemoryBudget(options.memoryBudgetBytes);
  checkValuesOption(options.checkValues);
  const owner = {};
  const tracker = new TensorTracker<OnnxTensor>((t) => { t.disposed = true; }, (v): v is OnnxTensor => v instanceof OnnxTensor && v.owner === owner);
  const isTensor = (value: unknown): value is OnnxTensor => value instanceof OnnxTensor && value.owner === owner;

  const live = (x: OnnxTensor, argument = 'x'): OnnxTensor => {
    if (!isTensor(x)) throw new ContrastiveInputError(argument, 'a tensor of this onnxruntime backend', typeof x);
    if (x.disposed) throw new Error(`onnxruntime backend: ${argument} was used after dispose`);
    return x;
  };
  /** A node output that the caller never sees (casts, log1p parts): not tracked. */
  const raw = (opType: string, inputs: (OnnxTensor | Int64Operand)[], shape: Shape, type: OnnxElementType = 'float32', attributes: Record<string, AttributeValue> = {}) =>
    new OnnxTensor(shape, type, { kind: 'node', node: { opType, inputs, attributes } }, owner);
  const node = (...args: Parameters<typeof raw>) => tracker.track(raw(...args));
  let loopInputs = 0;
  const loopInput = (shape: Shape, type: OnnxElementType) => new OnnxTensor([...shape], type, { kind: 'input', name: `loop${loopInputs++}` }, owner);
  const output = (of: OnnxTensor, index: number, shape: Shape, type: OnnxElementType = 'float32') =>
    tracker.track(new OnnxTensor([...shape], type, { kind: 'output', of, index }, owner));
  const emitter = { node, loopInput, output, backend: () => backend };
  const cast = (x: OnnxTensor, type: OnnxElementType) =>
    x.elementType === type ? x : raw('Cast', [x], x.shape, type, { to: intAttribute(type === 'bool' ? 9 : 1) });
  const float = (x: OnnxTensor, argument = 'x') => cast(live(x, argument), 'float32');
  const binary = (opType: string, type: OnnxElementType = 'float32') => (a: OnnxTensor, b: OnnxTensor) =>
    node(opType, [float(a, 'a'), float(b, 'b')], shapes.broadcastShapes(a.shape, b.shape), type);
  const unary = (opType: string) => (x: OnnxTensor) => node(opType, [float(x)], x.shape);
  const constant = (shape: Shape, value: number) => {
    if (shapes.sizeOf(shape) <= 64) {
      const values = new Float32Array(shapes.sizeOf(shape)).fill(value);
      return raw('Constant', [], shape, 'float32', { value: { kind: 'tensor', shape, values } });
    }
    const one = { kind: 'tensor', shape: [1], values: Float32Array.of(value) } as const;
    return raw('ConstantOfShape', [int64Operand([...shape])], shape, 'float32', { value: one });
  };
  const reduce = (opType: 'ReduceSum' | 'ReduceMax') => (x: OnnxTensor, axis: number, keepDims: boolean) => {
    const resolved = shapes.normalizeAxis(axis, live(x).shape.length);
    const attributes: Record<string, AttributeValue> = { keepdims: intAttribute(keepDims ? 1 : 0) };
    if (opType === 'ReduceMax') attributes['axes'] = { kind: 'ints', value: [resolved] };
    const inputs = opType === 'ReduceSum' ? [float(x), int64Operand([resolved])] : [float(x)];
    return node(opType, inputs, shapes.reducedShape(x.shape, resolved, keepDims), 'float32', attributes);
  };

  const backend: TracingBackend = {
    specificationVersion,
    name: options.name ?? 'onnxruntime',
    capabilities: {
      execution: 'traced',
      precision: 'float32',
      hostReadable: false,
      memoryBudgetBytes: options.memoryBudgetBytes ?? defaultOnnxMemoryBudgetBytes,
      ...(options.checkValues === undefined ? {} : { checkValues: options.checkValues }),
    },
    fused: {
      similarityCrossEntropy: runtimeGroupKernel(emitter, constantShiftKernel(emitter, options.maxBlockBytes), options.maxBlockBytes),
      crossViewCrossEntropy: crossViewKernel(emitter, options.maxBlockBytes),
      sigmoidPairwise: sigmoidPairwiseKernel(emitter, options.maxBlockBytes),
    },

    placeholder(name, shape) {
      shapes.checkShape(shape, name);
      return tracker.track(new OnnxTensor([...shape], 'float32', { kind: 'input', name }, owner));
    },
    fromArray(values, shape) {
      shapes.checkShape(shape, 'shape');
      if (values.length !== shapes.sizeOf(shape)) {
        throw new ContrastiveInputError('values', `${shapes.sizeOf(shape)} values (shape ${formatShape(shape)})`, `${values.length} values`);
      }
      return tracker.track(new OnnxTensor([...shape], 'float32', { kind: 'data', values: Float32Array.from(values) }, owner));
    },
    fill(shape, value) {
      shapes.checkShape(shape, 'shape');
      return tracker.track(constant([...shape], value));
    },

    shape: (x) => live(x).shape,
    reshape(x, shape) {
      shapes.checkShape(shape, 'shape');
      if (shapes.sizeOf(shape) !== shapes.sizeOf(live(x).shape)) {
        throw new ContrastiveInputError('shape', `${shapes.sizeOf(x.shape)} elements (the size of ${formatShape(x.shape)})`, formatShape(shape));
      }
      const attributes: Record<string, AttributeValue> = shape.includes(0) ? { allowzero: intAttribute(1) } : {};
      return node('Reshape', [x, int64Operand([...shape])], [...shape], x.elementType, attributes);
    },
    transpose(x) {
      if (live(x).shape.length !== 2) throw new ContrastiveInputError('x', 'a rank-2 tensor', `shape ${formatShape(x.shape)}`);
      return node('Transpose', [x], [x.shape[1]!, x.shape[0]!], x.elementType, { perm: { kind: 'ints', value: [1, 0] } });
    },
    slice(x, begin, size) {
      shapes.checkSlice(live(x).shape, begin, size);
      const axes = x.shape.map((_, axis) => axis);
      const ends = begin.map((start, axis) => start + size[axis]!);
      return node('Slice', [x, int64Operand([...begin]), int64Operand(ends), int64Operand(axes)], [...size], x.elementType);
    },
    concat(xs, axis) {
      const shape = shapes.concatShape(xs.map((x) => live(x, 'xs').shape), axis);
      const resolved = shapes.normalizeAxis(axis, shape.length);
      const join = (parts: readonly OnnxTensor[]): OnnxTensor => {
        if (parts.length <= maximumConcatInputs) {
          return node('Concat', parts.map((x) => float(x, 'xs')), shapes.concatShape(parts.map((x) => x.shape), resolved), 'float32', { axis: intAttribute(resolved) });
        }
        const groups = Array.from({ length: Math.ceil(parts.length / maximumConcatInputs) }, (_, g) => parts.slice(g * maximumConcatInputs, (g + 1) * maximumConcatInputs));
        return join(groups.map((group) => (group.length === 1 ? group[0]! : join(group))));
      };
      return join(xs);
    },
    takeAlongAxis(x, indices: StaticIndices, axis) {
      const resolved = shapes.normalizeAxis(axis, live(x).shape.length);
      shapes.checkIndices(x.shape, indices, resolved);
      return node('GatherElements', [float(x), int64Operand(indices.values, indices.shape)], [...indices.shape], 'float32', { axis: intAttribute(resolved) });
    },

    add: binary('Add'),
    sub: binary('Sub'),
    mul: binary('Mul'),
    div: binary('Div'),
    maximum: binary('Max'),
    minimum: binary('Min'),
    neg: unary('Neg'),
    abs: unary('Abs'),
    exp: unary('Exp'),
    log: unary('Log'),
    sqrt: unary('Sqrt'),
    log1p(x) {
      // Goldberg's form: log1p(x) = x * log(u) / (u - 1) with u = 1 + x rounded; exact when u == 1.
      const value = float(x);
      const u = raw('Add', [value, constant([], 1)], x.shape);
      const d = raw('Sub', [u, constant([], 1)], x.shape);
      const ratio = raw('Where', [raw('Equal', [d, value], x.shape, 'bool'), constant([], 1), raw('Div', [value, d], x.shape)], x.shape);
      const general = raw('Mul', [raw('Log', [u], x.shape), ratio], x.shape);
      return node('Where', [raw('Equal', [u, constant([], 1)], x.shape, 'bool'), value, general], x.shape);
    },

    equal: binary('Equal', 'bool'),
    greater: binary('Greater', 'bool'),
    where(condition, a, b) {
      const shape = shapes.broadcastShapes(shapes.broadcastShapes(live(condition, 'condition').shape, live(a, 'a').shape, 'a'), live(b, 'b').shape, 'b');
      return node('Where', [cast(condition, 'bool'), float(a, 'a'), float(b, 'b')], shape);
    },

    sum: reduce('ReduceSum'),
    max: (x, axis, keepDims) => {
      // ORT's ReduceMax (opset 17) skips NaN; IEEE 754 maximum propagates it. Restore it in float arithmetic:
      // Sigmoid maps +-Infinity to 1 and 0 and keeps NaN, so `Sigmoid(x) * 0` is 0, or NaN exactly where x is NaN,
      // and the row sum carries it. (A clamp by Max/Min with a broadcast scalar gave wrong rows on the WebGPU EP.)
      const largest = reduce('ReduceMax')(x, axis, keepDims);
      const clamped = node('Sigmoid', [x], [...x.shape]);
      const nanOrZero = reduce('ReduceSum')(node('Mul', [clamped, constant([], 0)], [...x.shape]), axis, keepDims);
      return node('Add', [largest, nanOrZero], [...largest.shape]);
    },
    matmul(a, b, matmulOptions = {}) {
      const transposeA = !!matmulOptions.transposeA;
      const transposeB = !!matmulOptions.transposeB;
      const shape = shapes.matmulShape(live(a, 'a').shape, live(b, 'b').shape, transposeA, transposeB);
      if (!transposeA && !transposeB) return node('MatMul', [float(a, 'a'), float(b, 'b')], shape);
      return node('Gemm', [float(a, 'a'), float(b, 'b')], shape, 'float32', {
        transA: intAttribute(transposeA ? 1 : 0),
        transB: intAttribute(transposeB ? 1 : 0),
        alpha: floatAttribute(1),
      });
    },

    read(x) {
      live(x);
      if (!options.read) return Promise.reject(new Error('a tracing backend holds no values: read through createOnnxRuntimeBackend'));
      return options.read(x);
    },

    scope: (fn) => tracker.scope(fn),
    dispose: (x) => tracker.dispose(x),
    liveCount: () => tracker.liveCount,
    isTensor,
    dtype: (x) => x.elementType,
    isDisposed: (x) => x.disposed,
    knownValues: (x) => traceTimeValues(x),
  };
  return backend;
}

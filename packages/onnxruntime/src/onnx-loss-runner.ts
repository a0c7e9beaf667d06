import { checkHostCall, checkLoss, checkMemoryBudget, checkValuesOption, ContrastiveInputError, formatShape, type LossDefinition, type Shape } from '@contrastive/core';
import { constantShiftWorkingMatrices, defaultMaxBlockBytes, type GraphEmitter } from './constant-shift-kernel.js';
import { crossViewKernel } from './cross-view-kernel.js';
import { runtimeGroupKernelMatrices } from './runtime-group-kernel.js';
import { sigmoidPairwiseWorkingMatrices } from './sigmoid-pairwise-kernel.js';
import { defaultOnnxMemoryBudgetBytes } from './tracing-backend.js';
import { traceLoss, type InputShapes, type TraceOptions } from './export-onnx.js';
import { encodeModel } from './onnx-schema.js';
import type { OrtRuntimeOptions } from './ort-module.js';
import { SessionCache, type SessionStatistics } from './session-cache.js';
import { sizeOf } from './shape-inference.js';

/**
 * A host tensor: row-major values and a shape.
 *
 * @example
 * const anchors: HostTensor = { values: new Float32Array(8 * 32), shape: [8, 32] };
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface HostTensor {
  /** The values, row-major. */
  readonly values: ArrayLike<number>;
  /** Their shape. */
  readonly shape: Shape;
}

/**
 * What {@link OnnxLossRunner.run} returns: the loss and the gradients, on the host.
 *
 * @example
 * const { loss, lossShape, gradients } = await runner.run(ntXent, { anchors, positives });
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface OnnxLossResult<I extends string> {
  /** The loss values (one for `mean`/`sum`, one per row for `reduction: 'none'`) and their shape. */
  readonly loss: Float32Array;
  /** The shape of `loss`: `[]`, or `[rows]` for `reduction: 'none'`. */
  readonly lossShape: Shape;
  /** The gradient of `sum(loss)` with respect to each gradient input given, row-major like that input. */
  readonly gradients: { readonly [K in I]?: Float32Array };
}

/**
 * Runs core losses on ONNX Runtime from host arrays, one cached session per (loss, options, shapes).
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 *
 * @example
 * const runner = createOnnxLossRunner({ ort });
 * const { loss } = await runner.run(ntXent, { anchors, positives }, { temperature: 0.1 });
 * await runner.release();
 */
export interface OnnxLossRunner {
  /**
   * Runs `loss` and its gradients on host inputs. Checks the call like `computeLoss` (in float32) first.
   *
   * @param loss - The core loss definition.
   * @param inputs - The inputs as host arrays with shapes, by name.
   * @param options - Options of the loss; each one left out takes its default.
   * @returns The loss and the gradient of each gradient input, as `Float32Array`s.
   * @throws ContrastiveInputError or ContrastiveResourceError, as `computeLoss`.
   */
  run<I extends string, O extends object>(
    loss: LossDefinition<I, O>,
    inputs: { readonly [K in I]?: HostTensor },
    options?: Partial<O>,
  ): Promise<OnnxLossResult<I>>;
  /** The session cache's counters. */
  readonly statistics: SessionStatistics;
  /** Releases every cached session. */
  release(): Promise<void>;
}

interface Signature {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly gradientNames: readonly string[];
  readonly lossShape: Shape;
}

/**
 * Runs a core loss and its gradients on ONNX Runtime as one traced graph (the model `exportOnnx` writes).
 * Sessions are cached by (loss name, resolved options, input shapes): the first call at a shape traces and
 * creates the session, later calls only feed values and run.
 *
 * @param options - The runtime ({@link OrtRuntimeOptions}: `ort`, required; `sessionOptions`; `maxSessions`, default 32;
 * `maxSessionBytes`, default 256 MiB) and {@link TraceOptions} (`maxBlockBytes`, default 256 MiB; `memoryBudgetBytes`,
 * default 4 GiB; `checkValues`, default `'on'`).
 * @returns The {@link OnnxLossRunner}; call `release()` when done.
 * @throws ContrastiveInputError for a bad `memoryBudgetBytes` or `checkValues`.
 *
 * @example
 * import * as ort from 'onnxruntime-node';
 * const runner = createOnnxLossRunner({ ort });
 * const { loss, gradients } = await runner.run(ntXent, { anchors: { values, shape: [4, 8] }, positives }, { temperature: 0.1 });
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export function createOnnxLossRunner(options: OrtRuntimeOptions & TraceOptions): OnnxLossRunner {
  checkMemoryBudget(options.memoryBudgetBytes);
  checkValuesOption(options.checkValues);
  const sessions = new SessionCache(options);
  const signatures = new Map<string, Signature>();
  const maxBlockBytes = options.maxBlockBytes ?? defaultMaxBlockBytes;
  // The host check counts what the traced graph will hold: the same kernels' counts as the tracing backend's.
  const crossView = crossViewKernel(countingOnly, maxBlockBytes);
  const similarityMatrices = (constantShift: boolean, rows: number, rowShift: boolean, runtimeGroups: boolean) => {
    const set = { rows, columns: rows, selfSimilarity: true, normalized: true, constantShift, rowShift, runtimeGroups };
    return runtimeGroupKernelMatrices(constantShiftWorkingMatrices(maxBlockBytes, constantShift, rows, rowShift), set, maxBlockBytes);
  };

  return {
    async run<I extends string, O extends object>(
      loss: LossDefinition<I, O>,
      inputs: { readonly [K in I]?: HostTensor },
      lossOptions?: Partial<O>,
    ): Promise<OnnxLossResult<I>> {
      checkLoss(loss);
      const shapes = inputShapes(loss.inputs, inputs);
      // The same contract as computeLoss, in float32 (the precision the graph computes in), on the host values.
      const resolved = checkHostCall(loss, inputs, lossOptions, {
        name: 'onnxruntime runner',
        precision: 'float32',
        memoryBudgetBytes: options.memoryBudgetBytes ?? defaultOnnxMemoryBudgetBytes,
        ...(options.checkValues === undefined ? {} : { checkValues: options.checkValues }),
        workingMatrices: similarityMatrices,
        crossViewMatrices: (set) => crossView.workingMatrices?.(set),
        sigmoidPairwiseMatrices: (rows) => sigmoidPairwiseWorkingMatrices(maxBlockBytes, rows),
      });
      const key = `${loss.name}|${JSON.stringify(resolved)}|${JSON.stringify(shapes)}`;
      // Signatures keep no model (object or bytes): a session evicted from the cache is traced again on a miss.
      const trace = () => {
        const traceOptions = {
          ...(options.maxBlockBytes === undefined ? {} : { maxBlockBytes: options.maxBlockBytes }),
          ...(options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes }),
        };
        const traced = traceLoss(loss, resolved, shapes, traceOptions);
        const { inputNames, outputNames, gradientNames } = traced;
        return { signature: { inputNames, outputNames, gradientNames, lossShape: traced.outputShapes['loss']! }, bytes: encodeModel(traced.model) };
      };
      let signature: Signature | undefined = signatures.get(key);
      let bytes: Uint8Array | undefined;
      if (signature) signatures.delete(key);
      else ({ signature, bytes } = trace());
      signatures.set(key, signature);
      if (signatures.size > 4 * Math.max(1, options.maxSessions ?? 32)) signatures.delete(signatures.keys().next().value!);
      const feeds = signature.inputNames.map((name) => {
        const input = (inputs as Record<string, HostTensor>)[name]!;
        // Copies taken now: the caller may reuse its arrays before the run starts.
        return { name, values: Float32Array.from(input.values), shape: shapes[name as I]! };
      });
      const outputs = await sessions.run(key, () => bytes ?? trace().bytes, feeds, signature.outputNames);
      const names = signature.outputNames;
      const gradients = Object.fromEntries(signature.gradientNames.map((name, i) => [name, outputs[names[i + 1]!]!])) as OnnxLossResult<I>['gradients'];
      return { loss: outputs['loss']!, lossShape: signature.lossShape, gradients };
    },
    get statistics() {
      return sessions.statistics;
    },
    release: () => {
      signatures.clear();
      return sessions.release();
    },
  };
}

function inputShapes<I extends string>(names: readonly I[], inputs: { readonly [K in I]?: HostTensor }): InputShapes<I> {
  if (inputs === null || typeof inputs !== 'object') {
    throw new ContrastiveInputError('inputs', `an object of host tensors (${names.join(', ')})`, String(inputs));
  }
  const shapes: { [K in I]?: Shape } = {};
  for (const [name, input] of Object.entries(inputs) as [I, HostTensor | undefined][]) {
    if (input === undefined) continue;
    if (!(names as readonly string[]).includes(name)) throw new ContrastiveInputError('inputs', `input names among ${names.join(', ')}`, `'${name}'`);
    if (input === null || typeof input !== 'object' || !Array.isArray(input.shape) || typeof input.values?.length !== 'number') {
      throw new ContrastiveInputError(name, 'a host tensor { values, shape }', String(input));
    }
    if (input.values.length !== sizeOf(input.shape)) {
      throw new ContrastiveInputError(name, `${sizeOf(input.shape)} values (shape ${formatShape(input.shape)})`, `${input.values.length} values`);
    }
    shapes[name] = [...input.shape];
  }
  return shapes;
}

/** An emitter for kernels asked only for their counts (`workingMatrices` builds no node). */
const countingOnly: GraphEmitter = {
  node: () => {
    throw new Error('onnxruntime runner: the counting kernel emits no nodes');
  },
  loopInput: () => {
    throw new Error('onnxruntime runner: the counting kernel emits no nodes');
  },
  output: () => {
    throw new Error('onnxruntime runner: the counting kernel emits no nodes');
  },
  backend: () => {
    throw new Error('onnxruntime runner: the counting kernel emits no nodes');
  },
};

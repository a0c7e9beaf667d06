/**
 * Traces a core loss's forward and analytic backward (upstream ones) into one standalone ONNX model.
 *
 * Model contract (opset 17, IR 8, float32 everywhere):
 * - inputs: the loss's tensor inputs present in `shapes`, named as in core (`anchors`, `positives`,
 *   `embeddings`, `labels`, `logitScale`, ...), in the loss's input order, with the given static shapes;
 * - outputs: `loss` (the loss as core returns it: `[]`, or `[rows]` for `reduction: 'none'`), then
 *   `grad_<input>` for every gradient input present (the gradient of `sum(loss)`, shaped like that input).
 */
import { checkLossMemory, ContrastiveInputError, formatShape, type LossDefinition, type LossInputs, type Shape } from '@contrastive/core';
import { buildModel, type GraphOutput } from './model-builder.js';
import { encodeModel, type ModelProtoObject } from './onnx-schema.js';
import type { OnnxTensor } from './onnx-tensor.js';
import { createTracingBackend } from './tracing-backend.js';

/**
 * Static shapes of a loss's tensor inputs, by input name; optional inputs may be left out.
 *
 * @example
 * const shapes: InputShapes<'anchors' | 'positives'> = { anchors: [256, 128], positives: [256, 128] };
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export type InputShapes<I extends string> = { readonly [K in I]?: Shape };

/**
 * What {@link traceLoss} returns: the model object and its input and output names and shapes.
 *
 * @example
 * const { model, inputNames, outputNames, outputShapes } = traceLoss(ntXent, {}, shapes);
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface TracedLoss<I extends string> {
  /** The ONNX model, as an object (`encodeModel` serialises it). */
  readonly model: ModelProtoObject;
  /** Graph input names, in order (the loss's input names present in `shapes`). */
  readonly inputNames: readonly I[];
  /** `loss`, then `grad_<input>` per gradient input. */
  readonly outputNames: readonly string[];
  /** The gradient input behind each `grad_` output, in output order. */
  readonly gradientNames: readonly I[];
  /** The static shape of each output, by name. */
  readonly outputShapes: Readonly<Record<string, Shape>>;
}

/**
 * Options of tracing: {@link exportOnnx}, {@link traceLoss} and {@link createOnnxLossRunner}; every one is optional.
 *
 * @example
 * exportOnnx(ntXent, {}, { anchors: [8192, 128], positives: [8192, 128] }, { maxBlockBytes: 64 * 2 ** 20 });
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface TraceOptions {
  /**
   * Largest [rows, n] float32 block of the fused kernels materialised at once (self-similarity: NT-Xent, SimCLR
   * InfoNCE, DCL; cross-view: CLIP, in-batch InfoNCE, the contrastive loss); larger batches run in blocks (symmetric
   * block pairs or row blocks, inside ONNX Loops), so memory grows as n x block instead of n^2. Default 256 MiB.
   */
  readonly maxBlockBytes?: number;
  /**
   * Bytes the traced call may need at once when run (estimated from shapes before tracing); above it
   * `ContrastiveResourceError`. Default 4 GiB.
   */
  readonly memoryBudgetBytes?: number;
  /**
   * `'off'` skips the value checks of each call (the runner's host scans, the eager backend's device flags);
   * shapes, options and memory are still checked. Default `'on'`.
   */
  readonly checkValues?: 'on' | 'off';
}

/**
 * The output name of the gradient of `input`.
 *
 * @example
 * gradientOutputName('anchors'); // 'grad_anchors'
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export const gradientOutputName = (input: string): string => `grad_${input}`;

/**
 * Traces `loss` at the given shapes into an ONNX model object (validating inputs and options first).
 *
 * @param loss - The core loss definition.
 * @param options - Options of the loss; each one left out takes its default.
 * @param shapes - Static shapes of its inputs, by name.
 * @param traceOptions - {@link TraceOptions}: `maxBlockBytes` (default 256 MiB), `memoryBudgetBytes` (default 4 GiB),
 * `checkValues` (default `'on'`).
 * @returns The model object with its input and output names and shapes.
 * @throws ContrastiveInputError for bad shapes or options; ContrastiveResourceError above the memory budget.
 *
 * @example
 * const { model, outputNames } = traceLoss(ntXent, {}, { anchors: [8, 32], positives: [8, 32] });
 * console.log(outputNames); // ['loss', 'grad_anchors', 'grad_positives']
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export function traceLoss<I extends string, O extends object>(
  loss: LossDefinition<I, O>,
  options: Partial<O> | undefined,
  shapes: InputShapes<I>,
  traceOptions: TraceOptions = {},
): TracedLoss<I> {
  checkShapes(loss, shapes);
  checkMaxBlockBytes(traceOptions.maxBlockBytes);
  const resolved = loss.resolveOptions(options);
  const backend = createTracingBackend({ name: 'onnxruntime', ...traceOptions });
  const inputNames = loss.inputs.filter((name) => shapes[name] !== undefined);
  const placeholders = inputNames.map((name) => backend.placeholder(name, shapes[name]!));
  const inputs = Object.fromEntries(inputNames.map((name, i) => [name, placeholders[i]])) as LossInputs<OnnxTensor, I>;
  loss.validate(backend, inputs, resolved);
  checkLossMemory(backend, loss, shapes, resolved);
  const forward = loss.forward(backend, inputs, resolved);
  const outputs: GraphOutput[] = [{ name: 'loss', tensor: forward.loss, docString: `${loss.name} loss` }];
  const gradientNames: I[] = [];
  const wanted = loss.gradientInputs.filter((name) => inputNames.includes(name));
  if (wanted.length > 0) {
    const gradients = loss.backward(backend, forward.saved, backend.fill(backend.shape(forward.loss), 1), resolved);
    for (const name of wanted) {
      const tensor = gradients[name];
      if (tensor === undefined) continue;
      gradientNames.push(name);
      outputs.push({ name: gradientOutputName(name), tensor, docString: `gradient of sum(loss) with respect to ${name}` });
    }
  }
  const docString = `${loss.name} forward and analytic backward, traced by @contrastive/onnxruntime; options ${JSON.stringify(resolved)}`;
  const inputDocs = Object.fromEntries(inputNames.map((name) => [name, `${loss.name} input ${name}, shape ${formatShape(shapes[name]!)}`]));
  const { model } = buildModel({ outputs, dataAs: 'initializer', inputs: placeholders, inputDocs, graphName: loss.name, docString });
  return {
    model,
    inputNames,
    outputNames: outputs.map((output) => output.name),
    gradientNames,
    outputShapes: Object.fromEntries(outputs.map((output) => [output.name, output.tensor.shape])),
  };
}

/**
 * Exports `loss` (forward and gradients) at fixed input shapes as ONNX model bytes, runnable in any ONNX
 * runtime (onnxruntime-web, onnxruntime-node, Python, C++). Inputs and outputs are named as in `traceLoss`.
 *
 * @param loss - The core loss definition.
 * @param options - Options of the loss; each one left out takes its default.
 * @param shapes - Static shapes of its inputs, by name.
 * @param traceOptions - {@link TraceOptions}: `maxBlockBytes` (default 256 MiB), `memoryBudgetBytes` (default 4 GiB),
 * `checkValues` (default `'on'`).
 * @returns The serialised `.onnx` model.
 * @throws ContrastiveInputError for bad shapes or options; ContrastiveResourceError above the memory budget.
 *
 * @example
 * const bytes = exportOnnx(ntXent, { temperature: 0.1 }, { anchors: [256, 128], positives: [256, 128] });
 * writeFileSync('nt-xent.onnx', bytes); // inputs anchors, positives; outputs loss, grad_anchors, grad_positives
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export function exportOnnx<I extends string, O extends object>(
  loss: LossDefinition<I, O>,
  options: Partial<O> | undefined,
  shapes: InputShapes<I>,
  traceOptions?: TraceOptions,
): Uint8Array {
  return encodeModel(traceLoss(loss, options, shapes, traceOptions).model);
}

function checkMaxBlockBytes(value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 4)) {
    throw new ContrastiveInputError('maxBlockBytes', 'a finite number of bytes, at least 4', String(value));
  }
}

function checkShapes<I extends string>(loss: LossDefinition<I, object>, shapes: InputShapes<I>): void {
  if (shapes === null || typeof shapes !== 'object') {
    throw new ContrastiveInputError('shapes', `an object of input shapes (${loss.inputs.join(', ')})`, String(shapes));
  }
  for (const [name, shape] of Object.entries(shapes)) {
    if (!(loss.inputs as readonly string[]).includes(name)) {
      throw new ContrastiveInputError('shapes', `input names of ${loss.name} (${loss.inputs.join(', ')})`, `'${name}'`);
    }
    const valid = Array.isArray(shape) && shape.every((extent) => Number.isInteger(extent) && extent >= 0);
    if (!valid) throw new ContrastiveInputError(`shapes.${name}`, 'an array of non-negative integers', String(shape));
  }
}

import { formatShape, type Shape } from '@contrastive/core';
import { isInt64Operand, collectGraph, splitSubgraph, type AttributeValue, type Int64Operand, type OnnxElementType, type OnnxSubgraph, type OnnxTensor } from './onnx-tensor.js';
import {
  onnxAttributeType,
  onnxDataType,
  onnxIrVersion,
  onnxOpsetVersion,
  tensorProto,
  type AttributeProtoObject,
  type GraphProtoObject,
  type ModelProtoObject,
  type NodeProtoObject,
  type TensorProtoObject,
  type ValueInfoProtoObject,
} from './onnx-schema.js';

/**
 * One output of a built graph.
 *
 * @example
 * const output: GraphOutput = { name: 'loss', tensor: loss, docString: 'NT-Xent, mean over 2N anchors' };
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface GraphOutput {
  /** The output's name in the graph. */
  readonly name: string;
  /** The traced tensor it carries. */
  readonly tensor: OnnxTensor;
  /** Its `doc_string`. Default none. */
  readonly docString?: string;
}

/**
 * Options of {@link buildModel}.
 *
 * @example
 * buildModel({ outputs: [{ name: 'loss', tensor: loss }], dataAs: 'input', graphName: 'read' });
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface BuildModelOptions {
  /** The graph outputs, in order. */
  readonly outputs: readonly GraphOutput[];
  /** `initializer`: constant data is stored in the model; `input`: it becomes a graph input, fed at run time. */
  readonly dataAs: 'initializer' | 'input';
  /** Graph inputs kept even when no output depends on them, in this order (placeholders first). */
  readonly inputs?: readonly OnnxTensor[];
  /** `doc_string` of graph inputs, by name. Default none. */
  readonly inputDocs?: Readonly<Record<string, string>>;
  /** The graph's name. Default `'contrastive'`. */
  readonly graphName?: string;
  /** The model's `doc_string`. Default none. */
  readonly docString?: string;
}

/**
 * What {@link buildModel} returns.
 *
 * @example
 * const { model, feeds } = buildModel({ outputs, dataAs: 'input' });
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface BuiltModel {
  /** The ONNX model, as an object (`encodeModel` serialises it). */
  readonly model: ModelProtoObject;
  /** Constant data fed as graph inputs (when `dataAs: 'input'`), by input name. */
  readonly feeds: readonly {
    /** The graph input's name. */
    readonly name: string;
    /** Its values, row-major. */
    readonly values: Float32Array;
    /** Its shape. */
    readonly shape: Shape;
  }[];
}

const version = '0.0.0';

/**
 * Turns traced `OnnxTensor`s into an ONNX `ModelProto` (opset 17, IR 8): the nodes the outputs depend on in
 * topological order, int64 operands and constant data as initializers, identical constants merged, and one
 * Identity (or a Cast of bool masks to float) per output so every output carries its documented name.
 *
 * @param options - {@link BuildModelOptions}: `outputs` and `dataAs` (required), `inputs`, `inputDocs`, `graphName`
 * (default `'contrastive'`), `docString`.
 * @returns The model object and the feeds for its data inputs.
 *
 * @example
 * const backend = createTracingBackend();
 * const x = backend.placeholder('x', [4]);
 * const { model } = buildModel({ outputs: [{ name: 'y', tensor: backend.exp(x) }], dataAs: 'initializer' });
 * const bytes = encodeModel(model);
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export function buildModel(options: BuildModelOptions): BuiltModel {
  const tensors = collectGraph([...(options.inputs ?? []), ...options.outputs.map((output) => output.tensor)]);
  const names = new Map<number, string>();
  const nodes: NodeProtoObject[] = [];
  const initializers: TensorProtoObject[] = [];
  const inputs: ValueInfoProtoObject[] = [];
  const feeds: { name: string; values: Float32Array; shape: Shape }[] = [];
  const int64Names = new Map<string, string>();
  const constantNames = new Map<string, string>();

  const int64Name = (operand: Int64Operand): string => {
    const key = `${operand.shape.join('x')}:${Array.from(operand.values).join(',')}`;
    let name = int64Names.get(key);
    if (name === undefined) {
      name = `i${int64Names.size}`;
      int64Names.set(key, name);
      initializers.push(tensorProto(name, operand.shape, BigInt64Array.from(operand.values, (v) => BigInt(v))));
    }
    return name;
  };

  const placeholders = tensors.filter((t) => t.source.kind === 'input');
  const ordered = [...(options.inputs ?? []), ...placeholders.filter((t) => !options.inputs?.includes(t))];
  for (const tensor of ordered) {
    const name = (tensor.source as { name: string }).name;
    names.set(tensor.id, name);
    inputs.push(valueInfo(name, tensor.shape, options.inputDocs?.[name]));
  }
  // Names come from positions in the graph, not from global tensor ids, so equal structures give equal bytes.
  const producers = new Map<number, NodeProtoObject>();
  const emitNodes = (graphTensors: readonly OnnxTensor[], prefix: string, into: NodeProtoObject[]) => {
    for (const [position, tensor] of graphTensors.entries()) {
      const source = tensor.source;
      if (source.kind === 'input') continue;
      if (source.kind === 'output') {
        // A further output of a node emitted earlier (its first output has a smaller id), named after it; outputs
        // before it that nothing reads get names too (ONNX Runtime aborts on a Loop output named '').
        const base = names.get(source.of.id)!;
        const output = producers.get(source.of.id)!.output;
        while (output.length <= source.index) output.push(`${base}_${output.length}`);
        names.set(tensor.id, output[source.index]!);
        continue;
      }
      if (source.kind === 'data') {
        const name = options.dataAs === 'input' ? `x${position}` : `c${position}`;
        names.set(tensor.id, name);
        if (options.dataAs === 'input') {
          inputs.push(valueInfo(name, tensor.shape));
          feeds.push({ name, values: source.values, shape: tensor.shape });
        } else {
          initializers.push(tensorProto(name, tensor.shape, source.values));
        }
        continue;
      }
      const { opType, inputs: operands, attributes } = source.node;
      const constantKey = operands.length === 0 || opType === 'ConstantOfShape' ? constantSignature(tensor) : undefined;
      const existing = constantKey === undefined ? undefined : constantNames.get(constantKey);
      if (existing !== undefined) {
        names.set(tensor.id, existing);
        continue;
      }
      const name = `${prefix}v${position}`;
      names.set(tensor.id, name);
      if (constantKey !== undefined) constantNames.set(constantKey, name);
      const proto: NodeProtoObject = {
        name: `${prefix}${opType}_${position}`,
        op_type: opType,
        input: operands.map((operand) => (isInt64Operand(operand) ? int64Name(operand) : names.get(operand.id)!)),
        // A Loop has one output per carried value and scan output, read or not.
        output: opType === 'Loop' ? loopOutputNames(name, attributes) : [name],
        attribute: Object.entries(attributes).map(([key, value]) =>
          value.kind === 'graph' ? { name: key, type: onnxAttributeType.graph, g: subgraph(value.graph, `${name}_`) } : attributeProto(key, value),
        ),
      };
      producers.set(tensor.id, proto);
      into.push(proto);
    }
  };

  /** A loop body: formal inputs and every value computed in it named under `prefix`; captures keep outer names. */
  const subgraph = (graph: OnnxSubgraph, prefix: string): GraphProtoObject => {
    const { body } = splitSubgraph(graph);
    const formal = graph.inputs.map((tensor, index) => {
      const name = `${prefix}in${index}`;
      names.set(tensor.id, name);
      return valueInfo(name, tensor.shape, undefined, tensor.elementType);
    });
    const bodyNodes: NodeProtoObject[] = [];
    emitNodes(body, prefix, bodyNodes);
    const outputs = graph.outputs.map((tensor, index) => {
      const name = `${prefix}out${index}`;
      bodyNodes.push({ name: `${prefix}output_${index}`, op_type: 'Identity', input: [names.get(tensor.id)!], output: [name], attribute: [] });
      return valueInfo(name, tensor.shape, undefined, tensor.elementType);
    });
    return { name: prefix.slice(0, -1), node: bodyNodes, initializer: [], input: formal, output: outputs };
  };

  emitNodes(tensors, '', nodes);
  const outputs = options.outputs.map((output) => {
    const opType = output.tensor.elementType === 'bool' ? 'Cast' : 'Identity';
    const attribute = opType === 'Cast' ? [attributeProto('to', { kind: 'int', value: onnxDataType.float })] : [];
    nodes.push({ name: `output_${output.name}`, op_type: opType, input: [names.get(output.tensor.id)!], output: [output.name], attribute });
    return valueInfo(output.name, output.tensor.shape, output.docString);
  });
  const model: ModelProtoObject = {
    ir_version: onnxIrVersion,
    producer_name: '@contrastive/onnxruntime',
    producer_version: version,
    opset_import: [{ domain: '', version: onnxOpsetVersion }],
    graph: { name: options.graphName ?? 'contrastive', node: nodes, initializer: initializers, input: inputs, output: outputs },
    ...(options.docString === undefined ? {} : { doc_string: options.docString }),
  };
  return { model, feeds };
}

/** `name`, then `name_1`, ... for the rest of a Loop's outputs (its body's outputs after the condition). */
function loopOutputNames(name: string, attributes: Readonly<Record<string, AttributeValue>>): string[] {
  const body = attributes['body'];
  const count = body?.kind === 'graph' ? body.graph.outputs.length - 1 : 1;
  return Array.from({ length: Math.max(1, count) }, (_, index) => (index === 0 ? name : `${name}_${index}`));
}

function constantSignature(tensor: OnnxTensor): string {
  const node = (tensor.source as { node: { opType: string; attributes: Record<string, AttributeValue> } }).node;
  const value = node.attributes['value'];
  const values = value?.kind === 'tensor' ? Array.from(value.values, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',') : '';
  return `${node.opType}:${formatShape(tensor.shape)}:${values}`;
}

const elementTypes: Readonly<Record<OnnxElementType, number>> = { float32: onnxDataType.float, bool: onnxDataType.bool, int64: onnxDataType.int64, uint8: onnxDataType.uint8 };

function valueInfo(name: string, shape: Shape, docString?: string, elementType: OnnxElementType = 'float32'): ValueInfoProtoObject {
  return {
    name,
    ...(docString === undefined ? {} : { doc_string: docString }),
    type: { tensor_type: { elem_type: elementTypes[elementType], shape: { dim: shape.map((extent) => ({ dim_value: extent })) } } },
  };
}

function attributeProto(name: string, value: AttributeValue): AttributeProtoObject {
  switch (value.kind) {
    case 'int':
      return { name, type: onnxAttributeType.int, i: value.value };
    case 'ints':
      return { name, type: onnxAttributeType.ints, ints: [...value.value] };
    case 'float':
      return { name, type: onnxAttributeType.float, f: value.value };
    case 'string':
      return { name, type: onnxAttributeType.string, s: new TextEncoder().encode(value.value) };
    case 'tensor':
      return { name, type: onnxAttributeType.tensor, t: tensorProto(undefined, value.shape, value.values) };
    case 'graph':
      throw new Error('graph attributes are serialised by buildModel');
  }
}

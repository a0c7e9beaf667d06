/**
 * ONNX model bytes from the official schema: the vendored `onnx.proto` (onnx v1.12.0) parsed by protobufjs with
 * `keepCase: true`, so the snake_case field names of the schema (`op_type`, `raw_data`, `elem_type`, ...) are
 * kept. Without it protobufjs renames fields to camelCase and silently drops the snake_case ones.
 * No wire encoding is written by hand here: protobufjs verifies and encodes `ModelProto`.
 */
import protobuf from 'protobufjs';
import { onnxProtoText } from './schema/onnx-proto-text.js';

/**
 * The operator set every graph of this package is written against (ai.onnx, default domain).
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 *
 * @example
 * console.log(decodeModel(bytes).opset_import); // [{ domain: '', version: 17 }]
 */
export const onnxOpsetVersion = 17;
/**
 * ONNX IR version 8 (the version of onnx 1.12, which introduced opset 17).
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 *
 * @example
 * console.log(decodeModel(bytes).ir_version); // 8
 */
export const onnxIrVersion = 8;

/** `TensorProto.DataType` values used here. */
export const onnxDataType = { float: 1, uint8: 2, int64: 7, bool: 9 } as const;
/** `AttributeProto.AttributeType` values used here. */
export const onnxAttributeType = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, ints: 7 } as const;

/**
 * `onnx.TensorProto` as a plain object (the fields this package writes; names as in onnx.proto).
 *
 * @example
 * const initializers: TensorProtoObject[] = model.graph.initializer;
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface TensorProtoObject {
  /** The tensor's name (initializers). */
  name?: string;
  /** The shape. */
  dims: number[];
  /** `TensorProto.DataType` (see `onnxDataType`). */
  data_type: number;
  /** The values, little-endian. */
  raw_data: Uint8Array;
}

/**
 * `onnx.AttributeProto` as a plain object: a node attribute, one of `i`, `f`, `s`, `ints`, `t`, `g` set.
 *
 * @example
 * const transB: AttributeProtoObject = { name: 'transB', type: onnxAttributeType.int, i: 1 };
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface AttributeProtoObject {
  /** The attribute's name (`axis`, `transB`, ...). */
  name: string;
  /** `AttributeProto.AttributeType` (see `onnxAttributeType`). */
  type: number;
  /** An int value. */
  i?: number;
  /** A float value. */
  f?: number;
  /** A string value, UTF-8. */
  s?: Uint8Array;
  /** An ints value. */
  ints?: number[];
  /** A tensor value. */
  t?: TensorProtoObject;
  /** A graph value (a Loop body). */
  g?: GraphProtoObject;
}

/**
 * `onnx.NodeProto` as a plain object: one operator call.
 *
 * @example
 * const ops = model.graph.node.map((node: NodeProtoObject) => node.op_type);
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface NodeProtoObject {
  /** The node's name. */
  name: string;
  /** The operator (`MatMul`, `Exp`, ...). */
  op_type: string;
  /** Input value names. */
  input: string[];
  /** Output value names. */
  output: string[];
  /** Attributes. */
  attribute: AttributeProtoObject[];
}

/**
 * `onnx.ValueInfoProto` as a plain object: a graph input or output with its element type and static shape.
 *
 * @example
 * const [anchors] = model.graph.input; // ValueInfoProtoObject
 * console.log(anchors.type.tensor_type.shape.dim.map((d) => d.dim_value)); // [8, 32]
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface ValueInfoProtoObject {
  /** The value's name. */
  name: string;
  /** Its documentation. */
  doc_string?: string;
  /** Its element type (`TensorProto.DataType`) and static shape. */
  type: { tensor_type: { elem_type: number; shape: { dim: { dim_value: number }[] } } };
}

/**
 * `onnx.ModelProto` as a plain object, as {@link encodeModel} takes it and `traceLoss` returns it.
 *
 * @example
 * const { model } = traceLoss(ntXent, {}, { anchors: [8, 32], positives: [8, 32] });
 * console.log(model.opset_import, model.graph.node.length);
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface ModelProtoObject {
  /** The IR version ({@link onnxIrVersion}). */
  ir_version: number;
  /** The producer (this package's name). */
  producer_name: string;
  /** The producer's version. */
  producer_version: string;
  /** The model's documentation. */
  doc_string?: string;
  /** The operator sets: the default domain at {@link onnxOpsetVersion}. */
  opset_import: {
    /** The domain (`''`: ai.onnx). */
    domain: string;
    /** The opset version. */
    version: number;
  }[];
  /** The graph. */
  graph: GraphProtoObject;
}

/**
 * `onnx.GraphProto` as a plain object: nodes in topological order, initializers, inputs and outputs.
 *
 * @example
 * const { graph } = traceLoss(ntXent, {}, { anchors: [8, 32], positives: [8, 32] }).model;
 * console.log(graph.input.map((input) => input.name)); // ['anchors', 'positives']
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface GraphProtoObject {
  /** The graph's name. */
  name: string;
  /** The nodes, in topological order. */
  node: NodeProtoObject[];
  /** Constant tensors. */
  initializer: TensorProtoObject[];
  /** Graph inputs. */
  input: ValueInfoProtoObject[];
  /** Graph outputs. */
  output: ValueInfoProtoObject[];
  /** The graph's documentation. */
  doc_string?: string;
}

let modelType: protobuf.Type | undefined;

/** The `onnx.ModelProto` message type, parsed once from the vendored schema. */
export function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.parse(onnxProtoText, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/**
 * Verifies a model object against the schema and encodes it to ONNX bytes.
 *
 * @param model - The model object.
 * @returns The `.onnx` bytes.
 * @throws Error when the object does not match onnx.proto.
 *
 * @example
 * writeFileSync('loss.onnx', encodeModel(traceLoss(ntXent, {}, shapes).model));
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export function encodeModel(model: ModelProtoObject): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem) throw new Error(`onnx model does not match onnx.proto: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/**
 * Decodes ONNX bytes back to a plain object (field names as in onnx.proto), for tests and tools.
 *
 * @param bytes - `.onnx` bytes.
 * @returns The `ModelProto` as a plain object.
 *
 * @example
 * const model = decodeModel(exportOnnx(ntXent, {}, shapes));
 * console.log((model.graph as { node: unknown[] }).node.length);
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  const type = modelProtoType();
  return type.toObject(type.decode(bytes), { longs: Number, bytes: Array, defaults: false }) as Record<string, unknown>;
}

/** Helper: a float32, int64 or bool tensor with little-endian raw data. */
export function tensorProto(name: string | undefined, dims: readonly number[], data: Float32Array | BigInt64Array | Uint8Array): TensorProtoObject {
  const dataType = data instanceof Float32Array ? onnxDataType.float : data instanceof BigInt64Array ? onnxDataType.int64 : onnxDataType.bool;
  const raw = new Uint8Array(data.byteLength);
  const view = new DataView(raw.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else if (data instanceof BigInt64Array) data.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  else raw.set(data);
  return { ...(name === undefined ? {} : { name }), dims: [...dims], data_type: dataType, raw_data: raw };
}

/**
 * ONNX model bytes from the official schema: the vendored `onnx.proto` (onnx v1.12.0) parsed by protobufjs with
 * `keepCase: true`, so the snake_case field names of the schema (`op_type`, `raw_data`, `elem_type`, ...) are
 * kept. Without it protobufjs renames fields to camelCase and silently drops the snake_case ones.
 * No wire encoding is written by hand here: protobufjs verifies and encodes `ModelProto`.
 */
import protobuf from 'protobufjs';
import { onnxProtoText } from './schema/onnx-proto-text.js';

/** The operator set every graph of this package is written against (ai.onnx, default domain). */
export const onnxOpsetVersion = 17;
/** ONNX IR version 8 (the version of onnx 1.12, which introduced opset 17). */
export const onnxIrVersion = 8;

/** `TensorProto.DataType` values used here. */
export const onnxDataType = { float: 1, int64: 7, bool: 9 } as const;
/** `AttributeProto.AttributeType` values used here. */
export const onnxAttributeType = { float: 1, int: 2, tensor: 4, graph: 5, ints: 7 } as const;

export interface TensorProtoObject {
  name?: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export interface AttributeProtoObject {
  name: string;
  type: number;
  i?: number;
  f?: number;
  ints?: number[];
  t?: TensorProtoObject;
  g?: GraphProtoObject;
}

export interface NodeProtoObject {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeProtoObject[];
}

export interface ValueInfoProtoObject {
  name: string;
  doc_string?: string;
  type: { tensor_type: { elem_type: number; shape: { dim: { dim_value: number }[] } } };
}

export interface ModelProtoObject {
  ir_version: number;
  producer_name: string;
  producer_version: string;
  doc_string?: string;
  opset_import: { domain: string; version: number }[];
  graph: GraphProtoObject;
}

export interface GraphProtoObject {
  name: string;
  node: NodeProtoObject[];
  initializer: TensorProtoObject[];
  input: ValueInfoProtoObject[];
  output: ValueInfoProtoObject[];
  doc_string?: string;
}

let modelType: protobuf.Type | undefined;

/** The `onnx.ModelProto` message type, parsed once from the vendored schema. */
export function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.parse(onnxProtoText, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/** Verifies a model object against the schema and encodes it to ONNX bytes. */
export function encodeModel(model: ModelProtoObject): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem) throw new Error(`onnx model does not match onnx.proto: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/** Decodes ONNX bytes back to a plain object (field names as in onnx.proto), for tests and tools. */
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

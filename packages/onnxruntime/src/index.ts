/**
 * @contrastive/onnxruntime: core's losses traced into one ONNX graph (loss and analytic gradients), run on
 * onnxruntime-web (wasm, webgpu) or onnxruntime-node (native CPU), or exported as a standalone `.onnx` model.
 *
 * @packageDocumentation
 */
export { createTracingBackend } from './tracing-backend.js';
export type { TracingBackend, TracingBackendOptions } from './tracing-backend.js';
export { createOnnxRuntimeBackend } from './onnx-runtime-backend.js';
export type { OnnxRuntimeBackend, OnnxRuntimeBackendOptions } from './onnx-runtime-backend.js';
export { createOnnxLossRunner } from './onnx-loss-runner.js';
export type { HostTensor, OnnxLossResult, OnnxLossRunner } from './onnx-loss-runner.js';
export { exportOnnx, gradientOutputName, traceLoss } from './export-onnx.js';
export type { InputShapes, TraceOptions, TracedLoss } from './export-onnx.js';
export { buildModel } from './model-builder.js';
export type { BuildModelOptions, BuiltModel, GraphOutput } from './model-builder.js';
export { decodeModel, encodeModel, onnxIrVersion, onnxOpsetVersion } from './onnx-schema.js';
export type {
  AttributeProtoObject,
  GraphProtoObject,
  ModelProtoObject,
  NodeProtoObject,
  TensorProtoObject,
  ValueInfoProtoObject,
} from './onnx-schema.js';
export { OnnxTensor } from './onnx-tensor.js';
export type { AttributeValue, Int64Operand, OnnxElementType, OnnxNode, OnnxSource, OnnxSubgraph } from './onnx-tensor.js';
export type { OrtModuleLike, OrtRuntimeOptions, OrtSessionLike, OrtTensorLike } from './ort-module.js';
export type { SessionStatistics } from './session-cache.js';
export { OnnxRuntimeAssetError, onnxruntimeWebAssetNames, onnxruntimeWebAssets, type OnnxruntimeWebAssetsOptions, type OnnxruntimeWebEntry } from './ort-web-assets.js';

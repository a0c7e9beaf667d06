/**
 * @contrastive/onnxruntime: core's losses traced into one ONNX graph (loss and analytic gradients), run on
 * onnxruntime-web (wasm, webgpu) or onnxruntime-node (native CPU), or exported as a standalone `.onnx` model.
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
export type { ModelProtoObject } from './onnx-schema.js';
export { OnnxTensor } from './onnx-tensor.js';
export type { OnnxElementType, OnnxSubgraph } from './onnx-tensor.js';
export type { OrtModuleLike, OrtRuntimeOptions, OrtSessionLike, OrtTensorLike } from './ort-module.js';
export type { SessionStatistics } from './session-cache.js';

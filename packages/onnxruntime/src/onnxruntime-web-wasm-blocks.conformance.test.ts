import { describeConformance } from '@contrastive/conformance';
import * as ort from 'onnxruntime-web';
import { createOnnxRuntimeBackend } from './onnx-runtime-backend.js';

// onnxruntime-web's wasm execution provider in Node with maxBlockBytes of 64 B: the block schedules of every fused
// kernel on the fixtures (see onnxruntime-node-blocks.conformance.test.ts).
ort.env.wasm.numThreads = 1;
describeConformance('onnxruntime-web (wasm), row blocks', () =>
  createOnnxRuntimeBackend({ ort, sessionOptions: { executionProviders: ['wasm'], logSeverityLevel: 3 }, name: 'onnxruntime-web-wasm', maxBlockBytes: 64 }),
);

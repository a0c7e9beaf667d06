import { describeConformance } from '@contrastive/conformance';
import * as ort from 'onnxruntime-web';
import { createOnnxRuntimeBackend } from './onnx-runtime-backend.js';

// onnxruntime-web's wasm execution provider, in Node (single-threaded: the machine is shared).
ort.env.wasm.numThreads = 1;
describeConformance('onnxruntime-web (wasm)', () =>
  createOnnxRuntimeBackend({ ort, sessionOptions: { executionProviders: ['wasm'], logSeverityLevel: 3 }, name: 'onnxruntime-web-wasm' }),
);

import { describeConformance } from '@contrastive/conformance';
import * as ort from 'onnxruntime-node';
import { createOnnxRuntimeBackend } from './onnx-runtime-backend.js';

// onnxruntime-node, native CPU execution provider: every primitive, fixture and random case as ONNX graphs.
describeConformance('onnxruntime-node (cpu)', () =>
  createOnnxRuntimeBackend({ ort, sessionOptions: { executionProviders: ['cpu'], logSeverityLevel: 3 }, name: 'onnxruntime-node' }),
);

import { describeConformance } from '@contrastive/conformance';
import * as ort from 'onnxruntime-node';
import { createOnnxRuntimeBackend } from './onnx-runtime-backend.js';

// onnxruntime-node with maxBlockBytes of 64 B: every fused kernel runs its block schedule on the fixtures (n = 5
// cross-view rows as 2 blocks of 3 and 2, n = 32 as 16 written-out blocks of 2, n = 64 as a Loop of 32), the paths
// that at the default bound serve only batches above 8192 rows.
describeConformance('onnxruntime-node (cpu), row blocks', () =>
  createOnnxRuntimeBackend({ ort, sessionOptions: { executionProviders: ['cpu'], logSeverityLevel: 3 }, name: 'onnxruntime-node', maxBlockBytes: 64 }),
);

import { describeConformance } from '@contrastive/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { createTfjsBackend } from './tfjs-backend.js';
import { useBackend } from './test-support.js';

// The conformance suite on tfjs's wasm backend in Node (XNNPACK, SIMD, float32).
describeConformance('tfjs-wasm', async () => {
  await useBackend('wasm');
  return createTfjsBackend(tf);
});

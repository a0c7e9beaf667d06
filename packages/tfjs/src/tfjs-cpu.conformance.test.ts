import { describeConformance } from '@contrastive/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { createTfjsBackend } from './tfjs-backend.js';
import { useBackend } from './test-support.js';

// The conformance suite on tfjs's plain JavaScript cpu backend (float32).
describeConformance('tfjs-cpu', async () => {
  await useBackend('cpu');
  return createTfjsBackend(tf);
});

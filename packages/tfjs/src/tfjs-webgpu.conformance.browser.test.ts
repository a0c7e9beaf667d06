import { describeConformance } from '@contrastive/conformance';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { inject } from 'vitest';
import { selectTfjsBackend } from './backend-errors.js';
import { createTfjsBackend } from './tfjs-backend.js';

// The conformance suite on tfjs's WebGPU backend in headless Chromium (SwiftShader adapter, float32).
describeConformance(
  'tfjs-webgpu',
  async () => {
    await selectTfjsBackend(tf, 'webgpu');
    return createTfjsBackend(tf);
  },
  { fixtures: inject('conformanceFixtures') },
);

import { describeConformance } from '@contrastive/conformance';
import { inject } from 'vitest';
import { createWebglBackend } from './webgl-backend.js';

// The conformance suite on tfjs's WebGL backend in headless Chromium (SwiftShader, float32 render targets).
describeConformance('tfjs-webgl', () => createWebglBackend(), {
  fixtures: inject('conformanceFixtures'),
});

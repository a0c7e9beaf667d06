import { describeConformance } from '@contrastive/conformance';
import { afterAll } from 'vitest';
import { createNodeBackend } from '../test/node-gpu.js';
import type { WebGpuBackend } from './index.js';

// The shared conformance suite on Dawn in Node (Mesa lavapipe: scripts/install-system-deps.sh), fused kernel on.
let created: WebGpuBackend | undefined;
describeConformance('webgpu (node, dawn)', async () => (created = await createNodeBackend()), {
  expectedFailures: [],
});
afterAll(() => created?.destroy());

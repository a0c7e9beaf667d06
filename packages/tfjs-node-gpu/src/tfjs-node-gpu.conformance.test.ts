import { describeConformance } from '@contrastive/conformance';
import { createNodeGpuBackend, loadTfjsNodeGpu } from './node-gpu-backend.js';

// Runs wherever tfjs-node-gpu's native binding loads (CUDA 11.2, cuDNN 8.1); elsewhere every case is reported as
// skipped with the load error as the reason, never as passed.
const status = await loadTfjsNodeGpu();
describeConformance('tfjs-node-gpu', () => createNodeGpuBackend(), {
  ...(status.available ? {} : { unavailable: status.reason }),
});

export { createNodeGpuBackend, loadTfjsNodeGpu } from './node-gpu-backend.js';
export type { TfjsNodeGpuStatus } from './node-gpu-backend.js';

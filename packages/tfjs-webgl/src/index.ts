export { createWebglBackend, webglPrecision } from './webgl-backend.js';
export type { WebglBackendOptions } from './webgl-backend.js';

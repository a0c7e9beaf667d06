// The consumer's Vite config: a multi-page build of the three pages, nothing else (no aliases, no conditions).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export default {
  root: here,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: process.env.CONSUMER_VITE_OUT ?? join(here, 'dist-vite'),
    emptyOutDir: true,
    rollupOptions: { input: { webgl: join(here, 'webgl.html'), webgpu: join(here, 'webgpu.html'), ort: join(here, 'ort.html') } },
  },
};

import { defaultClientConditions, defineConfig } from 'vite';

/** Workspace packages resolve to their TypeScript sources (the `@contrastive/source` export condition). */
export default defineConfig({
  base: './',
  resolve: { conditions: ['@contrastive/source', ...defaultClientConditions] },
  build: { outDir: 'dist', chunkSizeWarningLimit: 2000 },
});

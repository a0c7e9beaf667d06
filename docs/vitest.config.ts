import { defineConfig } from 'vitest/config';
import { sourceConditions, testRunSettings } from '../vitest.shared.ts';

// Node tests run in Vite's server (ssr) environment, which ignores `resolve.conditions`: without the `ssr` entry
// `@contrastive/core` resolves to its (possibly stale) dist/ instead of its sources.
export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: [...sourceConditions, 'module', 'node', 'development|production'] } },
  test: { include: ['e2e/**/*.test.ts', 'snippets/**/*.test.ts'], ...testRunSettings(process.env['CONTRASTIVE_HEAP_LIMIT'] === '1' ? 'docs-heap-limit' : 'docs-node') },
});

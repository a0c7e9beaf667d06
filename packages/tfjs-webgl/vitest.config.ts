import { defineConfig } from 'vitest/config';
import { sourceConditions, testRunSettings } from '../../vitest.shared.ts';

// Node tests run in Vite's server (ssr) environment, which ignores `resolve.conditions`: without the `ssr` entry
// `@contrastive/core` resolves to its (possibly stale) dist/ instead of its sources. The other conditions are
// Vite's defaults for that environment.
const serverConditions = [...sourceConditions, 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: serverConditions } },
  test: { include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'], ...testRunSettings('tfjs-webgl-node') },
});

import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

// Node tests run in Vite's SSR environment, whose conditions are separate from `resolve.conditions`: without
// `ssr.resolve.conditions`, `@contrastive/core` would resolve to its (possibly stale) dist/.
export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: [...sourceConditions, 'module', 'node'] } },
  test: { include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] },
});

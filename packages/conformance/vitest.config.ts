import { defineConfig } from 'vitest/config';
import { sourceConditions, testRunSettings } from '../../vitest.shared.ts';

export default defineConfig({
  // Tests run on the server (SSR) environment, whose resolver takes its own conditions: without them here,
  // `@contrastive/core` resolves to its (possibly stale) dist/ instead of its TypeScript sources.
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: { include: ['src/**/*.test.ts'], ...testRunSettings('conformance-node') },
});

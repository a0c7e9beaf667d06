import { defineConfig } from 'vitest/config';
import { sourceConditions, testRunSettings } from '../../vitest.shared.ts';

const dryRun = 'src/adding-a-loss.test.ts';

export default defineConfig({
  // Tests run on the server (SSR) environment, whose resolver takes its own conditions: without them here,
  // `@contrastive/core` resolves to its (possibly stale) dist/ instead of its TypeScript sources.
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    ...testRunSettings('conformance-node'),
    // The adding-a-loss dry run writes a loss into the repository: it runs after every other file (a later group),
    // so no other test of this package sees its files.
    projects: [
      { extends: true, test: { name: 'conformance', include: ['src/**/*.test.ts'], exclude: [dryRun] } },
      { extends: true, test: { name: 'adding-a-loss', include: [dryRun], sequence: { groupOrder: 1 } } },
    ],
  },
});

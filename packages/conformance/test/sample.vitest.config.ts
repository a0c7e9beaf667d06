import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../../vitest.shared.ts';

// Runs test/*.sample.ts only: suites that are meant to fail, driven by src/describe-conformance.test.ts.
export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: { include: ['test/*.sample.ts'] },
});

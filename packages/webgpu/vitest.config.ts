import { defineConfig } from 'vitest/config';
import { sourceConditions, testRunSettings } from '../../vitest.shared.ts';

// Node tests run in Vite's SSR environment, whose conditions are separate from `resolve.conditions`: without
// `ssr.resolve.conditions`, `@contrastive/core` would resolve to its (possibly stale) dist/. The scale check
// (`test:scale`, CONTRASTIVE_WEBGPU_SCALE=1) is its own project: its own report, its own measured timeouts.
const project = process.env['CONTRASTIVE_WEBGPU_SCALE'] === '1' ? 'webgpu-scale' : 'webgpu-node';

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: [...sourceConditions, 'module', 'node'] } },
  test: { include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'], ...testRunSettings(project) },
});

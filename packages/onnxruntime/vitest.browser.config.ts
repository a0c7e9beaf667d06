import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumPath, sourceConditions, testRunSettings } from '../../vitest.shared.ts';

/** The fixtures shipped with @contrastive/conformance (`fixtures/` beside its package.json), read on the Node side. */
const fixturesDirectory = join(dirname(createRequire(import.meta.url).resolve('@contrastive/conformance/package.json')), 'fixtures');
const loadConformanceFixtures = () =>
  readdirSync(fixturesDirectory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(fixturesDirectory, name), 'utf8') }));

/**
 * The test pages are cross-origin isolated (`crossOriginIsolated === true`, `SharedArrayBuffer` available), as a page
 * must be for onnxruntime-web to run wasm threads: every response carries these two headers.
 */
const crossOriginIsolationHeaders = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  server: { headers: crossOriginIsolationHeaders },
  resolve: { conditions: [...sourceConditions, 'module', 'browser', 'development|production'] },
  // onnxruntime-web finds its .wasm beside its own module (import.meta.url): keep it out of Vite's pre-bundling.
  optimizeDeps: { exclude: ['onnxruntime-web'], include: ['protobufjs'] },
  test: {
    ...testRunSettings('onnxruntime-browser'),
    include: ['src/**/*.browser.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
      instances: [{ browser: 'chromium' }],
      commands: { loadConformanceFixtures },
    },
  },
});

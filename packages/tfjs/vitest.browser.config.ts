import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FixtureFile } from '@contrastive/conformance';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumPath, sourceConditions } from '../../vitest.shared.ts';

/**
 * The conformance fixtures, read here in Node and handed to the browser through `provide`/`inject` (a page cannot
 * list a directory). They live in `fixtures/` of the @contrastive/conformance package.
 */
function conformanceFixtures(): FixtureFile[] {
  const directory = join(dirname(createRequire(import.meta.url).resolve('@contrastive/conformance/package.json')), 'fixtures');
  const names = readdirSync(directory).filter((name) => name.endsWith('.json')).sort();
  return names.map((name) => JSON.parse(readFileSync(join(directory, name), 'utf8')) as FixtureFile);
}

export default defineConfig({
  resolve: { conditions: [...sourceConditions, 'module', 'browser', 'development|production'] },
  test: {
    include: ['src/**/*.browser.test.ts'],
    testTimeout: 120_000,
    provide: { conformanceFixtures: conformanceFixtures() },
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});

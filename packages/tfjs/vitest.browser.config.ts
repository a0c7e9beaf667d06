import type { FixtureFile } from '@contrastive/conformance';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumPath, conformanceFixtureFiles, sourceConditions, testRunSettings } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { conditions: [...sourceConditions, 'module', 'browser', 'development|production'] },
  test: {
    ...testRunSettings('tfjs-browser'),
    include: ['src/**/*.browser.test.ts'],
    provide: { conformanceFixtures: conformanceFixtureFiles<FixtureFile>(import.meta.url) },
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

import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import type { BrowserCommand } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumPath, sourceConditions, testRunSettings } from '../../vitest.shared.ts';

/**
 * Browsers cannot list directories: this command (run by vitest in Node) reads the fixture files that ship with
 * @contrastive/conformance (`fixtures/` beside its package.json) and hands their text to the page.
 */
const readConformanceFixtures: BrowserCommand<[]> = async () => {
  const directory = join(dirname(createRequire(import.meta.url).resolve('@contrastive/conformance/package.json')), 'fixtures');
  const names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(directory, name), 'utf8') })));
};

/**
 * Browser tests (`*.browser.test.ts`) in headless Chromium's WebGPU (a SwiftShader adapter: slow, keep cases
 * small). Playwright downloads no browser here: it drives Debian's `chromium` (override with CHROMIUM_PATH).
 */
export default defineConfig({
  resolve: { conditions: sourceConditions },
  test: {
    ...testRunSettings('webgpu-browser'),
    include: ['src/**/*.browser.test.ts'],
    browser: {
      enabled: true,
      commands: { readConformanceFixtures },
      // A page screenshot says nothing about a compute kernel; failures would only leave .vitest-attachments/ behind.
      screenshotFailures: false,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: chromiumPath,
          args: chromiumArgs,
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});

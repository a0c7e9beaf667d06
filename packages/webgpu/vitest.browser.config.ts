import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

/**
 * Browser tests (`*.browser.test.ts`) in headless Chromium's WebGPU (a SwiftShader adapter: slow, keep cases
 * small). Playwright downloads no browser here: it drives Debian's `chromium` (override with CHROMIUM_PATH).
 */
export default defineConfig({
  resolve: { conditions: sourceConditions },
  test: {
    include: ['src/**/*.browser.test.ts'],
    testTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-quic',
            '--enable-unsafe-swiftshader',
            '--enable-unsafe-webgpu',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});

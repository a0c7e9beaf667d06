import { defineConfig } from 'vitest/config';
import { nodeSourceResolution, testRunSettings } from '../../vitest.shared.ts';

export default defineConfig({
  ...nodeSourceResolution,
  test: { include: ['src/**/*.test.ts'], exclude: ['**/node_modules/**'], ...testRunSettings('example-every-loss-node') },
});

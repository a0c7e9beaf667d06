import { defineConfig } from 'vitest/config';
import { nodeSourceResolution } from '../../vitest.shared.ts';

export default defineConfig({
  ...nodeSourceResolution,
  test: { include: ['src/**/*.test.ts'] },
});

/**
 * The build every publishable package shares: one ESM and one CommonJS bundle per entry, with `.d.ts` (ESM) and
 * `.d.cts` (CommonJS) types, for Node 20+, browsers and bundlers. Each package's `tsdown.config.ts` names its
 * entries and overrides what differs (platform, shims).
 *
 * Dependencies and peer dependencies stay external. Dynamic `import()` of optional peers (with a variable
 * specifier, e.g. `@tensorflow/tfjs-node-gpu`) stays `import()` in the CommonJS output, so ESM-only peers load.
 */
import type { UserConfig } from 'tsdown';

export const sharedConfig = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  platform: 'neutral',
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  outDir: 'dist',
  clean: true,
  dts: true,
  sourcemap: false,
  fixedExtension: false,
  hash: false,
  // Nothing from node_modules may end up in a bundle (code or types): every import of a package must be a
  // dependency or peer dependency, which tsdown keeps external. A devDependency imported by shipped code fails the build.
  deps: { onlyBundle: [] },
} satisfies UserConfig;

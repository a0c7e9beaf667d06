import { defineConfig, type UserConfig } from 'tsdown';
import { sharedConfig } from '../../tsdown.base.ts';

/**
 * Node only (fixtures are read from disk: `../fixtures/` from dist/).
 *
 * vitest is ESM only and its CommonJS entry throws on `require('vitest')`, so a CommonJS build of this suite
 * cannot import it. `dist/index.cjs` is therefore a one-line wrapper that loads the ESM build with `require()`
 * (Node 20.19+ and 22.12+ load ES modules without top-level await this way); its types (`index.d.cts`) come from
 * the CommonJS pass. The CLI (`bin`) is the ESM build only.
 */
const requireEsmBuild: NonNullable<UserConfig['plugins']> = {
  name: 'contrastive:require-esm-build',
  renderChunk(_code, chunk) {
    if (chunk.fileName !== 'index.cjs') return null;
    return "'use strict';\n// vitest cannot be require()d: load the ESM build (require(esm), Node 20.19+).\nmodule.exports = require('./index.js');\n";
  },
};

export default defineConfig([
  { ...sharedConfig, entry: ['src/index.ts', 'src/cli.ts'], format: ['esm'], platform: 'node' },
  { ...sharedConfig, format: ['cjs'], platform: 'node', clean: false, plugins: [requireEsmBuild] },
]);

// @ts-check
/**
 * The API reference, generated from the TSDoc of every package that has an entry point (src/index.ts), into
 * docs/api/ (git-ignored) as Markdown pages with a VitePress sidebar (typedoc-vitepress-theme).
 * Packages whose sources do not exist yet are left out, so the site builds while they are being written.
 */
import { existsSync, readdirSync } from 'node:fs';

const packagesDirectory = new URL('../packages/', import.meta.url);
const entryPoints = readdirSync(packagesDirectory)
  .filter((name) => existsSync(new URL(`${name}/src/index.ts`, packagesDirectory)))
  .map((name) => `../packages/${name}`);

/** @type {Partial<import('typedoc').TypeDocOptions> & Record<string, unknown>} */
const config = {
  entryPointStrategy: 'packages',
  entryPoints,
  packageOptions: {
    entryPoints: ['src/index.ts'],
    // Only the entry points and what they import (no tests, no vitest configs): faster, and independent of the
    // packages' own test typings.
    tsconfig: '../../docs/tsconfig.api.json',
    skipErrorChecking: true,
    // No source links (the site does not link into the repository), so no git remote is needed.
    disableSources: true,
    disableGit: true,
  },
  out: 'api',
  plugin: ['typedoc-plugin-markdown', 'typedoc-vitepress-theme'],
  docsRoot: '.',
  readme: 'none',
  name: 'API reference',
  // Other packages are written at the same time; a type error in one of them must not take the docs down.
  skipErrorChecking: true,
  excludePrivate: true,
  excludeInternal: true,
  hideGenerator: true,
  disableSources: true,
  // TSDoc in this repository uses a few block tags TypeDoc does not know by default.
  blockTags: ['@example', '@param', '@returns', '@remarks', '@see', '@throws', '@deprecated', '@defaultValue', '@typeParam'],
  logLevel: 'Warn',
  // A warning (a public signature using a type that is not exported, a broken {@link}) fails the build.
  treatWarningsAsErrors: true,
  sidebar: { pretty: true },
};

export default config;

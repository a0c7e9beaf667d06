import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Shared vitest settings: tests run from TypeScript sources through the `@contrastive/source` export condition.
 * Node tests run in Vite's server (ssr) environment, which has its own resolver conditions: both must list the
 * source condition, or a package imported by name resolves to its (possibly stale) dist/. The other entries are
 * Vite's defaults for each environment.
 */
export const sourceConditions = ['@contrastive/source'];
export const serverConditions = [...sourceConditions, 'module', 'node', 'development|production'];
export const browserConditions = [...sourceConditions, 'module', 'browser', 'development|production'];

/** `resolve` and `ssr` settings for a Node test project. */
export const nodeSourceResolution = {
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: serverConditions } },
};

/**
 * Debian's Chromium (never a downloaded browser), headless on SwiftShader: WebGL2 with float32 render targets,
 * WebGPU only with --enable-unsafe-webgpu. Never pass --disable-software-rasterizer (it disables both). The
 * networking flags keep Chromium from calling out of this closed network. `CHROMIUM_PATH` overrides the binary.
 */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
];

/**
 * The conformance fixture files, parsed, read in Node for browser test projects (a page cannot list a directory);
 * they are handed to the page with vitest's `provide`. `fromUrl` is the calling config's `import.meta.url`:
 * `@contrastive/conformance` is resolved from that package, which has it as a dev dependency.
 */
export function conformanceFixtureFiles<F>(fromUrl: string): F[] {
  const manifest = createRequire(fromUrl).resolve('@contrastive/conformance/package.json');
  const directory = join(dirname(manifest), 'fixtures');
  const names = readdirSync(directory).filter((name) => name.endsWith('.json')).sort();
  return names.map((name) => JSON.parse(readFileSync(join(directory, name), 'utf8')) as F);
}

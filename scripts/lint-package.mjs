#!/usr/bin/env node
// `lint:package` of every publishable package (run from the package directory): checks the tarball users get.
// publint packs with pnpm (so `publishConfig` overrides and `workspace:` ranges are applied as on publish), then
// arethetypeswrong checks the types in every resolution mode (node10, node16 CJS and ESM, bundler) on a
// `pnpm pack` tarball, not on the workspace directory (`attw --pack` would use npm, which ignores publishConfig).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });
const packs = mkdtempSync(join(tmpdir(), 'contrastive-pack-'));
try {
  run('publint', ['--strict', '--pack', 'pnpm']);
  execFileSync('pnpm', ['pack', '--pack-destination', packs], { stdio: ['ignore', 'ignore', 'inherit'] });
  const [tarball] = readdirSync(packs).filter((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball to ${packs}`);
  run('attw', [join(packs, tarball)]);
} catch (error) {
  process.exitCode = typeof error.status === 'number' ? error.status : 1;
  if (typeof error.status !== 'number') console.error(error);
} finally {
  rmSync(packs, { recursive: true, force: true });
}

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { handMadeNtXent, writeFixtureDirectory } from '../test/hand-made-fixtures.js';
import { main, parseArguments } from './cli.js';

async function run(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await main(argv, (line) => lines.push(...line.split('\n')));
  return { code, lines };
}

describe('contrastive-conformance', () => {
  it('prints one summary line per loss and the total, exit code 0 when everything passes', async () => {
    const directory = writeFixtureDirectory({ 'nt-xent.json': handMadeNtXent() });
    const { code, lines } = await run(['--backend', 'reference', '--fixtures', directory]);
    expect(lines.slice(1)).toEqual(['nt-xent  1 passed, 0 failed', '1 passed, 0 failed']);
    expect(code).toBe(0);
  });

  it('lists failed cases and exits with 1', async () => {
    const directory = writeFixtureDirectory({ 'nt-xent.json': handMadeNtXent(true) });
    const { code, lines } = await run(['--fixtures', directory]);
    expect(lines).toContain('nt-xent  1 passed, 1 failed');
    expect(lines).toContain('  FAIL nt-xent/deliberately-wrong');
    expect(lines.at(-1)).toBe('1 passed, 1 failed');
    expect(code).toBe(1);
  });

  it('loads a backend factory from a module', async () => {
    const directory = writeFixtureDirectory({ 'nt-xent.json': handMadeNtXent() });
    const { code, lines } = await run(['--backend-module', '@contrastive/core', '--backend-export', 'createReferenceBackend', '--fixtures', directory]);
    expect(lines.at(-1)).toBe('1 passed, 0 failed');
    expect(code).toBe(0);
  });

  it('rejects bad arguments with the usage line and exit code 2', async () => {
    expect(() => parseArguments(['--backend', 'tfjs'])).toThrow(/unknown built-in backend "tfjs"/);
    expect(() => parseArguments(['--fixtures'])).toThrow(/--fixtures needs a value/);
    expect(() => parseArguments(['--backend', 'reference', '--backend-module', 'x'])).toThrow(/not both/);
    const { code, lines } = await run(['--verbose', 'yes']);
    expect(code).toBe(2);
    expect(lines[1]).toMatch(/^usage: contrastive-conformance/);
  });

  it('runs as an executable through tsx and sets the exit code', async () => {
    const directory = writeFixtureDirectory({ 'nt-xent.json': handMadeNtXent(true) });
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const outcome = await promisify(execFile)('npx', ['tsx', '--conditions=@contrastive/source', cli, '--fixtures', directory]).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/1 passed, 1 failed\n$/);
  }, 30_000);
});

import { execFile } from 'node:child_process';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { handMadeNtXent, writeFixtureDirectory } from '../test/hand-made-fixtures.js';
import { formatReport, parseArguments } from './cli.js';
import type { CaseOutcome } from './cli/suite-outcome.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** The CLI as `pnpm conformance` runs it: from source through tsx, in a child process. */
async function cli(args: string[], cwd = packageRoot): Promise<{ code: number; stdout: string }> {
  const command = ['tsx', '--conditions=@contrastive/source', fileURLToPath(new URL('./cli.ts', import.meta.url)), ...args];
  return promisify(execFile)('npx', command, { cwd }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
}

const outcome = (group: string, id: string, state: CaseOutcome['state'], message?: string): CaseOutcome => ({ group, id, state, ...(message ? { message } : {}) });

describe('parseArguments', () => {
  it('takes --flag value and --flag=value, drops a `--` separator, splits --cases on commas', () => {
    expect(parseArguments(['--', '--backend-module=./b.ts', '--backend-export', 'createB', '--cases', 'primitive/, nt-xent/', '--cwd', '/x'])).toEqual({
      backend: undefined,
      backendModule: './b.ts',
      backendExport: 'createB',
      fixtures: undefined,
      cases: ['primitive/', 'nt-xent/'],
      cwd: '/x',
    });
  });

  it('rejects bad arguments, naming the argument', () => {
    expect(() => parseArguments(['--backend', 'tfjs'])).toThrow(/unknown built-in backend "tfjs"/);
    expect(() => parseArguments(['--fixtures'])).toThrow(/--fixtures needs a value/);
    expect(() => parseArguments(['--backend', 'reference', '--backend-module', 'x'])).toThrow(/not both/);
    expect(() => parseArguments(['--backend-export', 'createX'])).toThrow(/--backend-export needs --backend-module/);
    expect(() => parseArguments(['--cases', 'a', '--cases', 'b'])).toThrow(/--cases is given twice/);
    expect(() => parseArguments(['--verbose', 'yes'])).toThrow(/unknown argument --verbose/);
  });

  it('lets a --cwd given after the one `pnpm conformance` passes win', () => {
    expect(parseArguments(['--cwd', '/repo', '--cwd', '/elsewhere']).cwd).toBe('/elsewhere');
  });
});

describe('formatReport', () => {
  it('ends with `N passed, M failed` and adds `, K skipped` only when some were skipped', () => {
    expect(formatReport({ cases: [outcome('primitives', 'primitive/a', 'passed')], errors: [] }).at(-1)).toBe('1 passed, 0 failed');
    const lines = formatReport({ cases: [outcome('primitives', 'primitive/a', 'passed'), outcome('fused', 'fused/x', 'skipped')], errors: [] });
    expect(lines.at(-1)).toBe('1 passed, 0 failed, 1 skipped');
  });

  it('when a primitive fails: says to fix the primitives first, lists them, and counts the follow-on failures per group', () => {
    const lines = formatReport({
      cases: [
        outcome('primitives', 'primitive/exp', 'failed', 'exp: element 0 is 2, expected 1'),
        outcome('primitives', 'primitive/max', 'passed'),
        outcome('golden fixtures', 'nt-xent/a', 'failed', 'loss: element 0 is NaN'),
        outcome('golden fixtures', 'nt-xent/b', 'failed', 'loss: element 0 is NaN'),
        outcome('golden fixtures', 'nt-xent/c', 'passed'),
      ],
      errors: [],
    });
    expect(lines[0]).toBe('1 primitive case failed: fix the primitives first. The 2 other failures most likely follow from them: counted per group below, not listed.');
    expect(lines).toContain('FAIL primitive/exp');
    expect(lines).toContain('    exp: element 0 is 2, expected 1');
    expect(lines.some((line) => line.includes('nt-xent/a'))).toBe(false);
    expect(lines).toContain('golden fixtures: 1 passed, 2 failed (not listed)');
    expect(lines.at(-1)).toBe('2 passed, 3 failed');
  });

  it('without primitive failures, lists every failure; the same message is shown once for all its cases', () => {
    const lines = formatReport({
      cases: [outcome('golden fixtures', 'nt-xent/a', 'failed', 'too far'), outcome('golden fixtures', 'nt-xent/b', 'failed', 'too far'), outcome('invariants', 'invariant/x', 'failed', 'not symmetric')],
      errors: [],
    });
    expect(lines.slice(0, 4)).toEqual(['FAIL nt-xent/a and 1 more with the same message', '    too far', 'FAIL invariant/x', '    not symmetric']);
  });

  it('counts an error outside any case (a module that did not load) as a failure', () => {
    const lines = formatReport({ cases: [], errors: ['Cannot find module ./missing.ts\n  at import'] });
    expect(lines).toEqual(['ERROR Cannot find module ./missing.ts', '      at import', '0 passed, 1 failed']);
  });
});

describe('contrastive-conformance (run from source as `pnpm conformance` does)', () => {
  it('runs the suite on a fixture directory, lists the failed case, ends with the summary line, exit code 1', { timeout: 90_000 }, async () => {
    const directory = writeFixtureDirectory({ 'nt-xent.json': handMadeNtXent(true) });
    const { code, stdout } = await cli(['--backend', 'reference', '--fixtures', directory, '--cases', 'nt-xent/,primitive/']);
    const lines = stdout.trim().split('\n');
    expect(lines, stdout).toContain('FAIL nt-xent/deliberately-wrong');
    expect(lines.find((line) => line.startsWith('golden fixtures: '))).toMatch(/^golden fixtures: 1 passed, 1 failed, \d+ skipped$/); // losses without a file here are skipped
    expect(lines.at(-1)).toMatch(/^[1-9]\d* passed, 1 failed, [1-9]\d* skipped$/);
    expect(code).toBe(1);
  });

  it('resolves --backend-module from --cwd and names a missing export, exit code 2', { timeout: 90_000 }, async () => {
    const core = relative(packageRoot, fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)));
    const { code, stdout } = await cli(['--cwd', packageRoot, '--backend-module', core, '--backend-export', 'createNoSuchBackend'], dirname(packageRoot));
    expect(stdout).toMatch(/ERROR .*core\/src\/index\.ts has no function export "createNoSuchBackend" \(its exports: .*createReferenceBackend/);
    expect(stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
    expect(code).toBe(2);
  });
});

/**
 * Keeps docs/contributing/adding-a-loss.md true: a dry run writes a trivial loss's six files (the doc's table,
 * from adding-a-loss/dry-run-loss.ts) into this repository, runs what derives everything else, typechecks core and
 * tfjs, runs that loss's suites (its own test, its conformance on the reference backend, the registry-driven
 * checks, its tfjs op, its page and snippet), checks with `git status` that it touched exactly those six files, and
 * removes everything again, also when a step fails. Runs alone (vitest.config.ts puts it after the other files).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { dryRun, dryRunFiles } from './adding-a-loss/dry-run-loss.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = `packages/conformance/fixtures/${dryRun.name}.json`;
const bin = (name: string) => join(root, 'node_modules/.bin', name);

interface Finished {
  readonly status: number | null;
  readonly output: string;
}

/** Runs a command to its end (at most `seconds`), with its output for a failure message. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}, seconds = 120): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, timeout: seconds * 1000 });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (status) => resolve({ status, output: `${command} ${args.join(' ')} (in ${cwd})\n${output.slice(-4000)}` }));
  });
}

async function mustSucceed(command: string, args: readonly string[], cwd = root, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const finished = await run(command, args, cwd, env);
  expect(finished.status, finished.output).toBe(0);
}

/** Runs vitest in a package on `files` with `filter`; asserts that tests ran, none failed, and returns their names. */
async function suites(packageDirectory: string, files: readonly string[], filter?: string): Promise<string[]> {
  const report = join(mkdtempSync(join(tmpdir(), 'contrastive-dry-run-')), 'report.json');
  // A reporter given on the command line replaces the config's, so the run leaves test-results/ alone.
  const args = ['run', ...files, ...(filter ? ['-t', filter] : []), '--reporter=json', `--outputFile=${report}`];
  const finished = await run(bin('vitest'), args, join(root, packageDirectory));
  expect(existsSync(report), finished.output).toBe(true);
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as {
    numFailedTests: number;
    testResults: { assertionResults: { fullName: string; status: string }[] }[];
  };
  rmSync(dirname(report), { recursive: true, force: true });
  const passed = parsed.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status === 'passed').map((test) => test.fullName));
  expect(parsed.numFailedTests, finished.output).toBe(0);
  expect(finished.status, finished.output).toBe(0);
  expect(passed.length, `no test of ${files.join(', ')} matched ${filter}`).toBeGreaterThan(0);
  return passed;
}

/** `git status` lines: what is modified, deleted or untracked (ignored files excluded). */
function gitStatus(): Set<string> {
  const result = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return new Set(result.stdout.split('\n').filter((line) => line !== ''));
}

/**
 * Waits until no other dry run on this checkout is in progress (two would write and remove the same files), then
 * holds a lock file outside the repository, naming this process; a lock whose process is gone is taken over.
 */
async function lockDryRun(): Promise<() => void> {
  const lock = join(tmpdir(), `contrastive-adding-a-loss-${root.replace(/[^\w]/g, '_')}.lock`);
  for (let waited = 0; ; waited += 1) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch {
      const owner = Number(readFileSync(lock, 'utf8'));
      if (!isAlive(owner)) rmSync(lock, { force: true });
      else if (waited > 150) throw new Error(`another adding-a-loss dry run (pid ${owner}) holds ${lock}`);
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes the dry run's files and regenerates the derived lists without it. */
function cleanUp(): void {
  for (const path of Object.keys(dryRunFiles)) rmSync(join(root, path), { force: true });
  spawnSync(process.execPath, [join(root, 'scripts/generate-loss-index.mjs')], { cwd: root });
}

describe('adding a loss (docs/contributing/adding-a-loss.md)', () => {
  it('the doc lists exactly the six files the dry run writes', () => {
    const doc = readFileSync(join(root, 'docs/contributing/adding-a-loss.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!);
    const templates = Object.keys(dryRunFiles).map((path) => path.replace(dryRun.name, '<name>').replace(dryRun.snake, '<snake>'));
    expect(rows).toEqual(templates);
    expect(rows).toHaveLength(6);
  });

  it('a new loss is its six files: everything else follows, and CI runs it', { timeout: 400_000 }, async () => {
    const unlock = await lockDryRun();
    onTestFinished(unlock);
    cleanUp(); // what a dry run that was killed left behind (the lock says none is running)
    const before = gitStatus();
    const reports = join(root, 'test-results');
    const savedReports = existsSync(reports) ? readdirSync(reports).map((file) => [file, readFileSync(join(reports, file))] as const) : [];
    try {
      for (const [path, text] of Object.entries(dryRunFiles)) if (path !== fixture) writeFileSync(join(root, path), text);
      // The fixture, written by the PyTorch reference exactly as the doc says (Debian's python3-torch).
      await mustSucceed('/usr/bin/python3', ['-B', 'packages/conformance/fixtures-generator/generate.py', '--only', dryRun.name], root, {
        OPENBLAS_CORETYPE: 'Haswell',
      });
      // Everything derived (registry, exports, tfjs ops, the page's snippet), then both packages typecheck with it.
      await mustSucceed(process.execPath, ['scripts/generate-loss-index.mjs']);
      await Promise.all([
        mustSucceed(bin('tsc'), ['-p', 'packages/core/tsconfig.json', '--noEmit']),
        mustSucceed(bin('tsc'), ['-p', 'packages/tfjs/tsconfig.json', '--noEmit']),
      ]);
      const ran = [
        ...(await suites('packages/core', [`src/losses/${dryRun.name}.test.ts`])),
        ...(await suites('packages/conformance', ['src/loss-files.test.ts', 'src/loss-case-specs.test.ts', 'src/reference.conformance.test.ts'], `${dryRun.name}|${dryRun.key}`)),
        ...(await suites('packages/tfjs', ['src/registry-ops.test.ts'], dryRun.key)),
        ...(await suites('docs', ['snippets/loss-pages.test.ts', 'snippets/snippets.test.ts'], dryRun.name)),
      ].join('\n');
      // The suites that enumerate the registry found the new loss: fixtures, invariants, the op, the page, the snippet.
      for (const expected of [`${dryRun.name}/random-n4-d8`, `random/${dryRun.name}/`, `finite-differences/${dryRun.name}`, `invariant/${dryRun.name}/row-permutation`, `${dryRun.key} is exported as a tfjs op`, `${dryRun.name} has a docs page`, `${dryRun.name}.page.generated.ts runs`]) {
        expect(ran, `a test named like "${expected}" ran`).toContain(expected);
      }
      const added = [...gitStatus()].filter((line) => !before.has(line)).sort();
      expect(added, 'the files the dry run touched (git status)').toEqual(Object.keys(dryRunFiles).map((path) => `?? ${path}`).sort());
    } finally {
      cleanUp();
      // Child runs report through --reporter=json only; should a report have changed anyway, it is put back.
      for (const [file, content] of savedReports) {
        const path = join(reports, file);
        if (!existsSync(path) || !readFileSync(path).equals(content)) writeFileSync(path, content);
      }
    }
    expect([...gitStatus()].filter((line) => !before.has(line)), 'left behind after the dry run').toEqual([]);
  });
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SuiteOutcomeReporter, type SuiteOutcome } from './suite-outcome.js';

/** What one CLI run checks. */
export interface SuiteRequest {
  /** The backend module, as a file URL or a package name. */
  readonly backendModule: string;
  /** The title of the suite (the backend's name). */
  readonly name: string;
  readonly backendExport: string;
  /** Absolute fixture directory; unset for the bundled fixtures. */
  readonly fixturesDirectory?: string;
  readonly cases?: readonly string[];
  /** The file URL of this package's entry point (`src/index.ts` in the workspace, `dist/index.js` installed). */
  readonly conformanceEntry: string;
  /** Where the generated test file goes, so that a package name resolves as it would from there. */
  readonly cwd: string;
}

/** The import specifier of `--backend-module`: a path (absolute, `./`-relative or ending in .js/.ts/.mjs...) becomes a file URL resolved from `cwd`; anything else is a package name. */
export function moduleSpecifier(backendModule: string, cwd: string): string {
  if (backendModule.startsWith('file:')) return backendModule;
  const looksLikePath = isAbsolute(backendModule) || /^\.\.?([/\\]|$)/.test(backendModule) || /\.[cm]?[jt]sx?$/.test(backendModule);
  return looksLikePath ? pathToFileURL(resolve(cwd, backendModule)).href : backendModule;
}

/** The vitest test file of one run: imports the backend's factory and calls `describeConformance` on it. */
export function suiteTestFile(request: SuiteRequest): string {
  const json = JSON.stringify;
  const options = [
    request.fixturesDirectory === undefined ? '' : `fixturesDirectory: ${json(request.fixturesDirectory)},`,
    request.cases === undefined ? '' : `caseFilter: (id) => ${json(request.cases)}.some((prefix) => id.startsWith(prefix)),`,
  ].join(' ');
  return [
    `import { describeConformance } from ${json(request.conformanceEntry)};`,
    `const loaded = await import(${json(request.backendModule)});`,
    `const factory = loaded[${json(request.backendExport)}];`,
    `if (typeof factory !== 'function') {`,
    `  throw new Error(${json(`${request.backendModule} has no function export "${request.backendExport}"`)} + ' (its exports: ' + Object.keys(loaded).join(', ') + ')');`,
    `}`,
    `describeConformance(${json(request.name)}, () => factory(), { ${options} });`,
    '',
  ].join('\n');
}

/**
 * Runs the conformance suite in vitest (which loads TypeScript and JavaScript alike, with the workspace's source
 * export condition) and returns every case's outcome. Nothing is printed by vitest itself.
 */
export async function runSuite(request: SuiteRequest): Promise<SuiteOutcome> {
  const { startVitest } = await import('vitest/node');
  const directory = mkdtempSync(join(existsSync(request.cwd) ? request.cwd : tmpdir(), '.contrastive-conformance-'));
  const reporter = new SuiteOutcomeReporter();
  try {
    writeFileSync(join(directory, 'conformance.test.mjs'), suiteTestFile(request));
    const conditions = ['@contrastive/source'];
    const vitest = await startVitest(
      'test',
      [],
      { root: directory, config: false, watch: false, reporters: [reporter], include: ['conformance.test.mjs'], testTimeout: 120_000, hookTimeout: 120_000, cache: false },
      { resolve: { conditions }, ssr: { resolve: { conditions: [...conditions, 'module', 'node', 'development|production'] } }, logLevel: 'silent', cacheDir: join(directory, '.vite') },
    );
    await vitest.close();
    return reporter.outcome;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

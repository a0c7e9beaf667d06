import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropKnownConsoleNoise, KnownNativeNoiseFilter, ProgressReporter } from './vitest.ci-log.ts';
import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason, TestSuite, Vitest } from 'vitest/node';

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

/** The repository root (this file's folder) and the git-ignored folder every vitest run writes its report into. */
export const repositoryRoot = dirname(fileURLToPath(import.meta.url));
export const testResultsDirectory = join(repositoryRoot, 'test-results');

/**
 * Timeouts come from measured durations, never from vitest's defaults (5 s per test, 10 s per hook): on a clean
 * clone under load a WebGPU primitives test took 5034 ms and failed CI on the default. Policy: each project's
 * `testTimeout` is TIMEOUT_MARGIN times the slowest test measured in that project, and its `hookTimeout` the same
 * of the slowest hook, each at least MIN_TIMEOUT_MS and rounded up to whole 10 s. A test that states its own
 * `timeout` keeps it. Re-measure with the reports the runs write (`test-results/<project>.json`: `durationMs` per
 * test; per module `durationMs - testsMs`, the time spent in hooks, which bounds its slowest hook) and update
 * MEASURED_SLOWEST_MS when a project's slowest test grows.
 *
 * Measured 2026-11-30 on the project's machine kind (2 cores, Debian 12, Node 20, SwiftShader Chromium, Dawn on
 * lavapipe) while other test runs shared it: a full `scripts/test.sh` (load average 5-8) and, for the projects
 * that start Chromium or Dawn, a fresh `git clone` + `pnpm install` with cold caches (load average 3-10). The figure
 * kept is the larger of the two runs, in ms (slowest test / slowest hook bound):
 *
 *   project                   full run      clean clone   kept           -> testTimeout / hookTimeout
 *   bench-node                2 / 4         -             2 / 4          -> 30 s / 30 s
 *   conformance-node          665 / 1464    -             665 / 1464     -> 30 s / 30 s
 *   core-node                 895 / 7       -             895 / 7        -> 30 s / 30 s
 *   demo-node                 1973 / 3      -             1973 / 3       -> 30 s / 30 s
 *   docs-node                 3477 / 37124  -             3477 / 37124   -> 40 s / 380 s (beforeAll builds the site)
 *   example-every-loss-node   25 / 1        -             25 / 1         -> 30 s / 30 s
 *   onnxruntime-node          1793 / 172    1848 / 802    1848 / 802     -> 30 s / 30 s
 *   onnxruntime-browser       1449 / 27     2033 / 31     2033 / 31      -> 30 s / 30 s
 *   playground-node           1183 / 1877   968 / 1172    1183 / 1877    -> 30 s / 30 s
 *   tfjs-node                 918 / 13      -             918 / 13       -> 30 s / 30 s
 *   tfjs-browser              411 / 11      -             411 / 11       -> 30 s / 30 s
 *   tfjs-webgl-node           10 / 1        48 / 1        48 / 1         -> 30 s / 30 s
 *   tfjs-webgl-browser        1418 / 45     1969 / 32     1969 / 45      -> 30 s / 30 s
 *   webgpu-node               528 / 73      720 / 134     5034 / 134     -> 60 s / 30 s (5034: the CI failure)
 *   webgpu-browser            318 / 10      540 / 54      540 / 54       -> 30 s / 30 s
 *   webgpu-scale              N = 2048: 11186 ms; N = 16384 (O(N^2)): ~64 x 11.2 s = 716 s -> 7160 s, but the
 *                             test states its own 3600 s timeout, which wins
 *   tfjs-node-gpu-node        not measurable here: the native binding does not load, all 431 cases skip (259 ms);
 *                             kept at the former 60 s until measured where it loads (CUDA start-up is slow)
 */
export const TIMEOUT_MARGIN = 10;
export const MIN_TIMEOUT_MS = 30_000;
export const MEASURED_SLOWEST_MS = {
  'bench-node': { test: 2, hook: 4 },
  'conformance-node': { test: 665, hook: 1_464 },
  'core-node': { test: 895, hook: 7 },
  'demo-node': { test: 1_973, hook: 3 },
  'docs-node': { test: 3_477, hook: 37_124 },
  'example-every-loss-node': { test: 25, hook: 1 },
  'onnxruntime-node': { test: 1_848, hook: 802 },
  'onnxruntime-browser': { test: 2_033, hook: 31 },
  'playground-node': { test: 1_183, hook: 1_877 },
  'tfjs-node': { test: 918, hook: 13 },
  'tfjs-browser': { test: 411, hook: 11 },
  'tfjs-webgl-node': { test: 48, hook: 1 },
  'tfjs-webgl-browser': { test: 1_969, hook: 45 },
  'webgpu-node': { test: 5_034, hook: 134 },
  'webgpu-browser': { test: 540, hook: 54 },
  'webgpu-scale': { test: 716_000, hook: 134 },
  // The 2048-pair plain vs cached step on tfjs wasm (docs/snippets/cached-step-heap-limit.test.ts): ~146 s at load.
  'docs-heap-limit': { test: 60_000, hook: 1 },
  // Not measured (see above): 6 s stands for the former 60 s timeout.
  'tfjs-node-gpu-node': { test: 6_000, hook: 6_000 },
} as const satisfies Record<string, { readonly test: number; readonly hook: number }>;

export type TestProjectName = keyof typeof MEASURED_SLOWEST_MS;

/** `TIMEOUT_MARGIN` x `measuredMs`, at least `MIN_TIMEOUT_MS`, rounded up to whole 10 s. */
export function timeoutFromMeasured(measuredMs: number): number {
  return Math.ceil(Math.max(MIN_TIMEOUT_MS, TIMEOUT_MARGIN * measuredMs) / 10_000) * 10_000;
}

/**
 * The `test` settings every vitest config spreads in: timeouts from `MEASURED_SLOWEST_MS`, and the reporters (vitest's
 * default one for the log; `SummaryJsonReporter`, which writes `test-results/<project>.json` for
 * `scripts/test-summary.mjs`; and, from vitest.ci-log.ts, a progress line every 30 s outside a terminal and the
 * filters of known noise from passing tests). `project` is `<package folder>-<runner>` (runner: node, browser, scale).
 */
export function testRunSettings(project: TestProjectName) {
  const measured = MEASURED_SLOWEST_MS[project];
  return {
    testTimeout: timeoutFromMeasured(measured.test),
    hookTimeout: timeoutFromMeasured(measured.hook),
    reporters: ['default', new SummaryJsonReporter(project), new ProgressReporter(project), new KnownNativeNoiseFilter()] as ['default', ...Reporter[]],
    onConsoleLog: dropKnownConsoleNoise,
    // The default reporter lists every test slower than this under its file; at vitest's 300 ms that was about a
    // hundred lines of a CI log for sub-second browser cases. The summary names each project's slowest test anyway.
    slowTestThreshold: 1_000,
  };
}

/** One test in a `test-results/<project>.json` report. */
export interface ReportedTest {
  readonly file: string;
  readonly fullName: string;
  readonly state: 'passed' | 'failed' | 'skipped' | 'unfinished';
  readonly durationMs: number;
  /** Why it was skipped: `ctx.skip(reason)`'s note, a `(skipped: reason)` in its or a suite's name, or a description. */
  readonly skipReason?: string;
  readonly errors?: readonly string[];
}

/** A failure outside any test: a module that failed to load, a failing `beforeAll`/`afterAll`, an unhandled error. */
export interface ReportedError {
  readonly where: string;
  readonly message: string;
}

/** The content of `test-results/<project>.json`. */
export interface TestReport {
  readonly project: string;
  readonly root: string;
  /** `running` until the run ends: a report left in that state means the runner died before finishing. */
  readonly status: 'running' | 'passed' | 'failed' | 'interrupted';
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly tests: readonly ReportedTest[];
  readonly errors: readonly ReportedError[];
  /** Per module: its duration (tests + hooks) and its tests' sum; the difference bounds its slowest hook. */
  readonly modules: readonly { readonly file: string; readonly durationMs: number; readonly testsMs: number }[];
}

const firstLines = (text: string | undefined, lines = 6) => (text ?? '').split('\n').slice(0, lines).join('\n');
const errorText = (error: SerializedError | { message?: string; stack?: string }) => firstLines(error.stack || error.message || String(error));

/** `(skipped: reason)` or `[skipped: reason]` in a test's or suite's name. */
const reasonInName = (name: string) => /[([]skipped: (.+)[)\]]\s*$/.exec(name)?.[1];

function skipReasonOf(test: TestCase): string {
  const result = test.result();
  if (result.state === 'skipped' && result.note) return result.note;
  for (let entity: TestCase | TestSuite | TestModule = test; entity.type !== 'module'; entity = entity.parent) {
    const named = reasonInName(entity.name);
    if (named) return named;
  }
  const failedAncestor = [...ancestorSuites(test), test.module].find((entity) => entity.errors().length > 0);
  if (failedAncestor) return `not run: ${failedAncestor.type === 'module' ? 'its module' : `its suite "${failedAncestor.name}"`} failed outside its tests (counted as a failure)`;
  if (test.options.mode === 'todo') return 'todo';
  const skippedSuite = ancestorSuites(test).find((suite) => suite.options.mode === 'skip');
  if (skippedSuite) return `no reason given: its suite "${skippedSuite.name}" is skipped (describe.skip/skipIf)`;
  return 'no reason given: skipped statically (it.skip/skipIf, or .only elsewhere)';
}

function ancestorSuites(test: TestCase): TestSuite[] {
  const suites: TestSuite[] = [];
  for (let parent = test.parent; parent.type === 'suite'; parent = parent.parent) suites.push(parent);
  return suites;
}

/**
 * Writes `test-results/<project>.json` (`TestReport`): vitest's own `json` reporter drops the reason passed to
 * `ctx.skip(reason)` and the errors outside tests, which the summary must show. It writes a `running` report
 * as soon as the run starts, so a runner that dies leaves a trace instead of nothing.
 */
export class SummaryJsonReporter implements Reporter {
  private root = repositoryRoot;
  private startedAt = new Date().toISOString();

  constructor(readonly project: string) {}

  get file(): string {
    return join(testResultsDirectory, `${this.project}.json`);
  }

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.startedAt = new Date().toISOString();
    this.write({ project: this.project, root: this.relative(this.root), status: 'running', startedAt: this.startedAt, passed: 0, failed: 0, skipped: 0, tests: [], errors: [], modules: [] });
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    const tests: ReportedTest[] = [];
    const errors: ReportedError[] = [];
    const modules: { file: string; durationMs: number; testsMs: number }[] = [];
    for (const module of testModules) {
      const file = this.relative(module.moduleId);
      let testsMs = 0;
      for (const test of module.children.allTests()) {
        const result = test.result();
        const durationMs = Math.round(test.diagnostic()?.duration ?? 0);
        testsMs += durationMs;
        const state = result.state === 'pending' ? 'unfinished' : result.state;
        tests.push({
          file,
          fullName: test.fullName,
          state,
          durationMs,
          ...(state === 'skipped' ? { skipReason: skipReasonOf(test) } : {}),
          ...(result.errors?.length && state !== 'passed' ? { errors: result.errors.map(errorText) } : {}),
        });
      }
      modules.push({ file, durationMs: Math.round(module.diagnostic().duration), testsMs });
      // Errors outside tests (import failures, beforeAll/afterAll): one failure per module or suite that has them.
      for (const entity of [module, ...module.children.allSuites()]) {
        const own = entity.errors();
        if (own.length > 0) errors.push({ where: entity.type === 'module' ? file : `${file} > ${entity.fullName}`, message: own.map(errorText).join('\n') });
      }
    }
    for (const error of unhandledErrors) errors.push({ where: 'unhandled error', message: errorText(error) });
    const passed = tests.filter((test) => test.state === 'passed').length;
    const skipped = tests.filter((test) => test.state === 'skipped').length;
    let failed = tests.filter((test) => test.state === 'failed' || test.state === 'unfinished').length + errors.length;
    if (reason === 'failed' && failed === 0) {
      errors.push({ where: 'vitest', message: testModules.length === 0 ? 'the run failed: no test files found' : 'the run failed without a failing test' });
      failed += 1;
    }
    const status = reason === 'interrupted' ? 'interrupted' : failed > 0 ? 'failed' : 'passed';
    this.write({ project: this.project, root: this.relative(this.root), status, startedAt: this.startedAt, finishedAt: new Date().toISOString(), passed, failed, skipped, tests, errors, modules });
  }

  private relative(path: string): string {
    return relative(repositoryRoot, path) || '.';
  }

  private write(report: TestReport): void {
    mkdirSync(testResultsDirectory, { recursive: true });
    writeFileSync(this.file, `${JSON.stringify(report, null, 1)}\n`);
  }
}

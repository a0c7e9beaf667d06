import { Writable } from 'node:stream';
import type { Reporter, TestCase, TestModule, TestSpecification, Vitest } from 'vitest/node';

/**
 * What a test run's log shows besides vitest's default reporter: a progress line while a long run is silent, and
 * none of the known noise that passing tests cause. Every filter here matches one exact, known message and
 * nothing else, so a real failure or an unexpected warning is still printed.
 */

/** How often `ProgressReporter` prints a line while a run is going (a run shorter than this prints none). */
export const PROGRESS_INTERVAL_MS = 30_000;

const duration = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
};

/**
 * Prints `[<project>] 2 min 30 s: 412/733 tests done (412 passed), 5/6 files; running: <test> (for 3 s)` every
 * `PROGRESS_INTERVAL_MS` while tests run. Outside a terminal (CI, turbo's piped output) vitest's default
 * reporter writes a file's results only when the file ends, so a 733-case conformance file in the browser or the
 * six-minute WebGPU scale check would otherwise print nothing for minutes. In a terminal the default reporter's
 * live view already shows progress, and this one stays quiet.
 */
export class ProgressReporter implements Reporter {
  private vitest: Vitest | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private startedAt = 0;
  private files = { total: 0, collected: 0, done: 0 };
  private tests = { collected: 0, passed: 0, failed: 0, skipped: 0 };
  private running: { readonly name: string; readonly since: number } | undefined;

  constructor(
    readonly project: string,
    private readonly enabled = !process.stdout.isTTY,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    if (!this.enabled) return;
    this.startedAt = Date.now();
    this.files = { total: specifications.length, collected: 0, done: 0 };
    this.tests = { collected: 0, passed: 0, failed: 0, skipped: 0 };
    this.timer = setInterval(() => this.print(), this.intervalMs);
    this.timer.unref(); // never keeps the process alive
  }

  onTestModuleCollected(module: TestModule): void {
    this.files.collected += 1;
    this.tests.collected += [...module.children.allTests()].length;
  }

  onTestCaseReady(test: TestCase): void {
    this.running = { name: `${test.module.relativeModuleId} > ${test.fullName}`, since: Date.now() };
  }

  onTestCaseResult(test: TestCase): void {
    const state = test.result().state;
    if (state === 'passed' || state === 'failed' || state === 'skipped') this.tests[state] += 1;
    this.running = undefined;
  }

  onTestModuleEnd(): void {
    this.files.done += 1;
  }

  onTestRunEnd(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The progress line as of `now`. */
  line(now = Date.now()): string {
    const { passed, failed, skipped, collected } = this.tests;
    const counts = [`${passed} passed`, ...(failed ? [`${failed} failed`] : []), ...(skipped ? [`${skipped} skipped`] : [])].join(', ');
    // A file's tests are known once it starts: the total is shown when every file has.
    const total = this.files.collected === this.files.total ? `/${collected}` : '';
    const running = this.running ? `; running: ${this.running.name} (for ${duration(now - this.running.since)})` : '';
    return `[${this.project}] ${duration(now - this.startedAt)}: ${passed + failed + skipped}${total} tests done (${counts}), ${this.files.done}/${this.files.total} files${running}`;
  }

  private print(): void {
    this.vitest?.logger.log(this.line());
  }
}

/**
 * The banner tfjs's cpu backend prints on its first tensor in Node, recommending `@tensorflow/tfjs-node` (which
 * cannot be installed here and is not what these tests measure). tfjs has no flag for this banner alone: `IS_TEST`
 * and `PROD` silence every tfjs warning, and `IS_TEST` also turns on per-kernel leak checks, so the log filters this
 * one message instead.
 */
const TFJS_NODE_BANNER = 'Hi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend';

/** vitest's `onConsoleLog`: `false` drops a console message from the log; only the known tfjs banner is dropped. */
export function dropKnownConsoleNoise(log: string): false | undefined {
  return log.includes(TFJS_NODE_BANNER) ? false : undefined;
}

/**
 * The two lines Dawn (the `webgpu` package) writes to stderr from native code each time it opens Mesa's lavapipe
 * adapter, whose limits exceed what Dawn supports. Dawn prints them with `dawn::WarningLog` and the `webgpu`
 * package offers no option to silence them; they are not console calls, so `onConsoleLog` never sees them.
 */
export const DAWN_LIMIT_WARNING = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\r?$/;

/**
 * A stream in front of `target` that drops whole lines matching `dropped` and passes everything else through
 * unchanged. Only a trailing partial line that could still become a dropped line (it starts like `prefix`) is held
 * back until its end. It never ends: vitest pipes every worker's stderr into it, and a pipe ends its destination
 * when its source ends, while later workers still write.
 */
export class LineFilterStream extends Writable {
  private pending = '';

  constructor(
    private readonly target: NodeJS.WritableStream,
    private readonly dropped: RegExp,
    private readonly prefix: string,
  ) {
    super();
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const lines = (this.pending + chunk.toString()).split('\n');
    const last = lines.pop() ?? '';
    const kept = lines.filter((line) => !this.dropped.test(line)).map((line) => `${line}\n`).join('');
    this.pending = this.prefix.startsWith(last) || last.startsWith(this.prefix) ? last : '';
    const out = kept + (this.pending ? '' : last);
    if (out) this.target.write(out);
    done();
  }

  override end(...args: unknown[]): this {
    if (typeof args[0] === 'string' || Buffer.isBuffer(args[0])) this.write(args[0]);
    if (this.pending) this.target.write(this.pending);
    this.pending = '';
    (args.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
    return this;
  }
}

/**
 * Puts a `LineFilterStream` that drops `DAWN_LIMIT_WARNING` between the test workers' stderr and the log: vitest
 * pipes each worker's stderr into `vitest.logger.errorStream`, which it reads when it starts a worker, after `onInit`.
 */
export class KnownNativeNoiseFilter implements Reporter {
  onInit(vitest: Vitest): void {
    vitest.logger.errorStream = new LineFilterStream(vitest.logger.errorStream, DAWN_LIMIT_WARNING, 'Warning: maxDynamic');
  }
}

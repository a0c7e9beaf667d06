import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossViewCases } from './suites/fused-cross-view.js';
import { pairings } from './suites/fused-kernels.js';

interface AssertionResult {
  readonly ancestorTitles: readonly string[];
  readonly title: string;
  readonly status: string;
  readonly failureMessages: readonly string[];
}

/**
 * Runs test/conformance-suites.sample.ts (suites that fail on purpose) in a child vitest and reads its JSON report:
 * the only way to observe tests that must fail without failing this run.
 */
describe('describeConformance', () => {
  let results: AssertionResult[] = [];
  const find = (suite: string, title: string) => results.find((r) => r.ancestorTitles[0] === suite && r.title === title);
  const statuses = (suite: string) => new Set(results.filter((r) => r.ancestorTitles[0] === suite).map((r) => r.status));

  beforeAll(async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const report = join(mkdtempSync(join(tmpdir(), 'conformance-report-')), 'report.json');
    const args = ['vitest', 'run', '--config', 'test/sample.vitest.config.ts', '--reporter=json', `--outputFile=${report}`];
    await promisify(execFile)('npx', args, { cwd: root }).catch(() => undefined); // exits 1: failures are on purpose
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as { testResults: { assertionResults: AssertionResult[] }[] };
    results = parsed.testResults.flatMap((file) => file.assertionResults);
  }, 60_000);

  it('fails a listed expected failure that passes, with a message naming it', () => {
    const slice = find('listed-but-passing', 'primitive/slice');
    expect(slice?.status).toBe('failed');
    expect(slice?.failureMessages[0]).toMatch(/primitive\/slice is listed in expectedFailures \("listed on purpose"\) but passed/);
    expect(find('listed-but-passing', 'primitive/transpose')?.status).toBe('passed');
  });

  it('fails when a listed id matches no case', () => {
    const check = find('listed-but-passing', 'expected-failures/match-cases');
    expect(check?.status).toBe('failed');
    expect(check?.failureMessages[0]).toMatch(/"primitive\/no-such-case", which matches no case/);
  });

  it('passes a listed case that fails, and fails an unlisted one', () => {
    expect(find('listed-and-failing', 'primitive/where-no-leak-from-branch-not-taken')?.status).toBe('passed');
    const unlisted = find('listed-and-failing', 'primitive/max-with-minus-infinity');
    expect(unlisted?.status).toBe('failed');
    expect(unlisted?.failureMessages[0]).toMatch(/element 0 is NaN, expected 3/);
  });

  it('reports every test as skipped when the backend is unavailable, without creating it', () => {
    expect(statuses('unavailable')).toEqual(new Set(['skipped']));
    expect(results.filter((r) => r.ancestorTitles[0] === 'unavailable').length).toBeGreaterThan(300);
  });

  it('checks a fused override against the composed kernel on every pairing', () => {
    const fused = results.filter((r) => r.ancestorTitles[0] === 'fused-correct' && r.title.startsWith('fused/similarityCrossEntropy/'));
    const crossView = results.filter((r) => r.ancestorTitles[0] === 'fused-correct' && r.title.startsWith('fused/crossViewCrossEntropy/'));
    // Every case of the suites' own tables ran and passed (the tables grow as kernels gain paths).
    expect(crossView.map((r) => [r.title, r.status])).toEqual(Object.keys(crossViewCases).map((c) => [`fused/crossViewCrossEntropy/${c}`, 'passed']));
    expect(crossView.length).toBeGreaterThanOrEqual(4);
    expect(fused.map((r) => [r.title, r.status])).toEqual(Object.keys(pairings).map((p) => [`fused/similarityCrossEntropy/${p}`, 'passed']));
    expect(fused.map((r) => r.title)).toEqual(expect.arrayContaining(['self-excluded', 'cross-view', 'decoupled', 'sup-con-groups', 'queue-of-extra-keys'].map((p) => `fused/similarityCrossEntropy/${p}`)));
    const skewed = find('fused-skewed', 'fused/similarityCrossEntropy/cross-view');
    expect(skewed?.status).toBe('failed');
    expect(skewed?.failureMessages[0]).toMatch(/rowLosses: element \d is/);
    const skewedScale = find('fused-skewed', 'fused/crossViewCrossEntropy/clip-temperature-0.01');
    expect(skewedScale?.status).toBe('failed');
    expect(skewedScale?.failureMessages[0]).toMatch(/scale/);
  });

  it('skips the fused checks of a backend without an override', () => {
    expect(find('no-fused', 'fused/similarityCrossEntropy/cross-view')?.status).toBe('skipped');
  });
});

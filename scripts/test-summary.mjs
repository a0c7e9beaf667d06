#!/usr/bin/env node
// One summary of every vitest run: reads the reports that vitest.shared.ts's SummaryJsonReporter writes to
// test-results/<project>.json (project: <package folder>-<runner>, runner: node, browser or scale), prints a line
// per report, every skipped test with its reason (grouped by reason: a few names and a count), every failure,
// and ends with exactly one line `N passed, M failed, K skipped`. Exits 1 when anything failed.
//
//   node scripts/test-summary.mjs                  sum whatever reports are there
//   node scripts/test-summary.mjs --expect-all     also count a failure for each runner of the workspace that left
//                                                  no report (its config exists, but it crashed or never ran)
//   node scripts/test-summary.mjs --expect webgpu-scale   the same for one named project
//
// Errors outside tests (a module that fails to load, a failing beforeAll/afterAll, an unhandled error) and runners
// that left no finished report count as one failure each: a suite that never ran must not look like a pass.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDirectory = join(root, 'test-results');
const NAMES_PER_GROUP = 3;

const args = process.argv.slice(2);
const expected = new Set();
for (let index = 0; index < args.length; index++) {
  if (args[index] === '--expect-all') for (const project of workspaceProjects()) expected.add(project);
  else if (args[index] === '--expect' && args[index + 1]) expected.add(args[++index]);
  else {
    console.error(`test-summary: unknown argument ${args[index]}`);
    process.exit(2);
  }
}

/** `<folder>-node` / `<folder>-browser` for each workspace package with a `test` script and that vitest config. */
function workspaceProjects() {
  const globs = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')
    .split('\n')
    .map((line) => /^\s+-\s+["']?([^"'\s]+)["']?\s*$/.exec(line)?.[1])
    .filter(Boolean);
  const folders = globs.flatMap((glob) => {
    if (!glob.endsWith('/*')) return [join(root, glob)];
    const parent = join(root, glob.slice(0, -2));
    return existsSync(parent) ? readdirSync(parent, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(parent, entry.name)) : [];
  });
  const projects = [];
  for (const folder of folders) {
    const manifest = join(folder, 'package.json');
    if (!existsSync(manifest) || !JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test) continue;
    if (existsSync(join(folder, 'vitest.config.ts'))) projects.push(`${basename(folder)}-node`);
    if (existsSync(join(folder, 'vitest.browser.config.ts'))) projects.push(`${basename(folder)}-browser`);
  }
  return projects;
}

const reports = existsSync(resultsDirectory)
  ? readdirSync(resultsDirectory)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => {
        try {
          return JSON.parse(readFileSync(join(resultsDirectory, name), 'utf8'));
        } catch (error) {
          return { project: name.slice(0, -5), status: 'unreadable', passed: 0, failed: 0, skipped: 0, tests: [], errors: [{ where: name, message: String(error) }] };
        }
      })
  : [];

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const skipGroups = new Map();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

console.log(`\nTest summary (${reports.length} report${reports.length === 1 ? '' : 's'} in test-results/)`);
for (const report of reports) {
  expected.delete(report.project);
  let reportFailed = report.failed;
  if (report.status === 'running' || report.status === 'unreadable') {
    reportFailed += 1;
    failures.push(`${report.project}: the runner did not finish (crashed or was killed): its results are lost`);
  } else if (report.status === 'interrupted') {
    reportFailed += 1;
    failures.push(`${report.project}: the run was interrupted`);
  }
  passed += report.passed;
  failed += reportFailed;
  skipped += report.skipped;
  const slowest = Math.max(0, ...report.tests.map((test) => test.durationMs ?? 0));
  console.log(
    `  ${report.project.padEnd(26)} ${String(report.passed).padStart(5)} passed ${String(reportFailed).padStart(4)} failed ${String(report.skipped).padStart(5)} skipped` +
      `   ${report.status === 'running' ? 'DID NOT FINISH' : `slowest test ${seconds(slowest)}`}`,
  );
  for (const test of report.tests) {
    const name = `${test.file} > ${test.fullName}`;
    if (test.state === 'failed' || test.state === 'unfinished') {
      const why = test.state === 'unfinished' ? 'did not finish' : (test.errors?.[0] ?? '').split('\n')[0];
      failures.push(`${report.project}: ${name}\n      ${why}`);
    } else if (test.state === 'skipped') {
      const reason = (test.skipReason ?? 'no reason recorded').replace(/\s+/g, ' ').trim();
      const key = `${report.project}\u0000${reason}`;
      if (!skipGroups.has(key)) skipGroups.set(key, []);
      // A reason given in the name, `(skipped: reason)`, is printed once, as the group's reason.
      skipGroups.get(key).push(name.replace(/\s*[([]skipped: .+[)\]]\s*$/, ''));
    }
  }
  for (const error of report.errors ?? []) failures.push(`${report.project}: error outside tests in ${error.where}\n      ${error.message.split('\n')[0]}`);
}
for (const project of expected) {
  failed += 1;
  failures.push(`${project}: no report: the runner crashed before reporting or never ran`);
}

if (skipGroups.size > 0) {
  console.log(`\nSkipped tests (${skipped}), by reason:`);
  for (const [key, names] of skipGroups) {
    const [project, reason] = key.split('\u0000');
    console.log(`  ${project}: ${names.length} skipped: ${reason}`);
    for (const name of names.slice(0, NAMES_PER_GROUP)) console.log(`      ${name}`);
    if (names.length > NAMES_PER_GROUP) console.log(`      ... and ${names.length - NAMES_PER_GROUP} more with the same reason`);
  }
}
if (failures.length > 0) {
  console.log(`\nFailures (${failed}):`);
  for (const failure of failures) console.log(`  ${failure}`);
}
if (reports.length === 0 && expected.size === 0) {
  console.log('\nNo reports: no vitest run wrote to test-results/ (counted as a failed run).');
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || reports.length === 0 ? 1 : 0;

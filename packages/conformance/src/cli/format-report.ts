import type { CaseOutcome, SuiteOutcome } from './suite-outcome.js';

/** The groups whose failures explain most others: a wrong primitive fails hundreds of loss cases after it. */
export const foundationGroups: readonly string[] = ['interface surface', 'primitives'];

const indent = (text: string) => text.split('\n').map((line) => `    ${line}`);
const count = (cases: readonly CaseOutcome[], state: CaseOutcome['state']) => cases.filter((c) => c.state === state).length;

/** `N passed, M failed` and `, K skipped` when some were skipped. */
export function summaryLine(passed: number, failed: number, skipped: number): string {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

/**
 * The CLI's report: when a primitive (or the interface surface) fails, a line saying to fix the primitives first,
 * those failures with their messages, and the other failures counted per group, not listed; otherwise every
 * failure with its message. Then one line per group and, last, the total (`N passed, M failed[, K skipped]`);
 * errors outside any case count as failures.
 */
export function formatReport(outcome: SuiteOutcome): string[] {
  const failed = outcome.cases.filter((c) => c.state === 'failed');
  const foundation = failed.filter((c) => foundationGroups.includes(c.group));
  const followOn = failed.length - foundation.length;
  const lines: string[] = [];
  if (foundation.length > 0) {
    lines.push(
      `${foundation.length} primitive ${foundation.length === 1 ? 'case' : 'cases'} failed: fix the primitives first.` +
        (followOn > 0 ? ` The ${followOn} other failures most likely follow from them: counted per group below, not listed.` : ''),
    );
  }
  for (const error of outcome.errors) lines.push(`ERROR ${error.split('\n')[0]}`, ...indent(error.split('\n').slice(1).join('\n')).filter((l) => l.trim() !== ''));
  for (const [message, ids] of byMessage(foundation.length > 0 ? foundation : failed)) {
    lines.push(`FAIL ${ids[0]}${ids.length > 1 ? ` and ${ids.length - 1} more with the same message` : ''}`, ...indent(message));
  }
  const groups = [...new Set(outcome.cases.map((c) => c.group))];
  for (const group of groups) {
    const cases = outcome.cases.filter((c) => c.group === group);
    const hidden = foundation.length > 0 && !foundationGroups.includes(group) && count(cases, 'failed') > 0 ? ' (not listed)' : '';
    lines.push(`${group}: ${summaryLine(count(cases, 'passed'), count(cases, 'failed'), count(cases, 'skipped'))}${hidden}`);
  }
  lines.push(summaryLine(count(outcome.cases, 'passed'), failed.length + outcome.errors.length, count(outcome.cases, 'skipped')));
  return lines;
}

/** Failures with the same message together (a missing `scope` fails every primitive case the same way), in order. */
function byMessage(failures: readonly CaseOutcome[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const failure of failures) {
    const message = failure.message ?? '';
    groups.set(message, [...(groups.get(message) ?? []), failure.id]);
  }
  return groups;
}

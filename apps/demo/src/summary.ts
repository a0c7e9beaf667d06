/**
 * `summary.json`, written beside the report (`apps/demo/out/summary.json` by default): the run's few-label figures
 * for tools, with the backend, the seed and the seconds. `validateDemoSummary` checks an object against this shape
 * and lists every problem by its path (the demo's test runs it on what a run wrote).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { representationNames, type FewLabelRow } from './few-label.js';

export interface DemoSummary {
  readonly schemaVersion: 1;
  readonly backend: string;
  readonly seed: number;
  /** Wall-clock seconds of the whole run: loading, training, evaluation and the report. */
  readonly seconds: number;
  readonly trainingSeconds: number;
  /** Seconds of the few-label evaluation (k-NN and linear probes). */
  readonly evaluationSeconds: number;
  /** The settings table of the report. */
  readonly settings: Readonly<Record<string, string | number>>;
  readonly trainCount: number;
  readonly testCount: number;
  /** The mean training loss over the steps of the last epoch. */
  readonly finalEpochMeanLoss: number;
  /** Accuracy on the test images against labels per class: learned, random and raw, each k-NN and linear probe. */
  readonly fewLabel: readonly FewLabelRow[];
}

/** Writes `summary` as indented JSON, creating the folder. */
export function writeDemoSummary(path: string, summary: DemoSummary): void {
  const problems = validateDemoSummary(summary);
  if (problems.length > 0) throw new Error(`demo summary: ${problems.join('; ')}`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every way `value` departs from `DemoSummary`, as `path: problem` lines; empty when it conforms. */
export function validateDemoSummary(value: unknown): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, path: string, expected: string) => {
    if (!ok) problems.push(`${path}: expected ${expected}`);
  };
  if (!isObject(value)) return ['summary: expected an object'];
  check(value.schemaVersion === 1, 'schemaVersion', '1');
  check(typeof value.backend === 'string' && value.backend.length > 0, 'backend', 'a backend name');
  check(Number.isSafeInteger(value.seed) && (value.seed as number) >= 0, 'seed', 'an integer >= 0');
  for (const key of ['seconds', 'trainingSeconds', 'evaluationSeconds'] as const) {
    check(typeof value[key] === 'number' && Number.isFinite(value[key]) && (value[key] as number) >= 0, key, 'a number of seconds >= 0');
  }
  check(isObject(value.settings), 'settings', 'an object');
  for (const key of ['trainCount', 'testCount'] as const) check(Number.isSafeInteger(value[key]) && (value[key] as number) > 0, key, 'an integer > 0');
  check(typeof value.finalEpochMeanLoss === 'number' && Number.isFinite(value.finalEpochMeanLoss), 'finalEpochMeanLoss', 'a finite number');
  if (!Array.isArray(value.fewLabel) || value.fewLabel.length === 0) return [...problems, 'fewLabel: expected a non-empty array'];
  value.fewLabel.forEach((row: unknown, i) => problems.push(...rowProblems(row, `fewLabel[${i}]`)));
  return problems;
}

function rowProblems(row: unknown, path: string): string[] {
  if (!isObject(row)) return [`${path}: expected an object`];
  const problems: string[] = [];
  const budget = row.labelsPerClass;
  if (!(budget === 'all' || (Number.isSafeInteger(budget) && (budget as number) > 0))) problems.push(`${path}.labelsPerClass: expected an integer > 0 or "all"`);
  for (const key of ['labelledCount', 'draws'] as const) {
    if (!(Number.isSafeInteger(row[key]) && (row[key] as number) > 0)) problems.push(`${path}.${key}: expected an integer > 0`);
  }
  for (const name of representationNames) {
    const scores = row[name];
    if (!isObject(scores)) {
      problems.push(`${path}.${name}: expected an object`);
      continue;
    }
    for (const classifier of ['knn', 'linearProbe'] as const) {
      const score = scores[classifier];
      const at = `${path}.${name}.${classifier}`;
      if (!isObject(score)) problems.push(`${at}: expected { mean, spread }`);
      else {
        if (!(typeof score.mean === 'number' && score.mean >= 0 && score.mean <= 1)) problems.push(`${at}.mean: expected an accuracy in [0, 1]`);
        if (!(typeof score.spread === 'number' && score.spread >= 0 && score.spread <= 1)) problems.push(`${at}.spread: expected a standard deviation in [0, 1]`);
      }
    }
  }
  return problems;
}

import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** One conformance case as the CLI reports it. */
export interface CaseOutcome {
  /** The part of the suite it belongs to (`primitives`, `golden fixtures`, ...). */
  readonly group: string;
  /** The case id (`primitive/slice`, `nt-xent/low-temperature`, ...). */
  readonly id: string;
  readonly state: 'passed' | 'failed' | 'skipped';
  /** The first lines of the failure (failed cases). */
  readonly message?: string;
}

/** Every case of one run, plus the failures outside any case (a module that did not load, an unhandled error). */
export interface SuiteOutcome {
  readonly cases: readonly CaseOutcome[];
  readonly errors: readonly string[];
}

const firstLines = (text: string, count: number) => text.split('\n').slice(0, count).join('\n');
const errorText = (error: SerializedError | { message?: string; stack?: string }) => firstLines(error.message || error.stack || String(error), 6);

/** A vitest reporter that prints nothing and keeps the outcome of the run for the CLI. */
export class SuiteOutcomeReporter implements Reporter {
  outcome: SuiteOutcome = { cases: [], errors: [] };

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const cases: CaseOutcome[] = [];
    const errors: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        const state = result.state === 'passed' || result.state === 'skipped' ? result.state : 'failed';
        const message = state === 'failed' ? (result.errors ?? []).map(errorText).join('\n') || 'did not finish' : undefined;
        cases.push({ group: groupOf(test.parent), id: test.name, state, ...(message === undefined ? {} : { message }) });
      }
      for (const entity of [module, ...module.children.allSuites()]) {
        for (const error of entity.errors()) errors.push(errorText(error));
      }
    }
    for (const error of unhandledErrors) errors.push(`unhandled error: ${errorText(error)}`);
    this.outcome = { cases, errors };
  }
}

/** The suite title under the backend's own `describe` (its second level); `expected failures` for the check directly in it. */
function groupOf(parent: { type: string; name?: string; parent?: unknown }): string {
  const names: string[] = [];
  for (let entity = parent; entity.type === 'suite'; entity = entity.parent as typeof parent) names.unshift(entity.name ?? '');
  return names[1] ?? 'expected failures';
}

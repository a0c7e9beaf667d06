import type { TensorBackend } from '@contrastive/core';
import { it } from 'vitest';
import { expectedFailureProblems, settleExpectation, type CaseOutcome, type ExpectedFailure } from './expected-failures.js';

/** Thrown by a case body to report the case as skipped (a capability the backend lacks), with the reason. */
export class CaseSkipped extends Error {
  override readonly name = 'CaseSkipped';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Ends the current case as skipped with `reason`. */
export function skipCase(reason: string): never {
  throw new CaseSkipped(reason);
}

export type CaseBody<T> = (backend: TensorBackend<T>) => Promise<void> | void;

export interface CaseRegistryOptions {
  readonly expectedFailures: readonly ExpectedFailure[];
  readonly unavailable?: string;
  readonly caseFilter?: (id: string) => boolean;
}

/**
 * Registers every conformance case as one vitest test named by its id, and applies the suite-wide rules to each:
 * `unavailable` (skip everything with the reason), `caseFilter` (skip what it rejects), skips from the body, and
 * strict expected failures.
 */
export class CaseRegistry<T> {
  private readonly ids = new Set<string>();
  private readonly expected: ReadonlyMap<string, ExpectedFailure>;

  constructor(
    private readonly getBackend: () => Promise<TensorBackend<T>>,
    private readonly options: CaseRegistryOptions,
  ) {
    this.expected = new Map(options.expectedFailures.map((failure) => [failure.id, failure]));
  }

  /** Registers case `id`; ids are unique over the whole suite. */
  test(id: string, body: CaseBody<T>): void {
    if (this.ids.has(id)) throw new Error(`conformance: case id "${id}" is registered twice`);
    this.ids.add(id);
    const expected = this.expected.get(id);
    it(id, async (context) => {
      if (this.options.unavailable !== undefined) context.skip(this.options.unavailable);
      if (this.options.caseFilter && !this.options.caseFilter(id)) context.skip('excluded by caseFilter');
      const backend = await this.getBackend();
      let outcome: CaseOutcome = { failed: false };
      try {
        await body(backend);
      } catch (error) {
        if (error instanceof CaseSkipped) context.skip(error.reason);
        outcome = { failed: true, error };
      }
      settleExpectation(id, expected, outcome);
      if (expected) await context.annotate(`expected failure: ${expected.reason}`);
    });
  }

  /** Registers the check that every listed expected failure names a registered case (call it last). */
  testExpectedFailureList(): void {
    it('expected-failures/match-cases', (context) => {
      if (this.options.unavailable !== undefined) context.skip(this.options.unavailable);
      const problems = expectedFailureProblems(this.options.expectedFailures, this.ids);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    });
  }
}

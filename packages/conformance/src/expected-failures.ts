/**
 * Expected failures: a typed list per backend, matched by exact case id, each with a reason, and strict: a
 * listed case that passes fails the run, and so does a listed id that matches no case.
 *
 * @example
 * const expectedFailures: ExpectedFailure[] = [{ id: 'clip/large-logits', reason: 'float32 logits above 88 overflow exp' }];
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export interface ExpectedFailure {
  /** The exact case id: a fixture case id (`clip/large-logits`) or a suite-generated id (`random/clip/1`). */
  readonly id: string;
  /** Why the backend fails it, shown in the report (for example "WebGPU EP's ReduceLogSumExp overflows"). */
  readonly reason: string;
}

/** The outcome of running one case's checks. */
export type CaseOutcome = { readonly failed: false } | { readonly failed: true; readonly error: unknown };

/**
 * Turns a case outcome into the test's verdict under the expected-failure list: returns normally when the test
 * passes (no failure and none expected, or a failure that was expected) and throws otherwise.
 */
export function settleExpectation(id: string, expected: ExpectedFailure | undefined, outcome: CaseOutcome): void {
  if (expected === undefined) {
    if (outcome.failed) throw outcome.error;
    return;
  }
  if (!outcome.failed) {
    throw new Error(`${id} is listed in expectedFailures ("${expected.reason}") but passed: remove it from the list`);
  }
}

/** Problems with the list itself: ids listed twice and ids that match no case. Empty when the list is sound. */
export function expectedFailureProblems(expectedFailures: readonly ExpectedFailure[], caseIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { id } of expectedFailures) {
    if (seen.has(id)) problems.push(`expectedFailures lists "${id}" twice`);
    seen.add(id);
    if (!caseIds.has(id)) problems.push(`expectedFailures lists "${id}", which matches no case of this suite`);
  }
  return problems;
}

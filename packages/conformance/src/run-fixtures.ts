import type { TensorBackend } from '@contrastive/core';
import { evaluationMismatches } from './compare-values.js';
import type { FixtureCase, FixtureFile } from './fixture-types.js';
import { loadFixtures } from './load-fixtures.js';
import { lossCatalog, type CatalogEntry } from './loss-catalog.js';
import { tolerances } from './tolerances.js';

/**
 * The outcome of one fixture case.
 *
 * @example
 * const failed = (await runFixtures(backend, directory)).filter((result) => !result.passed);
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export interface FixtureResult {
  /** The case id, `<loss>/<case>`. */
  readonly id: string;
  /** The fixture file's loss name. */
  readonly loss: string;
  /** True when every output and gradient is within tolerance. */
  readonly passed: boolean;
  /** One line per mismatch or error; empty when the case passed. */
  readonly failures: readonly string[];
}

/**
 * Checks one fixture case on `backend`: the loss (or forward outputs) and every gradient, at the tolerances of
 * the backend's precision. Returns the mismatches (empty when the case passes); errors thrown by the loss are
 * returned as a mismatch too.
 *
 * @param backend - The backend under test.
 * @param entry - The catalog entry of the case's loss (`undefined`: reported as an unknown loss).
 * @param fixtureCase - The case.
 * @param loss - The fixture file's loss name.
 * @returns One line per mismatch or error; empty when the case passes.
 *
 * @example
 * const failures = await checkFixtureCase(backend, entry, file.cases[0], file.loss);
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export async function checkFixtureCase<T>(
  backend: TensorBackend<T>,
  entry: CatalogEntry | undefined,
  fixtureCase: FixtureCase,
  loss: string,
): Promise<string[]> {
  if (!entry) return [`no core loss or metric is named "${loss}"`];
  const tolerance = tolerances[backend.capabilities.precision];
  let evaluation;
  try {
    evaluation = await entry.evaluate(backend, fixtureCase.inputs, fixtureCase.options ?? {});
  } catch (error) {
    return [`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`];
  }
  const { gradients = {}, ...outputs } = fixtureCase.expected;
  return evaluationMismatches(evaluation, { outputs, gradients }, tolerance);
}

/**
 * Runs every case of a fixture directory (or of already-loaded fixture files) on `backend`, one after another,
 * without vitest. Used by the CLI; `describeConformance` registers the same checks as one test per case.
 *
 * @param backend - The backend under test.
 * @param directory - A fixture directory (Node), or already-loaded fixture files.
 * @returns One result per case, in file and case order.
 *
 * @example
 * const results = await runFixtures(createReferenceBackend(), './fixtures');
 * const failed = results.filter((r) => !r.passed);
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export async function runFixtures<T>(
  backend: TensorBackend<T>,
  directory: string | readonly FixtureFile[],
): Promise<FixtureResult[]> {
  const files = typeof directory === 'string' ? await loadFixtures(directory) : directory;
  const catalog = lossCatalog();
  const results: FixtureResult[] = [];
  for (const file of files) {
    for (const fixtureCase of file.cases) {
      const failures = await checkFixtureCase(backend, catalog.get(file.loss), fixtureCase, file.loss);
      results.push({ id: fixtureCase.id, loss: file.loss, passed: failures.length === 0, failures });
    }
  }
  return results;
}

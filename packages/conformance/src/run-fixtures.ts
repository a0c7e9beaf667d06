import type { TensorBackend } from '@contrastive/core';
import { evaluationMismatches } from './compare-values.js';
import type { FixtureCase, FixtureFile } from './fixture-types.js';
import { loadFixtures } from './load-fixtures.js';
import { lossCatalog, type CatalogEntry } from './loss-catalog.js';
import { tolerances } from './tolerances.js';

/** The outcome of one fixture case. */
export interface FixtureResult {
  readonly id: string;
  /** The fixture file's loss name. */
  readonly loss: string;
  readonly passed: boolean;
  /** One line per mismatch or error; empty when the case passed. */
  readonly failures: readonly string[];
}

/**
 * Checks one fixture case on `backend`: the loss (or forward outputs) and every gradient, at the tolerances of
 * the backend's precision. Returns the mismatches (empty when the case passes); errors thrown by the loss are
 * returned as a mismatch too.
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
 * @example
 * const results = await runFixtures(createReferenceBackend(), './fixtures');
 * const failed = results.filter((r) => !r.passed);
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

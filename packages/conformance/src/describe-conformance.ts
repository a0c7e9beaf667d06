import type { TensorBackend } from '@contrastive/core';
import { describe } from 'vitest';
import { CaseRegistry } from './case-registry.js';
import type { ExpectedFailure } from './expected-failures.js';
import type { FixtureFile } from './fixture-types.js';
import { bundledFixturesDirectory, loadFixtures } from './load-fixtures.js';
import { registeredLosses } from './loss-catalog.js';
import { registerBadInputContract } from './suites/contract-bad-input.js';
import { registerExtremeContract } from './suites/contract-extremes.js';
import { registerFiniteDifferences } from './suites/finite-differences.js';
import { registerFusedKernels } from './suites/fused-kernels.js';
import { registerGoldenFixtures } from './suites/golden-fixtures.js';
import { registerInterfaceSurface } from './suites/interface-surface.js';
import { registerInvariants } from './suites/invariants.js';
import { registerLeakChecks } from './suites/leaks.js';
import { registerPrimitives } from './suites/primitives.js';
import { registerRandomCases } from './suites/random-cases.js';
import { registerScaleForms } from './suites/scale-forms.js';

/**
 * Options of {@link describeConformance}; every one is optional.
 *
 * @example
 * describeConformance('my-backend', () => createMyBackend(), { randomCases: 5, caseFilter: (id) => !id.startsWith('sig-lip/') });
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export interface ConformanceOptions {
  /** Cases this backend is known to fail, by exact id, with a reason (strict: see `ExpectedFailure`). Default none. */
  readonly expectedFailures?: readonly ExpectedFailure[];
  /**
   * When set, every test is reported as skipped with this reason (for example a native binding is missing).
   * Default unset.
   */
  readonly unavailable?: string;
  /** Fixture directory (Node). Default: the fixtures bundled with this package. */
  readonly fixturesDirectory?: string;
  /** Already-loaded fixture files, instead of a directory (browsers, which cannot list directories). */
  readonly fixtures?: readonly FixtureFile[];
  /** Random-vs-reference cases per loss. Default 3. */
  readonly randomCases?: number;
  /** Keeps only the case ids it accepts; the others are reported as skipped. Default: every case. */
  readonly caseFilter?: (id: string) => boolean;
}

/**
 * Registers the conformance suite of one backend with vitest, inside `describe(name)`: interface surface,
 * primitives on edge cases, golden fixtures (one test per case id), random inputs against the float64 reference
 * backend, invariants, finite differences (reference backend), fused vs composed kernels, leak checks, and the
 * call contract (bad-input and extreme-finite matrices).
 * The backend is created once, on the first test that needs it.
 *
 * @param name - The backend's name, the `describe` block's title.
 * @param createBackend - Creates the backend under test (called once, lazily).
 * @param options - {@link ConformanceOptions}: `expectedFailures` (default none), `unavailable` (default unset),
 * `fixturesDirectory` (default: the bundled fixtures), `fixtures`, `randomCases` (default 3), `caseFilter`
 * (default: every case).
 *
 * @example
 * describeConformance('tfjs-wasm', async () => createTfjsBackend(tf), {
 *   expectedFailures: [{ id: 'clip/large-logits', reason: 'float32 logits above 88 overflow exp' }],
 * });
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export function describeConformance<T>(
  name: string,
  createBackend: () => TensorBackend<T> | Promise<TensorBackend<T>>,
  options: ConformanceOptions = {},
): void {
  let backend: Promise<TensorBackend<T>> | undefined;
  const getBackend = () => (backend ??= Promise.resolve().then(createBackend));
  const registry = new CaseRegistry(getBackend, { ...options, expectedFailures: options.expectedFailures ?? [] });
  const definitions = registeredLosses();
  describe(name, async () => {
    describe('interface surface', () => registerInterfaceSurface(registry));
    describe('primitives', () => registerPrimitives(registry));
    const source = options.fixturesDirectory ?? (options.fixtures ? 'the given fixtures' : await bundledFixturesDirectory());
    const loaded = await loadFixtureFiles(options, source);
    describe('golden fixtures', () => {
      if (loaded instanceof Error) registry.test('fixtures/load', () => Promise.reject(loaded));
      else registerGoldenFixtures(registry, loaded, source);
    });
    describe('random inputs vs the reference backend', () => registerRandomCases(registry, definitions, options.randomCases ?? 3));
    describe('invariants', () => registerInvariants(registry, definitions));
    describe('finite differences (always on the float64 reference backend)', () => registerFiniteDifferences(registry, definitions));
    describe('fused vs composed kernels', () => registerFusedKernels(registry));
    describe('chunked and data-parallel forms vs the full batch', () => registerScaleForms(registry));
    describe('leaked handles', () => registerLeakChecks(registry, definitions));
    describe('contract: bad input throws a typed error naming the argument, leaking nothing', () =>
      registerBadInputContract(registry, definitions),
    );
    describe('contract: extreme finite input gives a finite, correct value or a typed error', () =>
      registerExtremeContract(registry, definitions),
    );
    registry.testExpectedFailureList();
  });
}

/** The fixtures to run; a missing bundled directory means none were generated yet (each loss is then skipped). */
async function loadFixtureFiles(options: ConformanceOptions, source: string): Promise<readonly FixtureFile[] | Error> {
  if (options.fixtures) return options.fixtures;
  try {
    return await loadFixtures(source);
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    if (missing && options.fixturesDirectory === undefined) return [];
    return error instanceof Error ? error : new Error(String(error));
  }
}

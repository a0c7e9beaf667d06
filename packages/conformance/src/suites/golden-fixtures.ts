import type { CaseRegistry } from '../case-registry.js';
import { skipCase } from '../case-registry.js';
import type { FixtureFile } from '../fixture-types.js';
import { lossCatalog } from '../loss-catalog.js';
import { checkFixtureCase } from '../run-fixtures.js';

/**
 * One test per fixture case, named by the case id: the loss (or forward outputs) and every gradient within the
 * tolerance of the backend's precision. A covered function without a fixture file is reported as skipped.
 */
export function registerGoldenFixtures<T>(registry: CaseRegistry<T>, files: readonly FixtureFile[], source: string): void {
  const catalog = lossCatalog();
  for (const file of files) {
    const entry = catalog.get(file.loss);
    for (const fixtureCase of file.cases) {
      registry.test(fixtureCase.id, async (backend) => {
        const failures = await checkFixtureCase(backend, entry, fixtureCase, file.loss);
        if (failures.length > 0) throw new Error(failures.join('\n'));
      });
    }
  }
  const covered = new Set(files.map((file) => file.loss));
  for (const name of catalog.keys()) {
    if (!covered.has(name)) registry.test(`${name}/fixture-file`, () => skipCase(`no fixture file ${name}.json in ${source}`));
  }
}

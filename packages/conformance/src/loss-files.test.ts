/**
 * Every loss of core's registry has the files docs/contributing/adding-a-loss.md lists (its changeset aside:
 * changesets are consumed at release), and nothing else names a loss by hand: the registry, core's and tfjs's
 * exports, the tfjs ops, the case specs (when derivable), the snippets and the sidebar are derived from those files.
 */
import { losses, type LossName } from '@contrastive/core';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scanLosses } from '../../../scripts/generate-loss-index.mjs';

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const exists = (path: string): boolean => existsSync(new URL(path, root));

const generatorDirectory = 'packages/conformance/fixtures-generator/';
const generatorText = (prefix: string) =>
  readdirSync(new URL(generatorDirectory, root))
    .filter((file) => file.endsWith('.py') && file.startsWith(prefix))
    .map((file) => read(generatorDirectory + file));

/** The loss file that exports `key` as a `LossDefinition`, from the repository root. */
function lossFile(key: string): string | undefined {
  const directory = 'packages/core/src/losses/';
  const declaration = new RegExp(`^export const ${key}: LossDefinition<`, 'm');
  const file = readdirSync(new URL(directory, root)).find((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && declaration.test(read(directory + name)));
  return file === undefined ? undefined : directory + file;
}

const need = (ok: boolean, what: string): string[] => (ok ? [] : [what]);

/** What a registered loss lacks of the files of adding-a-loss.md, as messages naming the path to add. */
function missingFiles(key: string, name: string): string[] {
  const snake = name.replaceAll('-', '_');
  const file = lossFile(key);
  const fixture = `packages/conformance/fixtures/${name}.json`;
  const fixtureOk = exists(fixture) && ((parsed: { loss?: string; cases?: unknown[] }) => parsed.loss === name && (parsed.cases?.length ?? 0) > 0)(JSON.parse(read(fixture)));
  return [
    ...need(file !== undefined, `packages/core/src/losses/<name>.ts: export const ${key}: LossDefinition<...>`),
    ...need(file !== undefined && exists(file.replace(/\.ts$/, '.test.ts')), `packages/core/src/losses/<name>.test.ts: a test beside ${file}`),
    ...need(generatorText('cases_').some((text) => text.includes(`def ${snake}_cases(`)), `cases_<snake>.py: def ${snake}_cases(spec, rng)`),
    ...need(generatorText('').some((text) => text.includes(`LossSpec('${name}'`)), `cases_<snake>.py: LossSpec('${name}', ...)`),
    ...need(fixtureOk, `${fixture} (generate.py --only ${name})`),
    ...need(exists(`docs/losses/${name}.md`), `docs/losses/${name}.md`),
  ];
}

describe('the files of every loss (docs/contributing/adding-a-loss.md)', () => {
  it.each((Object.keys(losses) as LossName[]).map((key) => [key, losses[key].name] as const))('%s (%s) has every file', (key, name) => {
    expect(missingFiles(key, name)).toEqual([]);
  });

  it('reports every file of a loss that has none of them', () => {
    expect(missingFiles('zzAbsent', 'zz-absent')).toHaveLength(6);
  });

  it('no other place lists the losses by hand', () => {
    const sites = [
      'packages/conformance/fixtures-generator/generate.py',
      'packages/conformance/src/loss-catalog.ts',
      'docs/.vitepress/config.ts',
      'docs/architecture/loss-definitions.md',
    ];
    for (const site of sites) {
      const text = read(site);
      for (const { name } of Object.values(losses)) expect(text, `${site} names '${name}'`).not.toContain(`'${name}'`);
    }
    const exportLists = ['packages/core/src/losses/registry.ts', 'packages/core/src/index.ts', 'packages/tfjs/src/losses.ts', 'packages/tfjs/src/index.ts'];
    for (const site of exportLists) {
      // Code only: TSDoc examples may show a loss.
      const text = read(site).split('\n').filter((line) => !/^\s*(\*|\/\*\*|\/\/)/.test(line)).join('\n');
      for (const key of Object.keys(losses)) expect(text, `${site} names ${key}`).not.toMatch(new RegExp(`\\b${key}\\b`));
    }
    const checker = read(`${generatorDirectory}check_fixtures.py`);
    for (const { name } of Object.values(losses)) expect(checker, 'check_fixtures.py: a second table of defaults').not.toContain(`'${name}': {`);
    expect(read('docs/snippets/snippets.test.ts'), 'a hard-coded count of loss snippets').not.toMatch(/\.(toBe|toHaveLength)\(\d+\)/);
  });
});

describe('the generator of the loss lists (scripts/generate-loss-index.mjs)', () => {
  const scan = (source: string) => {
    const directory = mkdtempSync(join(tmpdir(), 'contrastive-scan-'));
    try {
      writeFileSync(join(directory, 'a-loss.ts'), source);
      return scanLosses(directory);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  };

  it('finds what the registry holds (the generated files are fresh)', () => {
    const scanned = scanLosses(fileURLToPath(new URL('packages/core/src/losses/', root)));
    expect(scanned.definitions.map((definition) => definition.key).sort()).toEqual(Object.keys(losses).sort());
    for (const { key, name, inputs, optional } of scanned.definitions) {
      const definition = losses[key as LossName];
      expect({ name, inputs, optional }).toEqual({ name: definition.name, inputs: definition.inputs, optional: definition.optionalInputs ?? [] });
    }
  });

  it('reads a definition declared as the doc says', () => {
    const { definitions } = scan(`export const aLoss: LossDefinition<'x' | 'y', O> = {\n  name: 'a-loss',\n  inputs: ['x', 'y'],\n  optionalInputs: ['y'],\n};\n`);
    expect(definitions).toMatchObject([{ key: 'aLoss', name: 'a-loss', inputs: ['x', 'y'], optional: ['y'] }]);
  });

  it.each([
    ['declared over several lines', `export const aLoss: LossDefinition<\n  'x', O> = {\n  name: 'a-loss',\n  inputs: ['x'],\n};\n`, /declare aLoss on one line/],
    ['without literal inputs', `export const aLoss: LossDefinition<'x', O> = {\n  name: 'a-loss',\n  inputs,\n};\n`, /literal `inputs/],
    ['with an optional input it does not take', `export const aLoss: LossDefinition<'x', O> = {\n  name: 'a-loss',\n  inputs: ['x'],\n  optionalInputs: ['z'],\n};\n`, /optionalInputs names 'z'/],
  ])('refuses a definition %s (never leaves it out silently)', (_, source, message) => {
    expect(() => scan(source)).toThrow(message);
  });
});

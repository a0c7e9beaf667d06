/**
 * Keeps docs/contributing/adding-a-loss.md true: its table of files and the checks below list the same files, every
 * loss of core's registry has each of them, and the places that used to list losses by hand do not.
 */
import * as core from '@contrastive/core';
import { losses, type LossName } from '@contrastive/core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lossCaseSpecs } from './loss-case-specs.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const exists = (path: string): boolean => existsSync(new URL(path, root));

interface Loss {
  readonly key: LossName;
  readonly name: string;
  readonly snake: string;
}

const generatorDirectory = 'packages/conformance/fixtures-generator/';
const generatorFiles = readdirSync(new URL(generatorDirectory, root)).filter((file) => file.endsWith('.py'));
const generatorText = (prefix: string) =>
  generatorFiles.filter((file) => file.startsWith(prefix)).map((file) => read(generatorDirectory + file));

/** The module registry.ts imports `key` from, as a path from the repository root without extension. */
function registryModule(key: string): string | undefined {
  const imports = read('packages/core/src/losses/registry.ts').matchAll(/import \{([^}]*)\} from '\.\/([\w-]+)\.js'/g);
  for (const [, names, file] of imports) {
    if (names!.split(',').map((n) => n.trim()).includes(key)) return `packages/core/src/losses/${file}`;
  }
  return undefined;
}

type Check = (loss: Loss) => string | undefined;
const need = (ok: boolean, what: string): string | undefined => (ok ? undefined : what);

/** One check per row of the doc's table, keyed by the row's path template. */
const checks: Readonly<Record<string, Check | 'not checked per loss: changesets are consumed at release'>> = {
  'docs/architecture/loss-definitions.md': ({ key }) =>
    need(read('docs/architecture/loss-definitions.md').includes(`\`${key}\``), `a section naming \`${key}\``),
  'packages/conformance/fixtures-generator/cases_<snake>.py': ({ name, snake }) =>
    need(generatorText('cases_').some((text) => text.includes(`def ${snake}_cases(`)), `def ${snake}_cases(spec, rng)`) ??
    need(generatorText('').some((text) => text.includes(`LossSpec('${name}'`)), `LossSpec('${name}', ...)`),
  'packages/conformance/fixtures/<name>.json': ({ name }) => {
    const path = `packages/conformance/fixtures/${name}.json`;
    if (!exists(path)) return `${path} (generate.py --only ${name})`;
    const file = JSON.parse(read(path)) as { loss: string; cases: unknown[] };
    return need(file.loss === name && file.cases.length > 0, `${path}: loss "${name}" with cases`);
  },
  'packages/core/src/losses/<name>.ts': ({ key }) => {
    const module = registryModule(key);
    return need(module !== undefined && exists(`${module}.ts`), `the file registry.ts imports ${key} from`);
  },
  'packages/core/src/losses/registry.ts': ({ key }) => need(registryModule(key) !== undefined, `import { ${key} }`),
  'packages/core/src/index.ts': ({ key }) =>
    need(key in losses && (core as Record<string, unknown>)[key] === losses[key], `export { ${key} } from '@contrastive/core'`),
  'packages/core/README.md': ({ key }) => need(read('packages/core/README.md').includes(`\`${key}\``), `\`${key}\` in the exports table`),
  'packages/core/src/losses/<name>.test.ts': ({ key }) => {
    const module = registryModule(key);
    return need(module !== undefined && exists(`${module}.test.ts`), `a test file beside the loss file`);
  },
  'packages/conformance/src/loss-case-specs.ts': ({ name }) => need(lossCaseSpecs[name] !== undefined, `lossCaseSpecs['${name}']`),
  'packages/tfjs/src/losses.ts': ({ key }) =>
    need(new RegExp(`export const ${key} = tfjsLoss<[^\\n]*>\\(core\\.${key}\\);`).test(read('packages/tfjs/src/losses.ts')), `export const ${key}`),
  'packages/tfjs/src/index.ts': ({ key }) => {
    const list = /export \{([^}]*)\} from '\.\/losses\.js'/.exec(read('packages/tfjs/src/index.ts'))?.[1] ?? '';
    return need(list.split(',').map((n) => n.trim()).includes(key), `${key} exported from './losses.js'`);
  },
  'docs/losses/<name>.md': ({ name }) => need(exists(`docs/losses/${name}.md`), 'the page'),
  'docs/snippets/losses/<name>.ts': ({ name }) => need(exists(`docs/snippets/losses/${name}.ts`), 'the snippet'),
  '.changeset/<name>.md': 'not checked per loss: changesets are consumed at release',
};

const registered: Loss[] = (Object.keys(losses) as LossName[]).map((key) => ({
  key,
  name: losses[key].name,
  snake: losses[key].name.replaceAll('-', '_'),
}));

function missingFiles(loss: Loss): string[] {
  return Object.entries(checks).flatMap(([template, check]) => {
    const problem = typeof check === 'function' ? check(loss) : undefined;
    return problem === undefined ? [] : [`${template}: ${problem}`];
  });
}

describe('adding a loss (docs/contributing/adding-a-loss.md)', () => {
  it('the doc lists exactly the files this test checks', () => {
    const doc = read('docs/contributing/adding-a-loss.md');
    const rows = [...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!);
    expect(rows.sort()).toEqual(Object.keys(checks).sort());
  });

  it.each(registered.map((loss) => [loss.key, loss] as const))('%s has every file the doc lists', (_, loss) => {
    expect(missingFiles(loss)).toEqual([]);
  });

  it('reports every checked file of a loss that has none of them', () => {
    const absent = { key: 'zzDryRun' as LossName, name: 'zz-dry-run', snake: 'zz_dry_run' };
    const checked = Object.values(checks).filter((check) => typeof check === 'function').length;
    expect(missingFiles(absent)).toHaveLength(checked);
  });

  it('no other place lists the losses by hand', () => {
    const sites = [
      'packages/conformance/fixtures-generator/generate.py',
      'packages/conformance/src/loss-catalog.ts',
      'docs/.vitepress/config.ts',
    ];
    for (const site of sites) {
      const text = read(site);
      for (const { name } of registered) expect(text, `${site} names '${name}'`).not.toContain(`'${name}'`);
    }
    const checker = read(`${generatorDirectory}check_fixtures.py`);
    for (const { name } of registered) expect(checker, 'check_fixtures.py: a second table of defaults').not.toContain(`'${name}': {`);
    expect(read('docs/snippets/snippets.test.ts'), 'a hard-coded count of loss snippets').not.toMatch(/\.(toBe|toHaveLength)\(\d+\)/);
  });
});

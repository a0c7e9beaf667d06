import { fixtureFormat, type FixtureFile } from './fixture-types.js';

/**
 * The fixtures shipped with this package (`fixtures/` beside `src/` and `dist/`). Node only.
 *
 * @returns The absolute path of the bundled `fixtures/` directory.
 *
 * @example
 * const results = await runFixtures(backend, await bundledFixturesDirectory());
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export async function bundledFixturesDirectory(): Promise<string> {
  const { fileURLToPath } = await import('node:url');
  return fileURLToPath(new URL('../fixtures/', import.meta.url));
}

/**
 * Reads every `*.json` fixture file of `directory` (sorted by name) and checks its structure: the format tag,
 * the loss name matching the file name (`<loss>.json`, or `<loss>.<k>.json` for a loss's further parts), case
 * ids unique within a loss across its parts, and tensors whose values fill their shapes.
 * Node only (it reads the file system); browsers pass already-loaded files as `fixtures` instead.
 *
 * @param directory - The directory holding the `*.json` files.
 * @returns The checked files, sorted by name.
 * @throws Error naming the file and the problem for a malformed fixture.
 *
 * @example
 * const files = await loadFixtures('./my-cases');
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export async function loadFixtures(directory: string): Promise<FixtureFile[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  const files: FixtureFile[] = [];
  for (const name of names) {
    const text = await readFile(join(directory, name), 'utf8');
    files.push(checkFixtureFile(JSON.parse(text) as unknown, name));
  }
  // A loss's parts (`nt-xent.json`, `nt-xent.2.json`, ...) share one id space.
  const owners = new Map<string, string>();
  files.forEach((file, index) => {
    for (const { id } of file.cases) {
      const key = `${file.loss}\u0000${id}`;
      const earlier = owners.get(key);
      if (earlier !== undefined) throw new Error(`fixture ${names[index]}: case id "${id}" also appears in ${earlier}`);
      owners.set(key, names[index]!);
    }
  });
  return files;
}

/**
 * Whether the file name `source` (a path or a bare name) is one of `loss`'s parts: `<loss>.json`, or
 * `<loss>.<k>.json` with `k` an integer from 2 (no leading zero), where one file would exceed the size budget.
 */
function isPartOf(source: string, loss: string): boolean {
  const base = source.slice(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1);
  if (base === `${loss}.json`) return true;
  const part = base.startsWith(`${loss}.`) ? base.slice(loss.length + 1, -'.json'.length) : '';
  return /^[1-9][0-9]*$/.test(part) && Number(part) >= 2;
}

/**
 * Checks the structure of one parsed fixture file; `source` names it in errors.
 *
 * @param value - The parsed JSON.
 * @param source - The file name, for errors.
 * @returns `value`, typed.
 * @throws Error naming `source` and the problem.
 *
 * @example
 * const file = checkFixtureFile(await (await fetch('/fixtures/nt-xent.json')).json(), 'nt-xent.json');
 *
 * @see [Adding a backend](/contributing/adding-a-backend)
 */
export function checkFixtureFile(value: unknown, source: string): FixtureFile {
  const fail = (message: string): never => {
    throw new Error(`fixture ${source}: ${message}`);
  };
  if (!isRecord(value)) return fail('not a JSON object');
  if (value.format !== fixtureFormat) fail(`format is ${JSON.stringify(value.format)}, expected "${fixtureFormat}"`);
  if (typeof value.loss !== 'string') return fail('"loss" is not a string');
  if (source.endsWith('.json') && !isPartOf(source, value.loss)) fail(`loss "${value.loss}" does not match the file name`);
  if (!Array.isArray(value.cases)) return fail('"cases" is not an array');
  const ids = new Set<string>();
  for (const item of value.cases as unknown[]) {
    const id = isRecord(item) && typeof item.id === 'string' ? item.id : fail('a case has no string "id"');
    if (ids.has(id)) fail(`case id "${id}" appears twice`);
    ids.add(id);
    checkCase(item as Record<string, unknown>, (message) => fail(`case ${id}: ${message}`));
  }
  // Every field the suite reads has been checked above.
  return value as unknown as FixtureFile;
}

function checkCase(item: Record<string, unknown>, fail: (message: string) => never): void {
  const { inputs, expected, options } = item;
  if (!isRecord(inputs)) return fail('"inputs" is not an object');
  if (!isRecord(expected)) return fail('"expected" is not an object');
  if (options !== undefined && !isRecord(options)) fail('"options" is not an object');
  const tensors: [string, unknown][] = [
    ...Object.entries(inputs).map(([name, t]): [string, unknown] => [`inputs.${name}`, t]),
    ...Object.entries(expected).flatMap(([name, t]): [string, unknown][] =>
      name === 'gradients' && isRecord(t) ? Object.entries(t).map(([g, v]) => [`gradients.${g}`, v]) : [[`expected.${name}`, t]],
    ),
  ];
  for (const [name, tensor] of tensors) {
    const problem = tensorProblem(tensor);
    if (problem) fail(`${name} ${problem}`);
  }
}

function tensorProblem(tensor: unknown): string | undefined {
  if (!isRecord(tensor) || !Array.isArray(tensor.shape) || !Array.isArray(tensor.values)) {
    return 'is not { shape: number[], values: number[] }';
  }
  const { shape, values } = tensor as { shape: unknown[]; values: unknown[] };
  if (shape.some((extent) => !Number.isInteger(extent) || (extent as number) < 0)) return 'has a shape that is not a list of sizes';
  const size = (shape as number[]).reduce((product, extent) => product * extent, 1);
  if (size !== values.length) return `has ${values.length} values for shape [${shape.join(', ')}]`;
  return values.some((v) => typeof v !== 'number') ? 'has a value that is not a number' : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

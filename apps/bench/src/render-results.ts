/**
 * Re-renders <directory>/<name>.{md,svg} (and the merged JSON) from <directory>/<name>.json without measuring
 * again, merging the `--large` row of <directory>/large.json when present (not into a `--checks-only` run):
 * `pnpm bench:render [name] [directory]`, directory `results` (the committed ones) unless given, e.g. `out`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordDirectory } from './cli-options.js';
import { checkCosts, compare, type BenchResults } from './bench-results.js';
import { loadLargeRows } from './large-rows.js';
import { renderMarkdown } from './render-markdown.js';
import { renderResultsSvg } from './render-svg.js';
import { floorsFor } from './run-bench.js';

const directory = resolve(fileURLToPath(new URL('..', import.meta.url)), process.argv[3] ?? recordDirectory);
const name = process.argv[2] ?? 'latest';
const path = join(directory, `${name}.json`);
const results = JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
const large = name === 'large' ? results.rows.filter((r) => r.pairs === 65536) : results.scope === 'checks' ? [] : loadLargeRows(join(directory, 'large.json'));
const rows = [...results.rows.filter((r) => r.pairs !== 65536), ...large];
const floors = floorsFor(rows, results.matmulRates);
const merged: BenchResults = { ...results, rows, floors, comparisons: compare(rows, floors), checkCosts: checkCosts(rows) };
writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
writeFileSync(join(directory, `${name}.md`), renderMarkdown(merged));
writeFileSync(join(directory, `${name}.svg`), renderResultsSvg(merged));
process.stdout.write(`re-rendered ${join(directory, name)}.{json,md,svg} (${rows.length} rows)\n`);

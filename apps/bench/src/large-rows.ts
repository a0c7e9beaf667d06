import { existsSync, readFileSync } from 'node:fs';
import type { BenchResults, Row } from './bench-results.js';

/** The `--large` row (N = 65536) of an earlier `pnpm bench --large --name large` run, marked as such. */
export function loadLargeRows(path: string): Row[] {
  if (!existsSync(path)) return [];
  const large = JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
  return large.rows
    .filter((r) => r.pairs === 65536)
    .map((r) => ({ ...r, note: `${r.note ?? ''}; from results/large.json (${large.command}, ${large.generatedAt})` }));
}

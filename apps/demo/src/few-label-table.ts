/**
 * The few-label figures as text: one Markdown table (aligned, so it also reads on a terminal) with a row per
 * labels-per-class budget and, per representation, the k-NN and linear-probe accuracy as `mean ± spread` in percent.
 */
import { representationNames, type FewLabelRow, type Score } from './few-label.js';

const columnNames = { learned: 'learned h', random: 'random h', raw: 'raw pixels' } as const;

/**
 * `97.5 ± 0.4`: percent with one decimal; the spread is the sample standard deviation over the draws. With one
 * draw (all labels) there is no spread: the mean alone.
 */
export const formatScore = (score: Score, draws: number) => (draws > 1 ? `${(100 * score.mean).toFixed(1)} ± ${(100 * score.spread).toFixed(1)}` : (100 * score.mean).toFixed(1));

/** The table's lines. */
export function formatFewLabelTable(rows: readonly FewLabelRow[]): string[] {
  const header = ['labels per class', ...representationNames.flatMap((name) => [`${columnNames[name]} k-NN`, `${columnNames[name]} probe`])];
  const body = rows.map((row) => [
    row.labelsPerClass === 'all' ? `all (${row.labelledCount})` : `${row.labelsPerClass} (x${row.draws} draws)`,
    ...representationNames.flatMap((name) => [formatScore(row[name].knn, row.draws), formatScore(row[name].linearProbe, row.draws)]),
  ]);
  const widths = header.map((title, c) => Math.max(title.length, ...body.map((cells) => cells[c]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((width, c) => (c === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`, ...body.map(line)];
}

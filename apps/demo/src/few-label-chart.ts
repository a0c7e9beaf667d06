/**
 * The few-label chart of the report (self-contained SVG): accuracy on the test images against labels per class,
 * one line per representation (learned, random encoder, raw pixels) and classifier (k-NN solid, linear probe
 * dashed), each point with a bar of plus or minus one spread (the standard deviation over the draws).
 */
import { representationNames, type FewLabelRow } from './few-label.js';
import { escapeXml } from './svg-charts.js';

const colours = { learned: '#e15759', random: '#9c755f', raw: '#4e79a7' } as const;
const names = { learned: 'learned h', random: 'untrained h', raw: 'raw pixels' } as const;
const fixed = (value: number) => (Math.round(value * 10) / 10).toString();

/** The chart; budgets sit at equal steps along x, in the order of `rows`. */
export function fewLabelChartSvg(rows: readonly FewLabelRow[], title: string): string {
  const [width, height, left, right, top, bottom] = [640, 340, 52, 170, 32, 44];
  const scores = rows.flatMap((row) => representationNames.flatMap((name) => [row[name].knn, row[name].linearProbe]));
  const low = Math.max(0, Math.floor(10 * Math.min(...scores.map((s) => s.mean - s.spread))) / 10);
  const x = (i: number) => left + 20 + (i * (width - left - right - 40)) / Math.max(rows.length - 1, 1);
  const y = (value: number) => height - bottom - ((value - low) / (1 - low || 1)) * (height - top - bottom);
  const parts: string[] = [];
  for (let tick = low; tick <= 1.0001; tick += 0.1) {
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${fixed(y(tick))}" y2="${fixed(y(tick))}" stroke="#eee"/><text x="${left - 6}" y="${fixed(y(tick) + 4)}" text-anchor="end">${Math.round(100 * tick)}%</text>`);
  }
  rows.forEach((row, i) => parts.push(`<text x="${fixed(x(i))}" y="${height - bottom + 16}" text-anchor="middle">${row.labelsPerClass === 'all' ? `all (${row.labelledCount})` : row.labelsPerClass}</text>`));
  representationNames.forEach((name, n) => {
    for (const [classifier, dash] of [['knn', ''], ['linearProbe', ' stroke-dasharray="5 3"']] as const) {
      const points = rows.map((row, i) => `${fixed(x(i))},${fixed(y(row[name][classifier].mean))}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${colours[name]}" stroke-width="1.5"${dash} points="${points}"/>`);
      rows.forEach((row, i) => {
        const { mean, spread } = row[name][classifier];
        const label = `${names[name]}, ${classifier === 'knn' ? 'k-NN' : 'linear probe'}, ${row.labelsPerClass} per class: ${(100 * mean).toFixed(1)}% ± ${(100 * spread).toFixed(1)}`;
        parts.push(`<line x1="${fixed(x(i))}" x2="${fixed(x(i))}" y1="${fixed(y(mean - spread))}" y2="${fixed(y(Math.min(1, mean + spread)))}" stroke="${colours[name]}"/><circle cx="${fixed(x(i))}" cy="${fixed(y(mean))}" r="3" fill="${colours[name]}"><title>${escapeXml(label)}</title></circle>`);
      });
    }
    const legendY = top + 10 + n * 36;
    parts.push(`<line x1="${width - right + 12}" x2="${width - right + 36}" y1="${legendY}" y2="${legendY}" stroke="${colours[name]}" stroke-width="1.5"/><text x="${width - right + 42}" y="${legendY + 4}">${names[name]} k-NN</text>`);
    parts.push(`<line x1="${width - right + 12}" x2="${width - right + 36}" y1="${legendY + 16}" y2="${legendY + 16}" stroke="${colours[name]}" stroke-width="1.5" stroke-dasharray="5 3"/><text x="${width - right + 42}" y="${legendY + 20}">${names[name]} probe</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(title)}">`,
    `<text x="${(left + width - right) / 2}" y="18" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`,
    ...parts,
    `<text x="${(left + width - right) / 2}" y="${height - 8}" text-anchor="middle">labelled training images per class</text>`,
    `<text transform="translate(14 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle">test accuracy</text>`,
    '</svg>',
  ].join('\n');
}

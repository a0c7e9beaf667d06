/**
 * `results/latest.svg`: forward+backward time against N, both axes logarithmic, one line per backend, one panel
 * per (loss, D). Hand-written SVG: no charting dependency, deterministic output.
 */
import { sortRows, type BenchResults, type CheckCost, type Row } from './bench-results.js';
import { formatMs, formatTemperature } from './format.js';

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];
const panelWidth = 360;
const panelHeight = 240;
const margin = { left: 64, right: 16, top: 28, bottom: 40 };

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The chart's title line for a run. */
export function chartTitle(results: Pick<BenchResults, 'scope' | 'machine'>): string {
  const what = results.scope === 'checks' ? 'Call checks on / off: forward + backward (median)' : 'Forward + backward time (median) vs N, log-log';
  return `${what} — ${results.machine.cpuModel}, ${results.machine.cpuCount} cores`;
}

/** Decades covering [min, max] (milliseconds), at least one. */
export function decadeTicks(min: number, max: number): number[] {
  const low = Math.floor(Math.log10(min));
  const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
  return Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i));
}

interface Panel {
  readonly title: string;
  readonly rows: readonly Row[];
}

function renderPanel(panel: Panel, x0: number, y0: number, sizes: readonly number[], color: (backend: string) => string): string {
  const ok = panel.rows.filter((r) => r.status === 'ok' && r.medianMs !== undefined);
  const width = panelWidth - margin.left - margin.right;
  const height = panelHeight - margin.top - margin.bottom;
  const parts = [`<text x="${x0 + panelWidth / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`];
  if (ok.length === 0) return [...parts, `<text x="${x0 + panelWidth / 2}" y="${y0 + panelHeight / 2}" text-anchor="middle" fill="#888">no measurements</text>`].join('\n');
  const ticks = decadeTicks(Math.min(...ok.map((r) => r.medianMs!)), Math.max(...ok.map((r) => r.medianMs!)));
  const [lowTick, highTick] = [Math.log10(ticks[0]!), Math.log10(ticks[ticks.length - 1]!)];
  const [lowN, highN] = [Math.log2(sizes[0]!), Math.log2(sizes[sizes.length - 1]!)];
  const px = (n: number) => x0 + margin.left + (highN === lowN ? width / 2 : ((Math.log2(n) - lowN) / (highN - lowN)) * width);
  const py = (ms: number) => y0 + margin.top + height - ((Math.log10(ms) - lowTick) / (highTick - lowTick)) * height;
  parts.push(`<rect x="${x0 + margin.left}" y="${y0 + margin.top}" width="${width}" height="${height}" fill="none" stroke="#ccc"/>`);
  for (const tick of ticks) {
    const y = py(tick).toFixed(1);
    parts.push(`<line x1="${x0 + margin.left}" x2="${x0 + margin.left + width}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${x0 + margin.left - 4}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="10">${formatMs(tick)}</text>`);
  }
  for (const n of sizes) parts.push(`<text x="${px(n).toFixed(1)}" y="${y0 + margin.top + height + 14}" text-anchor="middle" font-size="10">${n}</text>`);
  parts.push(`<text x="${x0 + margin.left + width / 2}" y="${y0 + panelHeight - 8}" text-anchor="middle" font-size="10">N (pairs)</text>`);
  for (const backend of [...new Set(ok.map((r) => r.backend))]) {
    const points = ok.filter((r) => r.backend === backend).sort((a, b) => a.pairs - b.pairs).map((r) => `${px(r.pairs).toFixed(1)},${py(r.medianMs!).toFixed(1)}`);
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${color(backend)}" stroke-width="2"/>`);
    for (const point of points) parts.push(`<circle cx="${point.split(',')[0]}" cy="${point.split(',')[1]}" r="3" fill="${color(backend)}"/>`);
  }
  return parts.join('\n');
}

/** The whole chart for the measured rows (skipped and failed rows are left out of the lines). */
export function renderSvg(rows: readonly Row[], title: string): string {
  const backends = [...new Set(rows.filter((r) => r.status === 'ok').map((r) => r.backend))].sort();
  const color = (backend: string) => palette[backends.indexOf(backend) % palette.length]!;
  const sizes = [...new Set(rows.map((r) => r.pairs))].sort((a, b) => a - b);
  // One panel row per (loss, temperature), one column per D.
  const losses = [...new Set(sortRows(rows).map((r) => `${r.loss}|${r.temperature ?? ''}`))];
  const keys = [...new Set(rows.map((r) => `${r.loss}|${r.dimension}`))];
  const dimensions = [...new Set(keys.map((k) => Number(k.split('|')[1])))].sort((a, b) => a - b);
  const width = Math.max(1, dimensions.length) * panelWidth;
  const columns = Math.max(1, Math.min(3, Math.floor(width / 240)));
  const legendHeight = 20 * Math.ceil(backends.length / columns) + 10;
  const height = 40 + losses.length * panelHeight + legendHeight;
  const panels = losses.flatMap((lossKey, i) => dimensions.map((dimension, j) => {
    const panelRows = rows.filter((r) => `${r.loss}|${r.temperature ?? ''}` === lossKey && r.dimension === dimension);
    const [loss, temperature] = lossKey.split('|');
    const title = `${loss}, D=${dimension}${temperature ? `, T=${formatTemperature(Number(temperature))}` : ''}`;
    return renderPanel({ title, rows: panelRows }, j * panelWidth, 40 + i * panelHeight, sizes, color);
  }));
  const legend = backends.map((backend, i) => {
    const x = (i % columns) * (width / columns) + 16;
    const y = 40 + losses.length * panelHeight + 16 + Math.floor(i / columns) * 20;
    return `<rect x="${x}" y="${y - 8}" width="14" height="4" fill="${color(backend)}"/><text x="${x + 20}" y="${y - 4}" font-size="11" dominant-baseline="middle">${escapeXml(backend)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...panels,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * `results/checks.svg`: one group of horizontal bars per call-check pair, on a common linear time axis: the step
 * with the checks on, with them off, and the host check alone, each labelled with its value.
 */
export function renderChecksSvg(costs: readonly CheckCost[], title: string): string {
  const width = 720;
  const left = 210;
  const right = 110;
  const barHeight = 14;
  const groupHeight = 3 * (barHeight + 4) + 26;
  const top = 48;
  const height = top + Math.max(1, costs.length) * groupHeight + 30;
  const max = Math.max(1, ...costs.flatMap((c) => [c.onMs, c.offMs]));
  const px = (ms: number) => left + (Math.max(0, ms) / max) * (width - left - right);
  const bars = costs.flatMap((c, i) => {
    const y0 = top + i * groupHeight;
    const entries: [string, number | undefined, string][] = [['checks on', c.onMs, palette[1]!], ['checks off', c.offMs, palette[0]!], ['host check alone (on)', c.checkOnMs, palette[3]!]];
    return [
      `<text x="8" y="${y0 + 12}" font-weight="bold">${escapeXml(`${c.backend}, ${c.loss} N=${c.pairs} D=${c.dimension}`)}</text>`,
      ...entries.flatMap(([label, ms, fill], j) => {
        const y = y0 + 20 + j * (barHeight + 4);
        if (ms === undefined) return [];
        return [
          `<text x="${left - 6}" y="${y + barHeight - 3}" text-anchor="end" font-size="11">${escapeXml(label)}</text>`,
          `<rect x="${left}" y="${y}" width="${Math.max(1, px(ms) - left).toFixed(1)}" height="${barHeight}" fill="${fill}"/>`,
          `<text x="${(Math.max(px(ms), left + 1) + 4).toFixed(1)}" y="${y + barHeight - 3}" font-size="11">${formatMs(ms)}</text>`,
        ];
      }),
    ];
  });
  const axisY = top + Math.max(1, costs.length) * groupHeight;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...bars,
    `<line x1="${left}" x2="${width - right}" y1="${axisY}" y2="${axisY}" stroke="#888"/>`,
    `<text x="${left}" y="${axisY + 14}" font-size="10">0</text>`,
    `<text x="${width - right}" y="${axisY + 14}" text-anchor="end" font-size="10">${formatMs(max)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** The chart of a run: time vs N, or the call-check bars for a `--checks-only` run. */
export function renderResultsSvg(results: BenchResults): string {
  return results.scope === 'checks' ? renderChecksSvg(results.checkCosts ?? [], chartTitle(results)) : renderSvg(results.rows, chartTitle(results));
}

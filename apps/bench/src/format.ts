/** Number formatting shared by the markdown and SVG renderers. */

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '–';
  const sign = bytes < 0 ? '-' : '';
  const value = Math.abs(bytes);
  if (value >= 2 ** 30) return `${sign}${(value / 2 ** 30).toFixed(2)} GiB`;
  if (value >= 2 ** 20) return `${sign}${(value / 2 ** 20).toFixed(0)} MiB`;
  return `${sign}${(value / 2 ** 10).toFixed(0)} KiB`;
}

export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '–';
  return ratio < 0.1 ? `${ratio.toPrecision(2)}x` : `${ratio.toFixed(2)}x`;
}

export function formatFlops(flops: number): string {
  return flops >= 1e12 ? `${(flops / 1e12).toFixed(2)} TFLOP` : flops >= 1e9 ? `${(flops / 1e9).toFixed(2)} GFLOP` : `${(flops / 1e6).toFixed(1)} MFLOP`;
}

/** A temperature as given (0.07, 0.5, 0.01); a dash when the row predates recording it. */
export const formatTemperature = (temperature: number | undefined): string => (temperature === undefined ? '–' : String(Number(temperature.toPrecision(4))));

export const formatLoad = (load: readonly number[] | undefined): string => (load ? load.map((x) => x.toFixed(2)).join(' / ') : '–');

/** Escapes `|` and newlines for a markdown table cell. */
export const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A markdown table; cells escaped with `cell`. */
export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

/**
 * The WebGPU bench's results: the rows, the adapter of each runner (or why there was none), and per (runner, loss,
 * N, D, T) the fused / composed ratios of median time and peak buffer bytes; rendered to markdown.
 */
import { cell, formatBytes, formatLoad, formatMs, formatRatio, formatTemperature, table } from './format.js';
import type { MachineInfo } from './machine-info.js';
import { median } from './statistics.js';
import type { AdapterReport, WebGpuRow, WebGpuRunner } from './webgpu-cell.js';

export interface PathRatio {
  readonly runner: WebGpuRunner;
  readonly loss: WebGpuRow['loss'];
  readonly pairs: number;
  readonly dimension: number;
  readonly temperature: number;
  /** Fused median / composed median (below 1: the fused kernel is faster). */
  readonly timeRatio: number;
  /** Median over the interleaved rounds of fused / composed in that round (when both ran interleaved). */
  readonly roundTimeRatio?: number;
  /** Fused peak buffer bytes / composed peak buffer bytes. */
  readonly peakBytesRatio: number;
}

export interface WebGpuBenchResults {
  readonly generatedAt: string;
  readonly command: string;
  readonly machine: MachineInfo;
  /** Version of the `webgpu` npm package (the Dawn build). */
  readonly dawnVersion: string;
  readonly loadAverageAtEnd?: readonly number[];
  readonly adapters: Partial<Record<WebGpuRunner, AdapterReport>>;
  readonly rows: readonly WebGpuRow[];
  readonly ratios: readonly PathRatio[];
  readonly notes: readonly string[];
}

/** Fused / composed for every (runner, loss, N, D, T) where both paths measured. */
export function pathRatios(rows: readonly WebGpuRow[]): PathRatio[] {
  return rows.flatMap((fused) => {
    if (fused.path !== 'fused' || fused.status !== 'ok') return [];
    const composed = rows.find((r) => r.path === 'composed' && r.runner === fused.runner && r.loss === fused.loss && r.pairs === fused.pairs && r.dimension === fused.dimension && r.temperature === fused.temperature);
    if (!composed || composed.status !== 'ok') return [];
    const paired = fused.interleaved && composed.interleaved && fused.timesMs.length === composed.timesMs.length;
    return [{
      runner: fused.runner, loss: fused.loss, pairs: fused.pairs, dimension: fused.dimension, temperature: fused.temperature,
      timeRatio: fused.medianMs / composed.medianMs,
      ...(paired ? { roundTimeRatio: median(fused.timesMs.map((ms, i) => ms / composed.timesMs[i]!)) } : {}),
      peakBytesRatio: fused.peakBufferBytes / composed.peakBufferBytes,
    }];
  });
}

export function describeAdapterReport(report: AdapterReport | undefined): string {
  if (!report) return 'not probed';
  if (!report.ok) return `no adapter: ${report.error}`;
  const name = [report.vendor, report.architecture, report.device, report.description].filter((part) => part.length > 0).join(' / ');
  return `${name}${report.isFallbackAdapter ? ' (fallback adapter)' : ''}; maxStorageBufferBindingSize ${formatBytes(report.maxStorageBufferBindingSize)}, maxBufferSize ${formatBytes(report.maxBufferSize)}`;
}

function rowCells(row: WebGpuRow): string[] {
  const head = [row.runner, row.loss, String(row.pairs), String(row.dimension), formatTemperature(row.temperature), row.path];
  if (row.status !== 'ok') return [...head, row.status, '–', '–', '–', '–', formatLoad(row.loadAverage), row.reason];
  const times = row.timesMs.map((ms) => formatMs(ms)).join(', ');
  const detail = `fused calls/step ${row.fusedCallsPerStep}; ${row.interleaved ? 'interleaved with the other path' : 'alone'}; warm-up ${formatMs(row.warmupMs)}; runs ${times}; inputs ${formatBytes(row.inputBufferBytes)}; ${row.createdBuffers} buffers created`;
  return [...head, 'ok', formatMs(row.medianMs), formatBytes(row.peakBufferBytes), formatBytes(row.largestBufferBytes), row.lossValue.toPrecision(6), formatLoad(row.loadAverage), detail];
}

export function renderWebGpuMarkdown(results: WebGpuBenchResults): string {
  const adapters = Object.entries(results.adapters).map(([runner, report]) => `- \`${runner}\`: ${cell(describeAdapterReport(report))}`);
  const ratios = table(
    ['runner', 'loss', 'N', 'D', 'T', 'time fused / composed (medians)', 'median of per-round ratios', 'peak bytes fused / composed'],
    results.ratios.map((r) => [r.runner, r.loss, String(r.pairs), String(r.dimension), formatTemperature(r.temperature), formatRatio(r.timeRatio), formatRatio(r.roundTimeRatio), formatRatio(r.peakBytesRatio)]),
  );
  const rows = table(['runner', 'loss', 'N', 'D', 'T', 'path', 'status', 'median', 'peak buffers', 'largest buffer', 'loss value', 'load (1/5/15 min)', 'detail'], results.rows.map(rowCells));
  const { machine } = results;
  return [
    '# WebGPU: fused tiled WGSL kernel vs the composed path',
    '',
    `Generated ${results.generatedAt} by \`${results.command}\`; ${machine.cpuModel} (${machine.cpuCount} cores), Node ${machine.node}, webgpu (Dawn) ${results.dawnVersion}; load average at start ${formatLoad(machine.loadAverageAtStart)}, at end ${formatLoad(results.loadAverageAtEnd)}.`,
    '',
    '## Adapters',
    '',
    ...adapters,
    '',
    '## Fused / composed',
    '',
    results.ratios.length > 0 ? ratios : 'No (runner, loss, N) where both paths measured.',
    '',
    '## Rows',
    '',
    rows,
    '',
    '## Notes',
    '',
    ...results.notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}

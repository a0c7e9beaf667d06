/** `results/latest.md`: the run as markdown tables, with the ratios the issue asks for. */
import type { BenchResults, CheckCost, Comparison, Row } from './bench-results.js';
import { formatBytes, formatFlops, formatLoad, formatMs, formatRatio, formatTemperature, table } from './format.js';
import { lossFloorSection } from './render-loss-floors.js';

function verdict(value: number | undefined, ok: (v: number) => boolean): string {
  return value === undefined ? 'not measured' : ok(value) ? 'met' : 'missed';
}

/** The issue-7 target line for NT-Xent N = 4096, D = 128. */
export function targetSummary(comparisons: readonly Comparison[]): string {
  const c = comparisons.find((x) => x.loss === 'nt-xent' && x.pairs === 4096 && x.dimension === 128);
  if (!c) return 'NT-Xent N=4096 D=128 was not part of this run.';
  return table(['target (NT-Xent, N=4096 pairs, D=128, fwd+bwd)', 'measured', 'verdict'], [
    ['fastest ours <= PyTorch', `${c.fastest?.backend ?? '–'} ${formatMs(c.fastest?.medianMs)} vs ${formatMs(c.pytorchMs)}: ${formatRatio(c.vsPytorch)}`, verdict(c.vsPytorch, (v) => v <= 1)],
    naiveTarget(c),
    ['within 1.5x of the floor', `${formatMs(c.fastest?.medianMs)} vs floor ${formatMs(c.floorMs)}: ${formatRatio(c.vsFloor)}`, verdict(c.vsFloor, (v) => v <= 1.5)],
  ]);
}

/**
 * The naive-form target: against the SimCLR form (the same loss) when it completes; when it crashes, against the
 * origin `contrastive_loss` (a lighter cross-view loss), judged on the same tfjs backend (the stricter ratio).
 */
function naiveTarget(c: Comparison): string[] {
  const title = '>= 3x faster than naive tfjs (wasm)';
  if (c.naive) {
    return [title, `naive ${c.naive.backend} ${formatMs(c.naive.medianMs)}: fastest ${formatRatio(c.naiveOverFastest)}, same backend ${formatRatio(c.naiveOverSameBackend)}`, verdict(c.naiveOverFastest, (v) => v >= 3)];
  }
  if (!c.originNaive) return [title, 'naive did not complete', 'naive failed (see rows)'];
  const measured = `the SimCLR form did not complete (see rows); the origin contrastive_loss (N x N cross-view logits, a quarter of NT-Xent's entries) ${formatMs(c.originNaive.medianMs)}: fastest ${formatRatio(c.originOverFastest)}, same backend ${formatRatio(c.originOverSameBackend)}`;
  const judged = verdict(c.originOverSameBackend, (v) => v >= 3);
  return [title, measured, judged === 'not measured' ? judged : `${judged} (vs the lighter origin form, same backend)`];
}

function comparisonTable(comparisons: readonly Comparison[]): string {
  return table(
    ['loss', 'N', 'D', 'T', 'fastest ours', 'median', 'PyTorch (tuned)', 'ours / PyTorch', 'PyTorch (stock malloc)', 'naive tfjs (SimCLR form)', 'naive / fastest', 'naive / ours tfjs-wasm', 'floor', 'ours / floor'],
    comparisons.map((c) => [
      c.loss, String(c.pairs), String(c.dimension), formatTemperature(c.temperature), c.fastest?.backend ?? '–', formatMs(c.fastest?.medianMs), formatMs(c.pytorchMs), formatRatio(c.vsPytorch), formatMs(c.pytorchStockMs),
      c.naive ? formatMs(c.naive.medianMs) : '–', formatRatio(c.naiveOverFastest), formatRatio(c.naiveOverSameBackend),
      formatMs(c.floorMs), formatRatio(c.vsFloor),
    ]),
  );
}

const signedMs = (ms: number | undefined): string => (ms === undefined ? '–' : `${ms < 0 ? '-' : '+'}${formatMs(Math.abs(ms))}`);
const percentOf = (ms: number | undefined, of: number): string => (ms === undefined ? '–' : `${((100 * ms) / of).toFixed(1)}%`);

/** The call-check pairs: each cell with the value checks on and off, and the host check alone. */
export function checksTable(costs: readonly CheckCost[]): string {
  return table(
    ['backend', 'loss', 'N', 'D', 'checks on', 'checks off', 'on - off (medians)', 'on - off (median per round)', 'host check alone: on / off', 'check alone / step (off)'],
    costs.map((c) => [
      c.backend, c.loss, String(c.pairs), String(c.dimension), `${formatMs(c.onMs)} (${c.runs})`, `${formatMs(c.offMs)} (${c.runs})`,
      `${signedMs(c.differenceMs)} (${percentOf(c.differenceMs, c.offMs)})`, `${signedMs(c.pairedDifferenceMs)} (${percentOf(c.pairedDifferenceMs, c.offMs)})`,
      `${formatMs(c.checkOnMs)} / ${formatMs(c.checkOffMs)}`, percentOf(c.checkOnMs, c.offMs),
    ]),
  );
}

const checksSection = (results: BenchResults): string[] =>
  results.checkCosts && results.checkCosts.length > 0
    ? [
      '## Cost of the call checks (value checks on / off)',
      '',
      'Each pair ran in one process, interleaved round by round; medians of the stated number of rounds. "host check alone" times `checkHostCall` on the same inputs (the JavaScript scan the call makes before it runs, reading the values where the backend reads them); with the value checks off only shapes, options and memory are checked.',
      '',
      checksTable(results.checkCosts),
      '',
    ]
    : [];

/** The BLAS and allocator each PyTorch backend's rows had loaded, e.g. `pytorch: jemalloc, .../libblas.so.3`. */
function pytorchLibraries(rows: readonly Row[]): string {
  const seen = [...new Set(rows.filter((r) => r.allocator !== undefined).map((r) => `${r.backend}: ${r.allocator}, BLAS ${r.blas ?? 'unknown'}`))];
  return seen.length > 0 ? seen.join('; ') : 'no PyTorch row ran';
}

function rowStatus(row: Row): string {
  if (row.status !== 'ok') return `${row.status}: ${row.reason ?? ''}`;
  return [row.blockRows ? `blockRows ${row.blockRows}` : '', row.note ?? ''].filter((x) => x).join('; ');
}

function rowsTable(rows: readonly Row[]): string {
  return table(
    ['loss', 'N', 'D', 'T', 'backend', 'median (runs)', 'session / trace', 'RSS delta (peak)', 'tfjs peak / wasm heap', 'load 1/5/15', 'notes'],
    rows.map((r) => [
      r.loss, String(r.pairs), String(r.dimension), formatTemperature(r.temperature), r.backend,
      r.medianMs === undefined ? '–' : `${formatMs(r.medianMs)} (${r.runs})`,
      r.sessionMs === undefined ? '–' : `${formatMs(r.sessionMs)} / ${formatMs(r.traceMs)}`,
      r.rssDeltaBytes === undefined ? '–' : `${formatBytes(r.rssDeltaBytes)} (${formatBytes(r.peakRssBytes)})`,
      r.tfjsPeakBytes === undefined ? '–' : `${formatBytes(r.tfjsPeakBytes)} / ${formatBytes(r.wasmHeapBytes)}`,
      formatLoad(r.loadAverage), rowStatus(r),
    ]),
  );
}

const timesLine = 'Times are forward + backward (loss and the gradient of every input) medians of the stated number of runs after a warm-up.';

function machineLine(results: BenchResults): string {
  const m = results.machine;
  return `Machine: ${m.cpuModel}, ${m.cpuCount} cores, ${formatBytes(m.totalMemoryBytes)} RAM, ${m.platform}, Node ${m.node}; load average (1/5/15 min) ${formatLoad(m.loadAverageAtStart)} at start, ${formatLoad(results.loadAverageAtEnd)} at the end. ` +
    `Engines: ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`;
}

/** `results/checks.md`: a `--checks-only` run. */
function renderChecksMarkdown(results: BenchResults): string {
  return [
    '# Benchmark results: cost of the call checks',
    '',
    `Generated ${results.generatedAt} by \`${results.command}\`.`,
    '',
    machineLine(results),
    '',
    `${timesLine} (Here: warm-ups for each variant, then interleaved rounds.)`,
    '',
    ...checksSection(results),
    '## Every row',
    '',
    rowsTable(results.rows),
    '',
    '## Notes',
    '',
    ...results.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

/** A rate in GFLOP/s, the slowest sample beside it when there were several. */
const rateCell = (fastest: number, slowest: number | undefined) =>
  `${(fastest / 1e9).toFixed(1)}${slowest === undefined ? '' : ` (${(slowest / 1e9).toFixed(1)})`}`;

export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  if (results.scope === 'checks') return renderChecksMarkdown(results);
  const rates = Object.entries(results.matmulRates).flatMap(([engine, list]) =>
    list.map((r) => [
      engine, `${r.rows}x${r.dimension}${r.negatives ? `, M = ${r.negatives}` : ''}`, String(r.samples ?? 1),
      rateCell(r.forwardFlopsPerSecond, r.slowestForwardFlopsPerSecond), rateCell(r.backwardFlopsPerSecond, r.slowestBackwardFlopsPerSecond),
    ]),
  );
  return [
    '# Benchmark results',
    '',
    `Generated ${results.generatedAt} by \`${results.command}\`.`,
    '',
    `Machine: ${m.cpuModel}, ${m.cpuCount} cores, ${formatBytes(m.totalMemoryBytes)} RAM, ${m.platform}, Node ${m.node}; load average (1/5/15 min) ${formatLoad(m.loadAverageAtStart)} at start, ${formatLoad(results.loadAverageAtEnd)} at the end. ` +
      `Engines: ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')}; PyTorch ${results.pytorch.available ? results.pytorch.detail : `unavailable (${results.pytorch.detail})`} with BLAS \`${m.blas}\`.`,
    '',
    `${timesLine} Ratios: ours / PyTorch and ours / floor (lower is better), naive / ours (higher is better). PyTorch (tuned) is the anchor: jemalloc retaining memory and OpenBLAS; the stock row differs only in the allocator (glibc malloc). PyTorch rows loaded: ${pytorchLibraries(results.rows)}. Node cell processes (ours, naive, matmul rates): ${results.nodeAllocator ?? 'glibc malloc defaults (recorded before the setting existed)'}.`,
    '',
    '## Targets (issue 7)',
    '',
    targetSummary(results.comparisons),
    '',
    '## Fastest of ours against PyTorch, the naive tfjs form and the floor',
    '',
    comparisonTable(results.comparisons),
    '',
    ...lossFloorSection(results.comparisons),
    ...checksSection(results),
    '## Every row',
    '',
    rowsTable(results.rows),
    '',
    '## Floor: the matmul work of the loss at the measured matmul rate',
    '',
    table(['loss', 'N', 'D', 'flops', 'formula', 'rate (fwd / bwd shape)', 'floor'], results.floors.map((f) => [
      f.loss, String(f.pairs), String(f.dimension), formatFlops(f.flops.total), f.flops.formula,
      `${(f.forwardFlopsPerSecond / 1e9).toFixed(1)} (${f.forwardEngine}) / ${(f.backwardFlopsPerSecond / 1e9).toFixed(1)} (${f.backwardEngine}) GFLOP/s at ${f.measuredRows} rows`, formatMs(f.floorMs),
    ])),
    '',
    '## Matmul rates (GFLOP/s)',
    '',
    table(['engine', 'R x D', 'samples', '[R,D] @ [D,R]', '[R,R] @ [R,D]'], rates),
    '',
    'Each rate is the fastest of its samples (the floor is a lower bound); in parentheses the slowest sample.',
    '',
    'Rows with M: the batched dot products of paired negatives ([N, 1, D] x [N, M, D] summed over D, and the backward pair), in GFLOP/s of 2NMD and 4NMD.',
    '',
    '## Notes',
    '',
    ...results.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

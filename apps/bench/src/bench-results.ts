/** The shape of `results/latest.json`, and the comparisons derived from its rows (pure functions). */
import { lossNames, type BenchLoss } from './cli-options.js';
import type { MachineInfo } from './machine-info.js';
import type { MatmulRate } from './run-matmul-cell.js';
import type { PairedFloor } from './paired-floor.js';
import { lossSpecs, pairedNegatives } from './loss-specs.js';
import { flopCount, floorMilliseconds, medianPairedDifference, similarityRows, type FlopCount } from './statistics.js';

export interface Row {
  /** `ort-node`, `tfjs-wasm`, ..., `naive-tfjs-wasm (simclr-info-nce)`, `pytorch`. */
  readonly backend: string;
  readonly ours: boolean;
  readonly loss: BenchLoss;
  readonly pairs: number;
  readonly dimension: number;
  /** The loss's temperature in this row (CLIP: 1 / logitScale; SigLIP: 1 / exp(logTemperature)); absent in results from before it was recorded. */
  readonly temperature?: number;
  readonly status: 'ok' | 'failed' | 'skipped';
  /** Why a cell failed or was skipped. */
  readonly reason?: string;
  readonly blockRows?: number;
  readonly note?: string;
  readonly medianMs?: number;
  readonly runs?: number;
  readonly timesMs?: readonly number[];
  readonly warmupMs?: number;
  /** ONNX Runtime: tracing the core math to ONNX bytes, creating the session, and the first run. */
  readonly traceMs?: number;
  readonly sessionMs?: number;
  readonly firstRunMs?: number;
  readonly rssDeltaBytes?: number;
  readonly peakRssBytes?: number;
  readonly tfjsPeakBytes?: number;
  readonly wasmHeapBytes?: number;
  readonly lossValue?: number;
  /** onnxruntime-node matmul losses: the loss against its floor's products timed in the same rounds (`paired-floor.ts`). */
  readonly pairedFloor?: PairedFloor;
  /** `os.loadavg()` when the cell started. */
  readonly loadAverage?: readonly number[];
  /** Call-check pair rows: core's value checks on or off (the pair ran interleaved in one process). */
  readonly checks?: 'on' | 'off';
  /** The host-side check alone (`checkHostCall` on the same inputs, this row's `checkValues`): median, min, calls. */
  readonly checkMs?: number;
  readonly checkMinMs?: number;
  readonly checkRuns?: number;
  /** PyTorch rows: the BLAS libraries and the allocator the process had loaded (from its /proc/self/maps). */
  readonly blas?: string;
  readonly allocator?: string;
}

/** One call-check pair: the same cell with the value checks on and off. */
export interface CheckCost {
  /** The backend column without the `(checks on)` suffix. */
  readonly backend: string;
  readonly loss: BenchLoss;
  readonly pairs: number;
  readonly dimension: number;
  readonly onMs: number;
  readonly offMs: number;
  readonly runs: number;
  /** on - off medians, and the median of the per-round differences (steadier under drifting load). */
  readonly differenceMs: number;
  readonly pairedDifferenceMs?: number;
  /** The host check alone with the value checks on, and with them off (shapes, options, memory only). */
  readonly checkOnMs?: number;
  readonly checkOffMs?: number;
}

export interface Floor {
  readonly loss: BenchLoss;
  readonly pairs: number;
  readonly dimension: number;
  readonly flops: FlopCount;
  /** The matmul shape the rate was measured at (`min(R, 8192)` rows) and the faster engine per product. */
  readonly measuredRows: number;
  readonly forwardEngine: string;
  readonly backwardEngine: string;
  readonly forwardFlopsPerSecond: number;
  readonly backwardFlopsPerSecond: number;
  readonly floorMs: number;
}

export interface Comparison {
  readonly loss: BenchLoss;
  readonly pairs: number;
  readonly dimension: number;
  readonly temperature?: number;
  readonly fastest?: { readonly backend: string; readonly medianMs: number };
  readonly oursOnTfjsWasmMs?: number;
  readonly naive?: { readonly backend: string; readonly medianMs: number };
  /** PyTorch tuned (jemalloc retaining memory, OpenBLAS; the anchor) and stock (glibc malloc, same BLAS). */
  readonly pytorchMs?: number;
  readonly pytorchStockMs?: number;
  readonly floorMs?: number;
  /**
   * The fastest row's `pairedFloor`: the median over rounds of loss / floor with the floor's products timed beside
   * the loss in its process (free of the VM's drift between the cell and the run's rate samples).
   */
  readonly pairedFloor?: PairedFloor;
  /** fastest ours / PyTorch (target <= 1). */
  readonly vsPytorch?: number;
  /** naive (SimCLR logits + softmaxCrossEntropy) / fastest ours, and / ours on the same tfjs wasm backend (target >= 3). */
  readonly naiveOverFastest?: number;
  readonly naiveOverSameBackend?: number;
  /**
   * The origin document's `contrastive_loss` in tfjs (cross-view N x N logits: a quarter of NT-Xent's entries, so
   * lighter than the loss we run), used for the target when the SimCLR form does not complete.
   */
  readonly originNaive?: { readonly backend: string; readonly medianMs: number };
  readonly originOverFastest?: number;
  readonly originOverSameBackend?: number;
  /** fastest ours / floor (target <= 1.5). */
  readonly vsFloor?: number;
}

export interface BenchResults {
  readonly generatedAt: string;
  readonly command: string;
  readonly machine: MachineInfo;
  /** The C allocator the Node cell processes ran with (`nodeCellEnvironment`); absent in runs recorded before it existed (glibc defaults). */
  readonly nodeAllocator?: string;
  readonly loadAverageAtEnd?: readonly number[];
  readonly pytorch: { readonly available: boolean; readonly detail: string };
  readonly matmulRates: Readonly<Record<string, readonly MatmulRate[]>>;
  readonly rows: readonly Row[];
  readonly floors: readonly Floor[];
  readonly comparisons: readonly Comparison[];
  /** The call-check pairs among the rows (`checkCosts`). */
  readonly checkCosts?: readonly CheckCost[];
  /** `checks`: a `--checks-only` run (no floors, comparisons or large row). */
  readonly scope?: 'checks';
  readonly notes: readonly string[];
}

/** The call-check pairs among `rows`: each measured `(checks on)` row with its `(checks off)` row. */
export function checkCosts(rows: readonly Row[]): CheckCost[] {
  const suffix = / \(checks (on|off)\)$/;
  const ok = rows.filter((r) => r.checks !== undefined && r.status === 'ok' && r.medianMs !== undefined);
  return ok.filter((r) => r.checks === 'on').flatMap((on) => {
    const backend = on.backend.replace(suffix, '');
    const off = ok.find((r) => r.checks === 'off' && r.backend.replace(suffix, '') === backend && r.loss === on.loss && r.pairs === on.pairs && r.dimension === on.dimension);
    if (!off) return [];
    const paired = on.timesMs && off.timesMs ? medianPairedDifference(on.timesMs, off.timesMs) : undefined;
    return [{
      backend, loss: on.loss, pairs: on.pairs, dimension: on.dimension, onMs: on.medianMs!, offMs: off.medianMs!, runs: Math.min(on.runs ?? 0, off.runs ?? 0),
      differenceMs: on.medianMs! - off.medianMs!,
      ...(paired === undefined ? {} : { pairedDifferenceMs: paired }),
      ...(on.checkMs === undefined ? {} : { checkOnMs: on.checkMs }),
      ...(off.checkMs === undefined ? {} : { checkOffMs: off.checkMs }),
    }];
  });
}

/** The matmul shape measured for `rows` similarity rows (large ones at 8192 rows, where the rate has settled). */
export const measuredRowsFor = (rows: number): number => Math.min(rows, 8192);

/** The floor of a cell from the engines' measured rates (the faster engine per product shape). */
export function floorFor(loss: BenchLoss, pairs: number, dimension: number, rates: Readonly<Record<string, readonly MatmulRate[]>>): Floor | undefined {
  const measuredRows = measuredRowsFor(similarityRows(loss, pairs));
  const negatives = lossSpecs[loss].products === 'paired' ? pairedNegatives : undefined;
  const candidates = Object.entries(rates).flatMap(([engine, list]) => list.filter((r) => r.rows === measuredRows && r.dimension === dimension && r.negatives === negatives).map((r) => ({ engine, r })));
  if (candidates.length === 0) return undefined;
  const best = (key: 'forwardFlopsPerSecond' | 'backwardFlopsPerSecond') => candidates.reduce((a, b) => (b.r[key] > a.r[key] ? b : a));
  const forward = best('forwardFlopsPerSecond');
  const backward = best('backwardFlopsPerSecond');
  const flops = flopCount(loss, pairs, dimension);
  const floorMs = floorMilliseconds(flops, forward.r.forwardFlopsPerSecond, backward.r.backwardFlopsPerSecond);
  return {
    loss, pairs, dimension, flops, measuredRows,
    forwardEngine: forward.engine, backwardEngine: backward.engine,
    forwardFlopsPerSecond: forward.r.forwardFlopsPerSecond, backwardFlopsPerSecond: backward.r.backwardFlopsPerSecond,
    floorMs,
  };
}

function fastestOf(rows: readonly Row[]): { backend: string; medianMs: number } | undefined {
  const ok = rows.filter((r) => r.status === 'ok' && r.medianMs !== undefined);
  if (ok.length === 0) return undefined;
  const best = ok.reduce((a, b) => (b.medianMs! < a.medianMs! ? b : a));
  return { backend: best.backend, medianMs: best.medianMs! };
}

/** Rows in report order: by loss (as `lossNames`), D, N, temperature, then backend. */
export function sortRows(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => lossNames.indexOf(a.loss) - lossNames.indexOf(b.loss) || a.dimension - b.dimension || a.pairs - b.pairs || (b.temperature ?? 0) - (a.temperature ?? 0) || a.backend.localeCompare(b.backend));
}

/** What one comparison covers: a loss at one N, D and temperature. */
export const subjectKey = (r: Pick<Row, 'loss' | 'pairs' | 'dimension' | 'temperature'>): string => `${r.loss}|${r.pairs}|${r.dimension}|${r.temperature ?? ''}`;

/** One comparison per (loss, N, D, temperature) that has any measured row. */
export function compare(rows: readonly Row[], floors: readonly Floor[]): Comparison[] {
  const keys = [...new Set(sortRows(rows).map(subjectKey))];
  return keys.flatMap((key) => {
    const group = rows.filter((r) => subjectKey(r) === key);
    const { loss, pairs, dimension, temperature } = group[0]!;
    // Check-pair rows (another entry point, the runner) stay out of the targets: they have their own table.
    const fastest = fastestOf(group.filter((r) => r.ours && r.checks === undefined));
    const fastestRow = fastest && group.find((r) => r.ours && r.checks === undefined && r.backend === fastest.backend && r.medianMs === fastest.medianMs);
    // The naive form of the same loss: SimCLR logits + softmaxCrossEntropy (contrastive_loss is a different, cross-view loss).
    const naive = fastestOf(group.filter((r) => r.backend === 'naive-tfjs-wasm (simclr-info-nce)'));
    const originNaive = fastestOf(group.filter((r) => r.backend === 'naive-tfjs-wasm (origin-contrastive-loss)'));
    const pytorch = fastestOf(group.filter((r) => r.backend === 'pytorch'));
    const pytorchStock = fastestOf(group.filter((r) => r.backend === 'pytorch-stock'));
    const sameBackend = fastestOf(group.filter((r) => r.ours && r.backend === 'tfjs-wasm'));
    const floor = floors.find((f) => f.loss === loss && f.pairs === pairs && f.dimension === dimension);
    if (!fastest && !naive && !pytorch && !pytorchStock) return [];
    const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined ? a / b : undefined);
    return [{
      loss, pairs, dimension, ...(temperature === undefined ? {} : { temperature }), fastest, naive,
      oursOnTfjsWasmMs: sameBackend?.medianMs,
      pytorchMs: pytorch?.medianMs,
      pytorchStockMs: pytorchStock?.medianMs,
      floorMs: floor?.floorMs,
      ...(fastestRow?.pairedFloor ? { pairedFloor: fastestRow.pairedFloor } : {}),
      vsPytorch: ratio(fastest?.medianMs, pytorch?.medianMs),
      naiveOverFastest: ratio(naive?.medianMs, fastest?.medianMs),
      naiveOverSameBackend: ratio(naive?.medianMs, sameBackend?.medianMs),
      ...(originNaive ? { originNaive, originOverFastest: ratio(originNaive.medianMs, fastest?.medianMs), originOverSameBackend: ratio(originNaive.medianMs, sameBackend?.medianMs) } : {}),
      vsFloor: ratio(fastest?.medianMs, floor?.floorMs),
    }];
  });
}

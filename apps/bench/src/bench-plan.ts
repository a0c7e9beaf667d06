/**
 * Which cells a run measures, and why the others are skipped. Decisions come from two stated models, not from
 * measurements: memory of the unchunked composed form (~16 live R x R float32 matrices: everything inside one
 * `scope` stays alive until the gradients exist) and a time estimate per engine (matmul rate plus a cost per
 * similarity entry), both deliberately rough; a skipped cell carries the numbers behind its reason.
 */
import { maximumRowShift } from '@contrastive/core';
import type { BenchBackend, BenchLoss, BenchOptions } from './cli-options.js';
import { cellTemperature } from './loss-specs.js';
import { similarityEntries, similarityRows } from './statistics.js';

export type LossEngine = 'ort-node' | 'ort-web-wasm' | 'tfjs-wasm' | 'tfjs-cpu' | 'reference';
export type NaiveVariant = 'origin-contrastive-loss' | 'simclr-info-nce';

export type Cell =
  | {
      readonly kind: 'loss'; readonly engine: LossEngine; readonly loss: BenchLoss; readonly pairs: number; readonly dimension: number; readonly temperature: number;
      /** Core's `withChunking` block size (tfjs, wasm ORT cells that cannot fit unchunked). */
      readonly blockRows?: number;
      /** `maxBlockBytes` of @contrastive/onnxruntime's fused kernel, when not its default. */
      readonly maxBlockBytes?: number;
      /**
       * `false`: onnxruntime-node's memory pattern off (`enableMemPattern: false`), for the large cells: from the
       * second run on the pattern reserves every tensor of the main graph for the whole run, the [2N, D] ones the
       * gradient needs only after the Loops included (decision 0009).
       */
      readonly memoryPattern?: false;
      readonly note?: string;
    }
  | { readonly kind: 'naive'; readonly variant: NaiveVariant; readonly loss: 'nt-xent'; readonly pairs: number; readonly dimension: number; readonly temperature: number }
  | {
      /** PyTorch on the same CPU: `tuned` (jemalloc preloaded, retaining memory; the anchor) or `stock` (glibc malloc). */
      readonly kind: 'pytorch'; readonly allocator: PytorchAllocator; readonly loss: BenchLoss; readonly pairs: number; readonly dimension: number; readonly temperature: number;
    }
  | {
      /** One loss cell timed with core's call checks on and off, interleaved in one process (two rows). */
      readonly kind: 'checks'; readonly engine: ChecksEngine; readonly loss: 'nt-xent'; readonly pairs: number; readonly dimension: number;
      readonly temperature: number; readonly note: string;
    };

export type ChecksEngine = 'ort-node' | 'reference' | 'tfjs-wasm';
export type PytorchAllocator = 'tuned' | 'stock';

export interface SkippedCell {
  readonly backend: string;
  readonly loss: BenchLoss;
  readonly pairs: number;
  readonly dimension: number;
  readonly temperature: number;
  readonly reason: string;
}

const GiB = 2 ** 30;
/** Live R x R float32 matrices of the unchunked composed form (measured: 4.4 GB peak RSS at R = 8192 on ORT). */
export const liveMatrices = 16;
/** wasm32 heaps stop at 4 GiB; 3 GiB is left for the matrices. */
const wasmMatrixBytes = 3 * GiB;
/** The machine has ~23 GB RAM shared with other work: a native cell may use 12 GB. */
const nativeMatrixBytes = 12 * GiB;

interface EngineModel {
  readonly label: string;
  /** Planning rate of the engine's matmuls, FLOP/s. */
  readonly flopsPerSecond: number;
  /** Planning cost of the elementwise passes, seconds per similarity entry (all passes of fwd+bwd). */
  readonly secondsPerEntry: number;
  readonly matrixBytes: number;
  /** Largest N measured at all (small-N-only engines), with the reason. */
  readonly maxPairs?: readonly [number, string];
}

export const engineModels: Readonly<Record<LossEngine | 'naive' | 'pytorch', EngineModel>> = {
  'ort-node': { label: 'onnxruntime-node (cpu)', flopsPerSecond: 60e9, secondsPerEntry: 12e-9, matrixBytes: nativeMatrixBytes },
  'ort-web-wasm': { label: 'onnxruntime-web (wasm, 1 thread)', flopsPerSecond: 8e9, secondsPerEntry: 250e-9, matrixBytes: wasmMatrixBytes },
  'tfjs-wasm': { label: '@contrastive/tfjs on tfjs wasm', flopsPerSecond: 25e9, secondsPerEntry: 70e-9, matrixBytes: wasmMatrixBytes },
  'tfjs-cpu': { label: '@contrastive/tfjs on tfjs cpu', flopsPerSecond: 0.4e9, secondsPerEntry: 300e-9, matrixBytes: nativeMatrixBytes, maxPairs: [256, 'tfjs cpu is measured only at small N (plain-JS kernels, ~40x slower than wasm)'] },
  reference: { label: 'core reference (float64 JS)', flopsPerSecond: 0.3e9, secondsPerEntry: 500e-9, matrixBytes: nativeMatrixBytes, maxPairs: [256, 'the float64 reference backend is measured only at small N (plain JS, no SIMD)'] },
  naive: { label: 'naive tfjs (tf.grad) on wasm', flopsPerSecond: 3e9, secondsPerEntry: 300e-9, matrixBytes: wasmMatrixBytes },
  pytorch: { label: 'PyTorch 1.13 CPU', flopsPerSecond: 30e9, secondsPerEntry: 10e-9, matrixBytes: nativeMatrixBytes },
};

/** Rows per block so that `liveMatrices` block-sized matrices take at most `bytes` (a power of two, <= rows). */
export function blockRowsFor(rows: number, bytes: number): number {
  const fit = Math.max(1, Math.floor(bytes / (liveMatrices * rows * 4)));
  return Math.min(rows, 2 ** Math.floor(Math.log2(fit)));
}

/** Matmul flops the implementation performs: unchunked `4 R^2 D` (+2 for CLIP's two gradients and two directions), chunked recomputes. */
function workFlops(loss: BenchLoss, entries: number, dimension: number, chunked: boolean): number {
  const unit = 2 * entries * dimension;
  if (loss === 'clip') return chunked ? 8 * unit : 6 * unit;
  return chunked ? 4 * unit : 2 * unit;
}

/** Planning estimate of one run over `entries` similarity entries (rows x columns). */
export function estimateSeconds(model: EngineModel, loss: BenchLoss, entries: number, dimension: number, chunked: boolean): number {
  return workFlops(loss, entries, dimension, chunked) / model.flopsPerSecond + entries * model.secondsPerEntry;
}

const fmtGiB = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;

/** What a cell measures: a loss at one size and temperature. */
export interface CellSubject {
  readonly loss: BenchLoss;
  readonly pairs: number;
  readonly dimension: number;
  readonly temperature: number;
}

/** The cells to run for `options`, and every other requested cell with its reason. */
export function planCells(options: Pick<BenchOptions, 'losses' | 'dimensions' | 'sizes' | 'temperatures' | 'backends' | 'budgetSeconds'>): { cells: Cell[]; skipped: SkippedCell[] } {
  const cells: Cell[] = [];
  const skipped: SkippedCell[] = [];
  for (const loss of options.losses) {
    const temperatures = [...new Set(options.temperatures.map((t) => cellTemperature(loss, t)))];
    for (const dimension of options.dimensions) {
      for (const pairs of options.sizes) {
        for (const temperature of temperatures) {
          for (const backend of options.backends) planOne(backend, { loss, pairs, dimension, temperature }, options.budgetSeconds, cells, skipped);
        }
      }
    }
  }
  return { cells, skipped };
}

/** Live similarity-sized float32 matrices PyTorch's autograd keeps for the logsumexp forms (measured on NT-Xent). */
const pytorchLiveMatrices = 5;
/**
 * Planning factor of PyTorch rows over `engineModels.pytorch`: tuned 1.5 (NT-Xent N = 4096, D = 128 measured 0.57 s
 * against an estimate of 1.8 s), stock 5 (glibc malloc faults every buffer in again: 6.4-7.7 s measured there).
 */
export const pytorchFactor: Readonly<Record<PytorchAllocator, number>> = { tuned: 1.5, stock: 5 };

function planOne(backend: BenchBackend, subject: CellSubject, budget: number, cells: Cell[], skipped: SkippedCell[]): void {
  const { loss, pairs, dimension } = subject;
  const rows = similarityRows(loss, pairs);
  const entries = similarityEntries(loss, pairs);
  const skip = (reason: string): void => void skipped.push({ backend, ...subject, reason });
  const matrixBytes = liveMatrices * entries * 4;
  if (backend === 'pytorch' || backend === 'pytorch-stock') {
    const model = engineModels.pytorch;
    const bytes = pytorchLiveMatrices * entries * 4;
    if (bytes > model.matrixBytes) return skip(`needs ~${fmtGiB(bytes)} (${pytorchLiveMatrices} live ${rows}x${entries / rows} float32 matrices under autograd), over the ${fmtGiB(model.matrixBytes)} a cell may use here`);
    const allocator: PytorchAllocator = backend === 'pytorch' ? 'tuned' : 'stock';
    const seconds = estimateSeconds(model, loss, entries, dimension, false) * pytorchFactor[allocator];
    if (seconds > budget) return skip(`estimated ${seconds.toFixed(0)} s per run, over the --budget of ${budget} s`);
    return void cells.push({ kind: 'pytorch', allocator, ...subject });
  }
  if (backend === 'naive-tfjs-wasm') {
    if (loss !== 'nt-xent') return; // the origin document's two functions, compared on NT-Xent only
    const seconds = estimateSeconds(engineModels.naive, loss, entries, dimension, false) * 1.5;
    if (matrixBytes > 4 * engineModels.naive.matrixBytes) return skip(`needs ~${fmtGiB(matrixBytes)} of intermediates, far over the 4 GiB wasm32 heap`);
    if (seconds > budget) return skip(`estimated ${seconds.toFixed(0)} s per run, over the --budget of ${budget} s`);
    cells.push({ kind: 'naive', variant: 'simclr-info-nce', ...subject, loss });
    cells.push({ kind: 'naive', variant: 'origin-contrastive-loss', ...subject, loss });
    return;
  }
  const model = engineModels[backend];
  if (model.maxPairs && pairs > model.maxPairs[0]) return skip(model.maxPairs[1]);
  const fused = plannedFused(subject);
  if ((backend === 'ort-node' || backend === 'ort-web-wasm') && fused) return planFusedOrt(backend, subject, budget, cells, skip);
  // NT-Xent on tfjs host backends takes the adapter's fused kernel: 3 live R x R matrices instead of ~16.
  const live = fused && (backend === 'tfjs-wasm' || backend === 'tfjs-cpu') ? tfjsFusedLiveMatrices : liveMatrices;
  const chunked = live * entries * 4 > model.matrixBytes;
  if (chunked && (backend === 'ort-node' || matrixBytes > 2 * model.matrixBytes)) return skip(ortChunkedReason(matrixBytes, model.matrixBytes));
  const seconds = estimateSeconds(live === liveMatrices || chunked ? model : fusedModel(model), loss, entries, dimension, chunked);
  if (seconds > budget) return skip(`estimated ${seconds.toFixed(0)} s per run${chunked ? ' (chunked)' : ''}, over the --budget of ${budget} s`);
  if (!chunked) return void cells.push({ kind: 'loss', engine: backend, ...subject });
  const note = `chunked: the unchunked form would need ~${fmtGiB(matrixBytes)} (${liveMatrices} live ${rows}x${entries / rows} float32 matrices), over ${fmtGiB(model.matrixBytes)}`;
  cells.push({ kind: 'loss', engine: backend, ...subject, blockRows: blockRowsFor(rows, GiB), note });
}

/**
 * Whether the plan counts on a fused kernel (memory of a few blocks, not ~16 matrices): NT-Xent where core's
 * constant or row-maximum shift applies (1 / temperature <= maximumRowShift, T >= 0.001). Other losses and lower temperatures
 * are planned with the composed form's memory, so a cell that would need tens of GiB is skipped with its reason
 * instead of being killed for memory; widen this when core's fused paths cover them.
 */
export function plannedFused(subject: Pick<CellSubject, 'loss' | 'temperature'>): boolean {
  return subject.loss === 'nt-xent' && 1 / subject.temperature <= maximumRowShift;
}

/** Live R x R float32 matrices of @contrastive/tfjs's fused self-similarity kernel (zeroed E, and two while built; two more shifted copies below T = 1/40, counted here for every temperature). */
const tfjsFusedLiveMatrices = 5;

/** Rows per block of @contrastive/onnxruntime's fused self-similarity kernel (default `maxBlockBytes` 256 MiB). */
export function ortFusedBlockRows(rows: number, maxBlockBytes = 2 ** 28): number {
  return Math.max(1, Math.min(rows, Math.floor(maxBlockBytes / (4 * rows))));
}
/** Live [block, R] float32 matrices of the fused kernel (Gemm/Exp output, the saved or recomputed block, Add, Mul). */
const ortFusedLiveBlocks = 4;

/**
 * NT-Xent on ONNX Runtime takes the fused self-similarity kernel (normalised rows, temperature 0.1): no N x N
 * intermediates beyond a few [block, R] ones, row blocks in an ONNX Loop once R x R exceeds 256 MiB.
 */
function planFusedOrt(backend: 'ort-node' | 'ort-web-wasm', subject: CellSubject, budget: number, cells: Cell[], skip: (reason: string) => void): void {
  const model = engineModels[backend];
  const { pairs, dimension } = subject;
  const rows = 2 * pairs;
  const blockRows = ortFusedBlockRows(rows);
  const bytes = ortFusedLiveBlocks * blockRows * rows * 4;
  if (bytes > model.matrixBytes) return skip(`needs ~${fmtGiB(bytes)} (${ortFusedLiveBlocks} live ${blockRows}x${rows} blocks), over ${fmtGiB(model.matrixBytes)}`);
  const blocked = blockRows < rows;
  const seconds = estimateSeconds(fusedModel(model), 'nt-xent', rows * rows, dimension, blocked);
  if (seconds > budget) return skip(`estimated ${seconds.toFixed(0)} s per run${blocked ? ` (row blocks of ${blockRows})` : ''}, over the --budget of ${budget} s`);
  const pairSide = ortSymmetricBlockRows(rows, subject.temperature);
  const note = pairSide
    ? `fused kernel over symmetric block pairs of ${pairSide} rows (ONNX Loop, each pair I <= J once; decision 0009)`
    : `fused kernel in row blocks of ${blockRows} (ONNX Loop, backward recomputes each block)`;
  cells.push({ kind: 'loss', engine: backend, ...subject, ...(blocked ? { note } : {}) });
}

/**
 * The side of @contrastive/onnxruntime's symmetric block pairs (its `squareBlockRows` and `symmetricBlocksFit`,
 * default `maxBlockBytes`) when a blocked NT-Xent cell takes them: the constant shift (temperature >= 1/40) and at
 * most 64 blocks per side (`maximumSymmetricBlocks`); else `undefined` (row blocks).
 */
export function ortSymmetricBlockRows(rows: number, temperature: number, maxBlockBytes = 2 ** 28): number | undefined {
  if (1 / temperature > 40) return undefined;
  const side = Math.max(1, Math.min(Math.floor(Math.sqrt(maxBlockBytes / 4)), Math.max(2048, Math.ceil(rows / 16))));
  const blocks = Math.ceil(rows / side);
  return blocks <= 64 ? Math.ceil(rows / blocks) : undefined;
}

/** The fused kernel makes ~6 passes over the similarity entries where the composed form makes ~20 (measured at R = 8192). */
export function fusedModel(model: EngineModel): EngineModel {
  return { ...model, secondsPerEntry: model.secondsPerEntry / 4 };
}

/**
 * A chunked ONNX graph does not bound memory on ONNX Runtime: its execution order interleaves the blocks
 * (measured here, onnxruntime-node 1.30, NT-Xent N = 4096, blockRows 512: 1.5 GB peak RSS with graph optimisations
 * off, 2.0 GB with them on, where one block's intermediates are ~0.3 GB; N = 16384 with blockRows 512 was killed
 * for memory). ORT cells therefore run chunked only on the wasm heap and only up to twice its limit (N = 4096).
 */
function ortChunkedReason(matrixBytes: number, limit: number): string {
  return `the unchunked form needs ~${fmtGiB(matrixBytes)} (over ${fmtGiB(limit)}) and a chunked ONNX graph does not bound memory on ONNX Runtime (its execution order interleaves blocks; N=16384 chunked was killed for memory)`;
}

/**
 * The call-check pairs: NT-Xent, D = 128, forward + backward with core's value checks on and off. The fastest path
 * (onnxruntime-node through `createOnnxLossRunner`, fused kernel) at N = 4096, and cheaply the float64 reference
 * backend at N = 256 and @contrastive/tfjs on tfjs wasm at N = 1024. `--checks-only` runs all three (those among
 * `--backends`); a full run adds those whose backend, N and D are in its grid.
 */
export const checksPairs: readonly { readonly engine: ChecksEngine; readonly pairs: number; readonly note: string }[] = [
  { engine: 'ort-node', pairs: 4096, note: "createOnnxLossRunner({ ort: onnxruntime-node, checkValues }) (fused kernel, CPU arena on as in the ort-node rows): the runner's checkHostCall scans both [N, D] inputs in JavaScript before each run" },
  { engine: 'reference', pairs: 256, note: 'createReferenceBackend({ checkValues }): computeLossAndGradients scans the float64 inputs on the host' },
  { engine: 'tfjs-wasm', pairs: 1024, note: "createTfjsBackend(tf) on tfjs wasm: core reads the inputs with dataSync and scans them; 'off' is a bench-side wrapper setting capabilities.checkValues (the adapter has no option for it)" },
];
export const checksDimension = 128;
/** The call-check pairs run NT-Xent at temperature 0.1 (as when they were first measured). */
export const checksTemperature = 0.1;

export function checksCells(options: Pick<BenchOptions, 'checksOnly' | 'backends' | 'losses' | 'sizes' | 'dimensions'>): Cell[] {
  return checksPairs
    .filter((p) => options.backends.includes(p.engine))
    .filter((p) => options.checksOnly || (options.losses.includes('nt-xent') && options.sizes.includes(p.pairs) && options.dimensions.includes(checksDimension)))
    .map((p) => ({ kind: 'checks', engine: p.engine, loss: 'nt-xent', pairs: p.pairs, dimension: checksDimension, temperature: checksTemperature, note: p.note }));
}

/** The backend column of a check-pair row: `ort-node runner (checks on)`, `reference (checks off)`. */
export function checksBackend(engine: ChecksEngine, checks: 'on' | 'off'): string {
  return `${engine === 'ort-node' ? 'ort-node runner' : engine} (checks ${checks})`;
}

/** A short label for a cell's backend column. */
export function cellBackend(cell: Cell): string {
  if (cell.kind === 'naive') return `naive-tfjs-wasm (${cell.variant})`;
  if (cell.kind === 'pytorch') return cell.allocator === 'tuned' ? 'pytorch' : 'pytorch-stock';
  if (cell.kind === 'checks') return `${checksBackend(cell.engine, 'on')} / (checks off)`;
  return cell.engine;
}

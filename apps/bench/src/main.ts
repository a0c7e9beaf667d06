/**
 * `pnpm bench`: forward+backward time and peak memory of every similarity-softmax loss (and SigLIP) on every backend
 * on this machine, against the naive tfjs form, PyTorch (tuned and stock) and each loss's matmul floor. Writes
 * out/latest.{json,md,svg} (apps/bench/out/, ignored by git; the committed results/ only with --record; quick.* with
 * --quick, checks.* with --checks-only: the call-check pairs alone). See README.md for the flags.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cellBackend, checksCells, planCells, type Cell } from './bench-plan.js';
import { largeCell, largeClipCell, largeTemperature } from './large-cells.js';
import { checkCosts, compare, sortRows, type BenchResults, type Row } from './bench-results.js';
import { pytorchAvailable } from './child-process.js';
import { parseBenchOptions } from './cli-options.js';
import { lossSpecs } from './loss-specs.js';
import { loadLargeRows } from './large-rows.js';
import { machineInfo } from './machine-info.js';
import { nodeCellEnvironment } from './node-allocator.js';
import { renderMarkdown } from './render-markdown.js';
import { renderResultsSvg } from './render-svg.js';
import { floorsFor, matmulShapes, measureMatmulRates, runCellRows, skippedRow } from './run-bench.js';
import { webGpuBackendsOnly } from './webgpu-bench-options.js';
import { mergeRates, resampleAfter, type MatmulRates } from './matmul-rate-samples.js';

/** Cells between two samples of the ort-node matmul rates (~10 s each at N = 4096; see matmul-rate-samples.ts). */
const rateSampleEvery = 6;

const checksNote = 'Call checks: the "(checks on)" and "(checks off)" rows are one cell run with core\'s value checks (finite in the backend\'s precision, labels, row-norm magnitudes; shapes, options and memory are checked either way) on and off, in one process, warm-ups for each, then 21 rounds (fewer when over --budget) that run both once in alternating order; "host check alone" is checkHostCall on the same inputs (median of up to 101 calls after 5 warm-ups). The ort-node pair goes through createOnnxLossRunner (the runner copies its inputs to Float32Arrays each call), so it is not the ort-node row, which feeds a session directly.';

const sharedNote = 'The machine is shared (2 cores, other work running): the load average is recorded per row; compare rows measured at similar load.';

const notes = [
  'Flop count (the floor, per loss in the floor table): matmuls only, 2 flops per multiply-add, at the least the math needs. Self-similarity losses (NT-Xent, SupCon with 2 views, DCL, SimCLR n-view with V = 2; R = 2N rows): forward 2(2N)^2 D for the similarity matmul + backward 2(2N)^2 D (one (G + G^T) z product, the similarity is symmetric) = 16 N^2 D. Cross-similarity losses (CLIP, InfoNCE in-batch, the origin contrastive_loss, SigLIP; R = N): forward 2 N^2 D + backward 4 N^2 D (G p and G^T a) = 6 N^2 D; InfoNCE with a queue of M = N negatives the same with M columns (6 N M D; the positives\' row dots are O(N D)); InfoNCE with paired negatives [N, 16, D]: 6 N M D as batched dot products (no matmul applies), timed at their own shapes on onnxruntime-node (broadcast Mul + ReduceSum: forward sum_d a k, backward sum_m G k and G a in one graph; the matmul-rates table lists them with M). Floor = forward flops / forward-shape rate + backward flops / backward-shape rate, each rate the faster of onnxruntime-node MatMul (2 threads) and tfjs-wasm matMul (1 thread) measured in this run at min(R, 8192) rows (the forward-shaped product followed by a row sum, so its R x R result is not copied out to JavaScript). Rates move by ~30% within minutes on a shared VM, so they are sampled several times in the run (both engines at the start and the end, onnxruntime-node again after every ' + rateSampleEvery + ' cells; medians of 5 runs at 4096 rows and more, 7 below) and each shape keeps its fastest forward and fastest backward rate: the floor is a lower bound (the matmul-rates table gives the slowest sample beside the fastest).',
  `Temperatures: each row records its own. Without --temperature each loss runs at its default: ${Object.entries(lossSpecs).map(([loss, spec]) => `${loss} ${spec.defaultTemperature}`).join(', ')} (CLIP: logitScale = 1 / T, open_clip's initial 1 / 0.07; SigLIP: logTemperature = log(1 / T), its initial log 10, bias -10).`,
  `Inputs per loss (uniform in [-1, 1) from a fixed seed, the same on every backend of ours; PyTorch draws its own): ${Object.entries(lossSpecs).map(([loss, spec]) => `${loss}: ${spec.what}`).join('; ')}.`,
  'Our rows run core\'s loss definitions (forward + analytic backward): onnxruntime-node / onnxruntime-web as one traced ONNX graph (session creation and tracing reported separately; the first run is a warm-up), tfjs wasm / cpu and the reference backend through computeLossAndGradients. Chunked rows use core\'s withChunking(backend, { blockRows }) where the unchunked form cannot fit.',
  'Memory: "RSS delta" is the process\'s peak RSS (Linux VmHWM, reset through /proc/self/clear_refs before the inputs are built) minus its RSS then; each cell runs in its own process. "tfjs peak" is tf.profile().peakBytes of one forward+backward; "wasm heap" is the tfjs wasm heap after the runs (it only grows). wasm32 heaps stop at 4 GiB (tfjs-backend-wasm getHeapMax = 4294901760 bytes; onnxruntime-web wasm likewise), which is why wasm cells switch to chunked at N = 4096.',
  'The naive rows (NT-Xent only) are the origin document\'s contrastive_loss and info_nce_loss + CrossEntropyLoss transliterated to tfjs ops and differentiated with tf.grads on tfjs wasm; fancy indexing becomes masks (tf.gather has no gradient kernel on tfjs wasm). PyTorch runs apps/bench/pytorch/loss_bench.py: every loss in its stable form (logsumexp, cross_entropy, softplus), float32, autograd for every input, torch.set_num_threads(2), OMP/OPENBLAS_NUM_THREADS=2. "pytorch" is the tuned anchor: Debian\'s libjemalloc2 preloaded with MALLOC_CONF=retain:true,dirty_decay_ms:-1,muzzy_decay_ms:-1 and a Debian OpenBLAS build first on LD_LIBRARY_PATH; "pytorch-stock" is the same with glibc malloc (which returns every large buffer to the kernel, so each step faults it in again). Each PyTorch row records the BLAS and the allocator its process had loaded (/proc/self/maps).',
  sharedNote,
  checksNote,
  'ONNX Runtime cells are never chunked on onnxruntime-node and only up to N = 4096 on onnxruntime-web: a chunked ONNX graph does not bound memory on ONNX Runtime (its execution order interleaves the blocks; NT-Xent N = 16384 chunked was killed for memory), so N = 16384 runs only where an eager chunked backend fits the budget.',
];

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const outputDirectory = resolve(fileURLToPath(new URL('..', import.meta.url)), options.outputDirectory);
  const name = options.name;
  mkdirSync(outputDirectory, { recursive: true });
  const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)} load ${os.loadavg()[0]!.toFixed(1)}] ${message}\n`);
  const machine = machineInfo();
  const pytorch = options.checksOnly ? { available: false, detail: 'not run (--checks-only)' } : await pytorchAvailable();
  const plan = options.checksOnly ? { cells: [], skipped: [] } : planCells(options);
  const runnable = plan.cells.filter((c) => c.kind !== 'pytorch' || pytorch.available);
  const cells: Cell[] = [...runnable, ...(options.large ? [largeCell(largeTemperature(options.temperatures)), largeClipCell()] : []), ...checksCells(options)];
  const rows: Row[] = plan.skipped.map(skippedRow);
  for (const c of plan.cells.filter((c) => c.kind === 'pytorch' && !pytorch.available)) {
    rows.push(skippedRow({ backend: cellBackend(c), loss: c.loss, pairs: c.pairs, dimension: c.dimension, temperature: c.temperature, reason: `/usr/bin/python3 -c "import torch" failed: ${pytorch.detail}` }));
  }
  log(`${cells.length} cells to run, ${rows.length} skipped; PyTorch: ${pytorch.available ? pytorch.detail : 'unavailable'}; BLAS ${machine.blas}`);
  // --checks-only: no floors (the pairs compare with each other), so no matmul rates.
  const nodeCells = nodeCellEnvironment(options.nodeAllocator);
  log(`Node cell processes: ${nodeCells.description}`);
  // Rates are sampled at the start, every `rateSampleEvery` cells (ort-node) and at the end; floors use the fastest.
  const shapes = matmulShapes(cells);
  let matmulRates: MatmulRates = options.checksOnly ? {} : await measureMatmulRates(shapes, log, nodeCells.env);
  const sampleRates = async (engines?: readonly ('ort-node' | 'tfjs-wasm')[]) => {
    if (!options.checksOnly) matmulRates = mergeRates(matmulRates, await measureMatmulRates(shapes, log, nodeCells.env, engines));
  };
  const write = (loadAverageAtEnd?: readonly number[]) => {
    const largeRows = options.large || options.checksOnly ? [] : loadLargeRows(join(outputDirectory, 'large.json'));
    const allRows = [...rows, ...largeRows];
    const floors = floorsFor(allRows, matmulRates);
    const results: BenchResults = {
      generatedAt: new Date().toISOString(), command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(), machine, nodeAllocator: nodeCells.description, loadAverageAtEnd, pytorch,
      matmulRates, rows: sortRows(allRows), floors, comparisons: compare(allRows, floors), checkCosts: checkCosts(allRows),
      ...(options.checksOnly ? { scope: 'checks' as const } : {}), notes: options.checksOnly ? [checksNote, sharedNote] : notes,
    };
    writeFileSync(join(outputDirectory, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outputDirectory, `${name}.md`), renderMarkdown(results));
    writeFileSync(join(outputDirectory, `${name}.svg`), renderResultsSvg(results));
  };
  for (const [index, cell] of cells.entries()) {
    const label = `${cell.loss} N=${cell.pairs} D=${cell.dimension} T=${cell.temperature} ${rowLabel(cell)}`;
    log(`(${index + 1}/${cells.length}) ${label}`);
    for (const row of await runCellRows(cell, options.budgetSeconds, nodeCells.env)) {
      log(`  ${row.backend}: ${row.status === 'ok' ? `${row.medianMs!.toFixed(1)} ms median of ${row.runs}${row.checkMs === undefined ? '' : `; host check alone ${row.checkMs.toFixed(3)} ms`}` : `${row.status}: ${row.reason}`}`);
      rows.push(row);
    }
    if (resampleAfter(index + 1, rateSampleEvery) && index + 1 < cells.length) await sampleRates(['ort-node']);
    write();
  }
  await sampleRates();
  write(os.loadavg());
  log(`wrote ${join(outputDirectory, name)}.{json,md,svg}`);
}

const rowLabel = (cell: Cell) => (cell.kind === 'loss' ? `${cell.engine}${cell.blockRows ? ` (chunked ${cell.blockRows})` : ''}` : cell.kind === 'naive' ? `naive ${cell.variant}` : cell.kind === 'checks' ? `${cell.engine}, checks on / off` : cellBackend(cell));


// `--backends webgpu-dawn` / `webgpu-chromium`: the WebGPU bench (src/webgpu-bench.ts, fused vs composed WGSL).
if (webGpuBackendsOnly(process.argv.slice(2))) await import('./webgpu-bench.js');
else await main();

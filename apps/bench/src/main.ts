/**
 * `pnpm bench`: forward+backward time and peak memory of NT-Xent, CLIP and SupCon on every backend on this
 * machine, against the naive tfjs form, PyTorch and the matmul floor. Writes results/latest.{json,md,svg}
 * (results/quick.* with --quick, results/checks.* with --checks-only: the call-check pairs alone). See README.md
 * for the flags.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { checksCells, largeCell, planCells, type Cell } from './bench-plan.js';
import { checkCosts, compare, type BenchResults, type Row } from './bench-results.js';
import { pytorchAvailable } from './child-process.js';
import { parseBenchOptions } from './cli-options.js';
import { loadLargeRows } from './large-rows.js';
import { machineInfo } from './machine-info.js';
import { renderMarkdown } from './render-markdown.js';
import { renderResultsSvg } from './render-svg.js';
import { floorsFor, matmulShapes, measureMatmulRates, runCellRows, skippedRow } from './run-bench.js';

const checksNote = 'Call checks: the "(checks on)" and "(checks off)" rows are one cell run with core\'s value checks (finite in the backend\'s precision, labels, row-norm magnitudes; shapes, options and memory are checked either way) on and off, in one process, warm-ups for each, then 21 rounds (fewer when over --budget) that run both once in alternating order; "host check alone" is checkHostCall on the same inputs (median of up to 101 calls after 5 warm-ups). The ort-node pair goes through createOnnxLossRunner (the runner copies its inputs to Float32Arrays each call), so it is not the ort-node row, which feeds a session directly.';

const sharedNote = 'The machine is shared (2 cores, other work running): the load average is recorded per row; compare rows measured at similar load.';

const notes = [
  'Flop count (the floor): matmuls only, 2 flops per multiply-add, at the least the math needs. NT-Xent and SupCon (R = 2N rows): forward 2(2N)^2 D for the similarity matmul + backward 2(2N)^2 D (one (G + G^T) z product, the similarity is symmetric) = 16 N^2 D. CLIP (R = N): forward 2 N^2 D + backward 4 N^2 D (G p and G^T a) = 6 N^2 D. Floor = forward flops / forward-shape rate + backward flops / backward-shape rate, each rate the faster of onnxruntime-node MatMul (2 threads) and tfjs-wasm matMul (1 thread) measured in this run at min(R, 8192) rows (the forward-shaped product followed by a row sum, so its R x R result is not copied out to JavaScript).',
  'Our rows run core\'s loss definitions (forward + analytic backward): onnxruntime-node / onnxruntime-web as one traced ONNX graph (session creation and tracing reported separately; the first run is a warm-up), tfjs wasm / cpu and the reference backend through computeLossAndGradients. Chunked rows use core\'s withChunking(backend, { blockRows }) where the unchunked form cannot fit.',
  'Memory: "RSS delta" is the process\'s peak RSS (Linux VmHWM, reset through /proc/self/clear_refs before the inputs are built) minus its RSS then; each cell runs in its own process. "tfjs peak" is tf.profile().peakBytes of one forward+backward; "wasm heap" is the tfjs wasm heap after the runs (it only grows). wasm32 heaps stop at 4 GiB (tfjs-backend-wasm getHeapMax = 4294901760 bytes; onnxruntime-web wasm likewise), which is why wasm cells switch to chunked at N = 4096.',
  'The naive rows (NT-Xent only) are the origin document\'s contrastive_loss and info_nce_loss + CrossEntropyLoss transliterated to tfjs ops and differentiated with tf.grads on tfjs wasm; fancy indexing becomes masks (tf.gather has no gradient kernel on tfjs wasm). PyTorch runs apps/bench/pytorch/nt_xent_bench.py (NT-Xent with logsumexp, float32, torch.set_num_threads(2), OMP/OPENBLAS_NUM_THREADS=2).',
  sharedNote,
  checksNote,
  'ONNX Runtime cells are never chunked on onnxruntime-node and only up to N = 4096 on onnxruntime-web: a chunked ONNX graph does not bound memory on ONNX Runtime (its execution order interleaves the blocks; NT-Xent N = 16384 chunked was killed for memory), so N = 16384 runs only where an eager chunked backend fits the budget.',
];

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const outputDirectory = resolve(options.outputDirectory);
  const name = options.name;
  mkdirSync(outputDirectory, { recursive: true });
  const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)} load ${os.loadavg()[0]!.toFixed(1)}] ${message}\n`);
  const machine = machineInfo();
  const pytorch = options.checksOnly ? { available: false, detail: 'not run (--checks-only)' } : await pytorchAvailable();
  const plan = options.checksOnly ? { cells: [], skipped: [] } : planCells({ ...options, backends: options.backends.filter((b) => b !== 'pytorch' || pytorch.available) });
  const cells: Cell[] = [...plan.cells, ...(options.large ? [largeCell()] : []), ...checksCells(options)];
  const rows: Row[] = plan.skipped.map(skippedRow);
  if (!options.checksOnly && options.backends.includes('pytorch') && !pytorch.available) {
    for (const d of options.dimensions) for (const n of options.sizes) rows.push({ backend: 'pytorch', ours: false, loss: 'nt-xent', pairs: n, dimension: d, status: 'skipped', reason: `/usr/bin/python3 -c "import torch" failed: ${pytorch.detail}` });
  }
  log(`${cells.length} cells to run, ${rows.length} skipped; PyTorch: ${pytorch.available ? pytorch.detail : 'unavailable'}; BLAS ${machine.blas}`);
  // --checks-only: no floors (the pairs compare with each other), so no matmul rates.
  const matmulRates = options.checksOnly ? {} : await measureMatmulRates(matmulShapes(cells), log);
  const write = (loadAverageAtEnd?: readonly number[]) => {
    const largeRows = options.large || options.checksOnly ? [] : loadLargeRows(join(outputDirectory, 'large.json'));
    const allRows = [...rows, ...largeRows];
    const floors = floorsFor(allRows, matmulRates);
    const results: BenchResults = {
      generatedAt: new Date().toISOString(), command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(), machine, loadAverageAtEnd, pytorch,
      matmulRates, rows: sortRows(allRows), floors, comparisons: compare(allRows, floors), checkCosts: checkCosts(allRows),
      ...(options.checksOnly ? { scope: 'checks' as const } : {}), notes: options.checksOnly ? [checksNote, sharedNote] : notes,
    };
    writeFileSync(join(outputDirectory, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outputDirectory, `${name}.md`), renderMarkdown(results));
    writeFileSync(join(outputDirectory, `${name}.svg`), renderResultsSvg(results));
  };
  for (const [index, cell] of cells.entries()) {
    const label = `${cell.loss} N=${cell.pairs} D=${cell.dimension} ${rowLabel(cell)}`;
    log(`(${index + 1}/${cells.length}) ${label}`);
    for (const row of await runCellRows(cell, options.budgetSeconds)) {
      log(`  ${row.backend}: ${row.status === 'ok' ? `${row.medianMs!.toFixed(1)} ms median of ${row.runs}${row.checkMs === undefined ? '' : `; host check alone ${row.checkMs.toFixed(3)} ms`}` : `${row.status}: ${row.reason}`}`);
      rows.push(row);
    }
    write();
  }
  write(os.loadavg());
  log(`wrote ${join(outputDirectory, name)}.{json,md,svg}`);
}

const rowLabel = (cell: Cell) => (cell.kind === 'loss' ? `${cell.engine}${cell.blockRows ? ` (chunked ${cell.blockRows})` : ''}` : cell.kind === 'naive' ? `naive ${cell.variant}` : cell.kind === 'checks' ? `${cell.engine}, checks on / off` : 'pytorch');

function sortRows(rows: readonly Row[]): Row[] {
  const order = ['nt-xent', 'clip', 'sup-con'];
  return [...rows].sort((a, b) => order.indexOf(a.loss) - order.indexOf(b.loss) || a.dimension - b.dimension || a.pairs - b.pairs || a.backend.localeCompare(b.backend));
}

await main();

/**
 * `pnpm bench`: forward+backward time and peak memory of NT-Xent, CLIP and SupCon on every backend on this
 * machine, against the naive tfjs form, PyTorch and the matmul floor. Writes results/latest.{json,md,svg}
 * (results/quick.* with --quick). See README.md for the flags.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { largeCell, planCells, type Cell } from './bench-plan.js';
import { compare, type BenchResults, type Row } from './bench-results.js';
import { pytorchAvailable } from './child-process.js';
import { parseBenchOptions } from './cli-options.js';
import { loadLargeRows } from './large-rows.js';
import { machineInfo } from './machine-info.js';
import { renderMarkdown } from './render-markdown.js';
import { renderSvg } from './render-svg.js';
import { floorsFor, matmulShapes, measureMatmulRates, runCell, skippedRow } from './run-bench.js';

const notes = [
  'Flop count (the floor): matmuls only, 2 flops per multiply-add, at the least the math needs. NT-Xent and SupCon (R = 2N rows): forward 2(2N)^2 D for the similarity matmul + backward 2(2N)^2 D (one (G + G^T) z product, the similarity is symmetric) = 16 N^2 D. CLIP (R = N): forward 2 N^2 D + backward 4 N^2 D (G p and G^T a) = 6 N^2 D. Floor = forward flops / forward-shape rate + backward flops / backward-shape rate, each rate the faster of onnxruntime-node MatMul (2 threads) and tfjs-wasm matMul (1 thread) measured in this run at min(R, 8192) rows (the forward-shaped product followed by a row sum, so its R x R result is not copied out to JavaScript).',
  'Our rows run core\'s loss definitions (forward + analytic backward): onnxruntime-node / onnxruntime-web as one traced ONNX graph (session creation and tracing reported separately; the first run is a warm-up), tfjs wasm / cpu and the reference backend through computeLossAndGradients. Chunked rows use core\'s withChunking(backend, { blockRows }) where the unchunked form cannot fit.',
  'Memory: "RSS delta" is the process\'s peak RSS (Linux VmHWM, reset through /proc/self/clear_refs before the inputs are built) minus its RSS then; each cell runs in its own process. "tfjs peak" is tf.profile().peakBytes of one forward+backward; "wasm heap" is the tfjs wasm heap after the runs (it only grows). wasm32 heaps stop at 4 GiB (tfjs-backend-wasm getHeapMax = 4294901760 bytes; onnxruntime-web wasm likewise), which is why wasm cells switch to chunked at N = 4096.',
  'The naive rows (NT-Xent only) are the origin document\'s contrastive_loss and info_nce_loss + CrossEntropyLoss transliterated to tfjs ops and differentiated with tf.grads on tfjs wasm; fancy indexing becomes masks (tf.gather has no gradient kernel on tfjs wasm). PyTorch runs apps/bench/pytorch/nt_xent_bench.py (NT-Xent with logsumexp, float32, torch.set_num_threads(2), OMP/OPENBLAS_NUM_THREADS=2).',
  'The machine is shared (2 cores, other work running): the load average is recorded per row; compare rows measured at similar load.',
  'ONNX Runtime cells are never chunked on onnxruntime-node and only up to N = 4096 on onnxruntime-web: a chunked ONNX graph does not bound memory on ONNX Runtime (its execution order interleaves the blocks; NT-Xent N = 16384 chunked was killed for memory), so N = 16384 runs only where an eager chunked backend fits the budget.',
];

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const outputDirectory = resolve(options.outputDirectory);
  const name = options.name;
  mkdirSync(outputDirectory, { recursive: true });
  const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)} load ${os.loadavg()[0]!.toFixed(1)}] ${message}\n`);
  const machine = machineInfo();
  const pytorch = await pytorchAvailable();
  const plan = planCells({ ...options, backends: options.backends.filter((b) => b !== 'pytorch' || pytorch.available) });
  const cells: Cell[] = options.large ? [...plan.cells, largeCell()] : plan.cells;
  const rows: Row[] = plan.skipped.map(skippedRow);
  if (options.backends.includes('pytorch') && !pytorch.available) {
    for (const d of options.dimensions) for (const n of options.sizes) rows.push({ backend: 'pytorch', ours: false, loss: 'nt-xent', pairs: n, dimension: d, status: 'skipped', reason: `/usr/bin/python3 -c "import torch" failed: ${pytorch.detail}` });
  }
  log(`${cells.length} cells to run, ${rows.length} skipped; PyTorch: ${pytorch.available ? pytorch.detail : 'unavailable'}; BLAS ${machine.blas}`);
  const matmulRates = await measureMatmulRates(matmulShapes(cells), log);
  const write = (loadAverageAtEnd?: readonly number[]) => {
    const largeRows = options.large ? [] : loadLargeRows(join(outputDirectory, 'large.json'));
    const allRows = [...rows, ...largeRows];
    const floors = floorsFor(allRows, matmulRates);
    const results: BenchResults = {
      generatedAt: new Date().toISOString(), command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(), machine, loadAverageAtEnd, pytorch,
      matmulRates, rows: sortRows(allRows), floors, comparisons: compare(allRows, floors), notes,
    };
    writeFileSync(join(outputDirectory, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outputDirectory, `${name}.md`), renderMarkdown(results));
    writeFileSync(join(outputDirectory, `${name}.svg`), renderSvg(results.rows, `Forward + backward time (median) vs N, log-log — ${machine.cpuModel}, ${machine.cpuCount} cores`));
  };
  for (const [index, cell] of cells.entries()) {
    const label = `${cell.loss} N=${cell.pairs} D=${cell.dimension} ${rowLabel(cell)}`;
    log(`(${index + 1}/${cells.length}) ${label}`);
    const row = await runCell(cell, options.budgetSeconds);
    log(`  ${row.status === 'ok' ? `${row.medianMs!.toFixed(1)} ms median of ${row.runs}` : `${row.status}: ${row.reason}`}`);
    rows.push(row);
    write();
  }
  write(os.loadavg());
  log(`wrote ${join(outputDirectory, name)}.{json,md,svg}`);
}

const rowLabel = (cell: Cell) => (cell.kind === 'loss' ? `${cell.engine}${cell.blockRows ? ` (chunked ${cell.blockRows})` : ''}` : cell.kind === 'naive' ? `naive ${cell.variant}` : 'pytorch');

function sortRows(rows: readonly Row[]): Row[] {
  const order = ['nt-xent', 'clip', 'sup-con'];
  return [...rows].sort((a, b) => order.indexOf(a.loss) - order.indexOf(b.loss) || a.dimension - b.dimension || a.pairs - b.pairs || a.backend.localeCompare(b.backend));
}

await main();

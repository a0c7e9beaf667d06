/**
 * Child-process entry: runs one cell and prints `BENCH_RESULT <json>` on its own line. Each cell has its own
 * process so that its peak RSS is its own, a wasm heap starts empty, and a crash (a wasm heap overflow) is
 * recorded as that cell's failure instead of ending the run.
 */
import { resultMarker, type CellRequest } from './cell-request.js';

async function run(request: CellRequest): Promise<Record<string, unknown>> {
  if ('matmul' in request) return (await import('./run-matmul-cell.js')).runMatmulCell(request.matmul, request.shapes);
  const { cell, budgetMs } = request;
  if (cell.kind === 'naive') return (await import('./run-naive-cell.js')).runNaiveCell(cell, budgetMs);
  if (cell.kind === 'checks') return (await import('./run-checks-cell.js')).runChecksCell(cell, budgetMs);
  if (cell.kind === 'pytorch') throw new Error('PyTorch cells run from the parent (pytorch-runner.ts)');
  if (cell.engine === 'ort-node' || cell.engine === 'ort-web-wasm') return (await import('./run-ort-cell.js')).runOrtCell(cell, budgetMs);
  return (await import('./run-core-cell.js')).runCoreCell(cell, budgetMs);
}

const request = JSON.parse(process.argv[2] ?? '{}') as CellRequest;
const result = await run(request);
process.stdout.write(`\n${resultMarker}${JSON.stringify(result)}\n`);
process.exit(0);

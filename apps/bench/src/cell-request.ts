/** What the parent sends a cell's child process, and the marker of the child's result line. */
import type { Cell } from './bench-plan.js';
import type { MatmulShape } from './run-matmul-cell.js';

export type CellRequest =
  | { readonly cell: Cell; readonly budgetMs: number }
  | { readonly matmul: 'ort-node' | 'tfjs-wasm'; readonly shapes: readonly MatmulShape[] };

export const resultMarker = 'BENCH_RESULT ';

/** The `--large` cells: NT-Xent and CLIP at N = 65536 pairs, D = 128 on onnxruntime-node. */
import { ortFusedBlockRows, ortSymmetricBlockRows, plannedFused, type Cell } from './bench-plan.js';
import { cellTemperature } from './loss-specs.js';

/**
 * The `--large` cell: NT-Xent, N = 65536 pairs, D = 128 on onnxruntime-node. The unchunked form would hold 64 GiB
 * per 131072^2 float32 matrix. Where the constant shift applies (temperature >= 1/40) the fused kernel runs over
 * symmetric block pairs (decision 0009) of 2048 rows (`largePairsMaxBlockBytes` 16 MiB: 64 blocks per side, 2080
 * pairs I <= J in nested ONNX Loops), no block recomputed beyond the forward's Gemm: its four live [B, B + 1]
 * blocks take 64 MiB there against 256 MiB for 4096-row pairs (64 MiB bound), so the [2N, D] sums and copies
 * dominate. Below, row blocks of 128 x 131072 (`largeMaxBlockBytes` 64 MiB; the backward recomputes each block):
 * with the default 256 MiB blocks the peak RSS delta measured 1.96 GiB (2026-11-28).
 */
export const largeMaxBlockBytes = 2 ** 26;
export const largePairsMaxBlockBytes = 2 ** 24;

/** The `--large` cell's temperature: the first requested one the fused kernel covers, else NT-Xent's default. */
export function largeTemperature(temperatures: readonly (number | undefined)[]): number {
  return temperatures.map((t) => cellTemperature('nt-xent', t)).find((temperature) => plannedFused({ loss: 'nt-xent', temperature })) ?? cellTemperature('nt-xent', undefined);
}

export function largeCell(temperature: number = cellTemperature('nt-xent', undefined)): Cell {
  const rows = 2 * 65536;
  const side = ortSymmetricBlockRows(rows, temperature, largePairsMaxBlockBytes);
  const maxBlockBytes = side ? largePairsMaxBlockBytes : largeMaxBlockBytes;
  const bound = `maxBlockBytes ${maxBlockBytes / 2 ** 20} MiB`;
  const kernel = side
    ? `fused kernel over symmetric block pairs of ${side} rows (${bound}, ${Math.ceil(rows / side)} blocks per side, nested ONNX Loops, each pair I <= J once; decision 0009)`
    : `fused kernel in row blocks of ${ortFusedBlockRows(rows, maxBlockBytes)} (${bound}, ONNX Loop, backward recomputes each block)`;
  const note = `--large: ${kernel}; session with the CPU arena on and the memory pattern off (enableMemPattern: false); one ${rows}x${rows} float32 matrix would be 64 GiB`;
  return { kind: 'loss', engine: 'ort-node', loss: 'nt-xent', pairs: 65536, dimension: 128, temperature, maxBlockBytes, memoryPattern: false, note };
}

/**
 * The `--large` CLIP cell: N = 65536 pairs, D = 128, CLIP's default temperature on onnxruntime-node. Above
 * `maxBlockBytes` the fused cross-view kernel runs in row blocks of at most 64 MiB (256 x 65536) inside an ONNX Loop
 * (decision 0012), each line shifted by its preset shift from [n, D] dots, the columns' sums carried across blocks,
 * the backward recomputing each block (decision 0015) over tiles of 2048 x 8192 (decision 0017). One 65536^2
 * float32 matrix would be 16 GiB.
 */
export function largeClipCell(): Cell {
  const rows = 65536;
  const blockRows = Math.floor(2 ** 26 / (4 * rows));
  const note = `--large: fused cross-view kernel in row blocks of ${blockRows} (64 MiB each, ONNX Loop, preset line shift with the column sums carried across blocks, backward recomputes each block over tiles of 2048 x 8192 in Loops; decisions 0012, 0015, 0017); session with the CPU arena on and the memory pattern off (enableMemPattern: false); one ${rows}x${rows} float32 matrix would be 16 GiB`;
  return { kind: 'loss', engine: 'ort-node', loss: 'clip', pairs: rows, dimension: 128, temperature: cellTemperature('clip', undefined), memoryPattern: false, note };
}

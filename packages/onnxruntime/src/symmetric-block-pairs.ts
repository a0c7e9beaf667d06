/**
 * The constant-shift kernel's two passes at scale over square blocks of the symmetric `E = exp(s - c)`, each pair
 * of blocks `(I, J)` with `I <= J` computed once and serving rows `I` and rows `J` (decision 0009):
 *
 * - rest sums: `rest_I += E'_IJ 1` and `rest_J += E'_IJ^T 1`;
 * - backward product with `M_IJ = E'_IJ * (u_I + u_J^T)`: `M_IJ z_J` to rows `I` and `M_IJ^T z_I` to rows `J`.
 *
 * The forward does half the Gemm work of row blocks and the backward one block product per pair, so nothing is
 * recomputed beyond the forward's Gemm. One ONNX Loop over the pairs, start tables gathered by the iteration
 * number, a loop-carried [T + 1, B, W] accumulator updated by one Gather, Add and ScatterND per pair (slot `T` takes
 * the diagonal pairs' second, duplicate, contribution). The excluded keys and positives are zeroed inside each block
 * by ScatterElements; each block has one extra column that every row zeroes (the target of masked columns outside
 * the block), and the rows are padded to `T B` with keys whose exponentials are exactly 0 for every real row.
 */
import type { ConstantShiftPlan } from '@contrastive/core';
import type { GraphEmitter } from './constant-shift-kernel.js';
import { int64Operand, type AttributeValue, type OnnxTensor } from './onnx-tensor.js';

/**
 * The pairs `(I, J)`, `I <= J`, of `blocks` square blocks of `blockRows` rows, as host tables.
 *
 * @example
 * const { rowStarts, columnStarts, targets } = symmetricBlockPairs(300, 64);
 */
export interface BlockPairSchedule {
  readonly blockRows: number;
  readonly blocks: number;
  /** `[P, 1]` first row of block `I`, and of block `J`. */
  readonly rowStarts: number[];
  readonly columnStarts: number[];
  /** `[P, 2, 1]` accumulator slots: `I`, and `J` (or the spare slot `blocks` on the diagonal). */
  readonly targets: number[];
}

/**
 * Every block pair `(I, J)` with `I <= J` over `ceil(rows / blockRows)` blocks.
 *
 * @example
 * symmetricBlockPairs(300, 64).rowStarts.length; // 5 blocks -> 15 pairs
 */
export function symmetricBlockPairs(rows: number, blockRows: number): BlockPairSchedule {
  const blocks = Math.ceil(rows / blockRows);
  const rowStarts: number[] = [];
  const columnStarts: number[] = [];
  const targets: number[] = [];
  for (let i = 0; i < blocks; i++) {
    for (let j = i; j < blocks; j++) {
      rowStarts.push(i * blockRows);
      columnStarts.push(j * blockRows);
      targets.push(i, i === j ? blocks : j);
    }
  }
  return { blockRows, blocks, rowStarts, columnStarts, targets };
}

/**
 * Whether the padding keys' `L = 200 / c` is a finite float32 (so `exp(-c L)` is exactly 0): `c > 6e-37`.
 *
 * @example
 * symmetricBlocksApply(1 / 0.07); // true
 */
export function symmetricBlocksApply(scale: number): boolean {
  return Number.isFinite(Math.fround(200 / scale));
}

/** The most blocks per side the pairs run over; beyond it the row blocks use less memory (decision 0009). */
export const maximumSymmetricBlocks = 16;

/**
 * Whether `rows` rows split into at most {@link maximumSymmetricBlocks} square blocks per side. Every pair copies
 * the loop-carried accumulator, so its cost grows with the number of blocks: at N = 16384 pairs (16 blocks of 2048)
 * the pairs took 0.74x the row blocks' time and a third of their memory, at N = 65536 (32 blocks) twice their memory
 * (2.03 GB against 1.05 GiB).
 *
 * @example
 * symmetricBlocksFit(32768, 2 ** 28); // true: 16 blocks of 2048 rows
 */
export function symmetricBlocksFit(rows: number, maxBlockBytes: number): boolean {
  return Math.ceil(rows / squareBlockRows(rows, maxBlockBytes)) <= maximumSymmetricBlocks;
}

/**
 * Rows `B` of the square blocks for `rows` rows: the fewest blocks of at most `side` rows, made equal so that the
 * last one is padded the least, where `side` is `sqrt(maxBlockBytes / 4)` capped at `max(2048, rows / 16)`. Blocks
 * of ~2048 rows stream through the caches far better than 8192-row ones (NT-Xent N = 16384: 0.79x the time of
 * 256 MiB row blocks, where 8192-row pairs took 1.5x), and at most 16 blocks per side keep the loop-carried
 * accumulator's copy (rows x D per pair) small against each pair's work.
 *
 * @example
 * squareBlockRows(32768, 2 ** 28); // 2048: sixteen blocks of [2048, 2049]
 */
export function squareBlockRows(rows: number, maxBlockBytes: number): number {
  const side = Math.max(1, Math.min(Math.floor(Math.sqrt(maxBlockBytes / 4)), Math.max(2048, Math.ceil(rows / 16))));
  return Math.ceil(rows / Math.ceil(rows / side));
}

const int = (value: number): AttributeValue => ({ kind: 'int', value });

/**
 * The rest sums ([n, 1]) and the backward product ([n, D]) of the constant-shift kernel over symmetric block pairs.
 *
 * @example
 * const pairs = symmetricBlockPasses(emit, plan, z, 8192);
 * const rest = pairs.restSums(); const product = pairs.symmetricProduct(u);
 */
export function symmetricBlockPasses(emit: GraphEmitter, plan: ConstantShiftPlan, z: OnnxTensor, blockRows: number) {
  const { node } = emit;
  const b = emit.backend();
  const n = plan.pairing.rows;
  const dimension = z.shape[1]!;
  const schedule = symmetricBlockPairs(n, blockRows);
  const { blocks } = schedule;
  const B = blockRows;
  const padded = blocks * B;
  const pairs = schedule.rowStarts.length;
  // Rows padded to T B plus one: queries [z, -1], keys [z, 1], so the Gemm with alpha = c gives s - c (no C
  // pass); padding rows are [0, -1] and [0, L] with c L = 200, whose exponentials are exactly 0 against every row.
  const paddedZ = b.concat([z, b.fill([padded + 1 - n, dimension], 0)], 0);
  const ones = (rows: number, value: number) => b.fill([rows, 1], value);
  const queries = b.concat([paddedZ, ones(padded + 1, -1)], 1);
  const keys = b.concat([paddedZ, b.concat([ones(n, 1), ones(padded + 1 - n, 200 / plan.scale)], 0)], 1);
  // Masked columns as (block, offset) per row, one extra column per row that always lands in the spare column B.
  const width = plan.pairing.zeroedColumns.length / n + 1;
  const maskBlocks = new Array<number>(padded * width).fill(-1);
  const maskOffsets = new Array<number>(padded * width).fill(B);
  plan.pairing.zeroedColumns.forEach((column, index) => {
    const flat = Math.floor(index / (width - 1)) * width + (index % (width - 1));
    maskBlocks[flat] = Math.floor(column / B);
    maskOffsets[flat] = column % B;
  });
  const maskBlockTable = int64Operand(maskBlocks, [padded, width]);
  const maskOffsetTable = int64Operand(maskOffsets, [padded, width]);

  const rowsAt = (x: OnnxTensor | ReturnType<typeof int64Operand>, start: OnnxTensor, rows: number, type: 'float32' | 'int64' = 'float32') =>
    node('Slice', [x, start, node('Add', [start, int64Operand([rows])], [1], 'int64'), int64Operand([0])], [rows, x.shape[1]!], type);

  /** One Loop over the pairs; `block` gives the pair's [2, B, W] updates for slots `I` and `J`. */
  const overPairs = (columns: number, block: (rowStart: OnnxTensor, columnStart: OnnxTensor, columnBlock: OnnxTensor) => OnnxTensor) => {
    const iteration = emit.loopInput([], 'int64');
    const condition = emit.loopInput([], 'bool');
    const accumulator = emit.loopInput([blocks + 1, B, columns], 'float32');
    const gather = (table: number[], shape: number[], type: 'int64' = 'int64') =>
      node('Gather', [int64Operand(table, [pairs, ...shape]), iteration], shape, type, { axis: int(0) });
    const rowStart = gather(schedule.rowStarts, [1]);
    const columnStart = gather(schedule.columnStarts, [1]);
    const targets = gather(schedule.targets, [2, 1]);
    const columnBlock = node('Div', [columnStart, int64Operand([B])], [1], 'int64');
    const updates = block(rowStart, columnStart, columnBlock);
    const current = node('Gather', [accumulator, node('Reshape', [targets, int64Operand([2])], [2], 'int64')], [2, B, columns], 'float32', { axis: int(0) });
    const next = node('ScatterND', [accumulator, targets, b.add(current, updates)], [blocks + 1, B, columns], 'float32');
    const body = { inputs: [iteration, condition, accumulator], outputs: [node('Identity', [condition], [], 'bool'), next] };
    const keepGoing = node('Cast', [b.fill([], 1)], [], 'bool', { to: int(9) });
    const initial = b.fill([blocks + 1, B, columns], 0);
    const sums = node('Loop', [int64Operand([pairs], []), keepGoing, initial], [blocks + 1, B, columns], 'float32', { body: { kind: 'graph', graph: body } });
    return b.slice(b.reshape(b.slice(sums, [0, 0, 0], [blocks, B, columns]), [padded, columns]), [0, 0], [n, columns]);
  };

  /** [B, B + 1] block `(I, J)` of `E'`: `exp(s - c)`, masked entries and the spare column B set to 0. */
  const zeroedBlock = (rowStart: OnnxTensor, columnStart: OnnxTensor, columnBlock: OnnxTensor) => {
    const shifted = node('Gemm', [rowsAt(queries, rowStart, B), rowsAt(keys, columnStart, B + 1)], [B, B + 1], 'float32', {
      alpha: { kind: 'float', value: plan.scale },
      transB: int(1),
    });
    const inBlock = node('Equal', [rowsAt(maskBlockTable, rowStart, B, 'int64'), columnBlock], [B, width], 'bool');
    const offsets = node('Where', [inBlock, rowsAt(maskOffsetTable, rowStart, B, 'int64'), int64Operand([B])], [B, width], 'int64');
    return node('ScatterElements', [b.exp(shifted), offsets, b.fill([B, width], 0)], [B, B + 1], 'float32', { axis: int(1) });
  };

  const stack = (toRows: OnnxTensor, toColumns: OnnxTensor, columns: number) =>
    b.concat([b.reshape(toRows, [1, B, columns]), b.reshape(toColumns, [1, B, columns])], 0);

  return {
    /** `rest = E' 1`, [n, 1]. */
    restSums: () =>
      overPairs(1, (rowStart, columnStart, columnBlock) => {
        const block = zeroedBlock(rowStart, columnStart, columnBlock);
        const columnSums = node('ReduceSum', [block, int64Operand([0])], [1, B + 1], 'float32', { keepdims: int(1) });
        return stack(b.sum(block, 1, true), b.slice(columnSums, [0, 0], [1, B]), 1);
      }),
    /** `[E' (u_i + u_j)] z`, [n, D], for `u` of shape [n, 1]. */
    symmetricProduct: (u: OnnxTensor) => {
      const paddedU = b.concat([u, b.fill([padded + 1 - n, 1], 0)], 0);
      return overPairs(dimension, (rowStart, columnStart, columnBlock) => {
        const block = zeroedBlock(rowStart, columnStart, columnBlock);
        const weights = b.add(rowsAt(paddedU, rowStart, B), b.reshape(rowsAt(paddedU, columnStart, B + 1), [1, B + 1]));
        const weighted = b.mul(block, weights);
        const toRows = b.matmul(weighted, rowsAt(paddedZ, columnStart, B + 1));
        const toColumns = node('Gemm', [weighted, rowsAt(paddedZ, rowStart, B)], [B + 1, dimension], 'float32', { transA: int(1) });
        return stack(toRows, b.slice(toColumns, [0, 0], [B, dimension]), dimension);
      });
    },
  };
}

/**
 * The constant-shift kernel's two passes at scale over square blocks of the symmetric `E = exp(s - c)`, each pair
 * of blocks `(I, J)` with `I <= J` computed once and serving rows `I` and rows `J` (decision 0009):
 *
 * - rest sums: `rest_I += E'_IJ 1` and `rest_J += E'_IJ^T 1`;
 * - backward product with `M_IJ = E'_IJ * (u_I + u_J^T)`: `M_IJ z_J` to rows `I` and `M_IJ^T z_I` to rows `J`.
 *
 * The forward does half the Gemm work of row blocks and the backward one block product per pair, so nothing is
 * recomputed beyond the forward's Gemm. Two nested ONNX Loops, the outer over the row blocks `I`, the inner over
 * `J >= I` stacking each pair's two contributions; the outer adds them to a loop-carried [T, B, W] once per `I`.
 * Only the pairs holding an excluded entry (the diagonal blocks and those of the positives' offsets, ~1.5 T of
 * the T (T + 1) / 2 for NT-Xent) zero it, by ScatterElements (a copy of the block), in a [B, B + 1] block whose
 * extra column every row zeroes (the target of masked columns outside the block); every other pair runs a plain
 * [B, B] block in a second pair of Loops over its own schedule. The rows are padded to `T B` with keys whose
 * exponentials are exactly 0 for every real row.
 */
import type { ConstantShiftPlan } from '@contrastive/core';
import type { GraphEmitter } from './constant-shift-kernel.js';
import { int64Operand, type AttributeValue, type OnnxTensor } from './onnx-tensor.js';

/**
 * Whether the padding keys' `L = 200 / c` is a finite float32 (so `exp(-c L)` is exactly 0): `c > 6e-37`.
 *
 * @example
 * symmetricBlocksApply(1 / 0.07); // true
 */
export function symmetricBlocksApply(scale: number): boolean {
  return Number.isFinite(Math.fround(200 / scale));
}

/**
 * The most blocks per side the pairs run over (decision 0009). Their memory no longer grows with the block count:
 * besides a few [B, B + 1] blocks it is a handful of [T B, D] tensors (the loop-carried sums, their update and the
 * stacked contributions of one row block), measured at 32 blocks per side no higher than at 16. What grows is the
 * time outside the blocks' work: one full-size update of the sums per row block, T in all; 64 bounds it.
 */
export const maximumSymmetricBlocks = 64;

/**
 * Whether `rows` rows split into at most {@link maximumSymmetricBlocks} square blocks per side.
 *
 * @example
 * symmetricBlocksFit(131072, 2 ** 26); // true: 32 blocks of 4096 rows
 */
export function symmetricBlocksFit(rows: number, maxBlockBytes: number): boolean {
  return Math.ceil(rows / squareBlockRows(rows, maxBlockBytes)) <= maximumSymmetricBlocks;
}

/**
 * Rows `B` of the square blocks for `rows` rows: the fewest blocks of at most `side` rows, made equal so that the
 * last one is padded the least, where `side` is `sqrt(maxBlockBytes / 4)` capped at `max(2048, rows / 16)`. Blocks
 * of ~2048 rows stream through the caches far better than 8192-row ones (NT-Xent N = 16384: 0.79x the time of
 * 256 MiB row blocks, where 8192-row pairs took 1.5x); the cap at 16 blocks per side dates from a loop-carried
 * accumulator copied once per pair (decision 0009) and is kept so that default-bound block sizes stay measured.
 *
 * @example
 * squareBlockRows(32768, 2 ** 28); // 2048: sixteen blocks of [2048, 2049]
 */
export function squareBlockRows(rows: number, maxBlockBytes: number): number {
  const side = Math.max(1, Math.min(Math.floor(Math.sqrt(maxBlockBytes / 4)), Math.max(2048, Math.ceil(rows / 16))));
  return Math.ceil(rows / Math.ceil(rows / side));
}

/**
 * Column blocks per chunk of the pairs' inner Loop: a quarter of the blocks per side (at least 1), so that the
 * stacked contributions of one chunk ([K, 2, B, D], held twice while the Loop concatenates them) stay near one
 * [T B, D] copy, while the chunks (about 2.5 T) each update the sums once.
 *
 * @example
 * symmetricChunkBlocks(32); // 8
 */
export function symmetricChunkBlocks(blocks: number): number {
  return Math.max(1, Math.ceil(blocks / 4));
}

/**
 * The pairs `(I, J)`, `I <= J`, of `blocks` blocks per side that `include` accepts (all by default), in chunks of
 * at most `chunkBlocks` column blocks `J` of one row block `I`, as host tables: per chunk its row block `I`, its
 * column blocks (`chunkBlocks` entries, unused ones `blocks`), its length, and the `chunkBlocks + 1` accumulator
 * slots of its updates (`I`, then each `J`, the diagonal's sent to the spare slot `blocks`; unused ones too).
 *
 * @example
 * pairChunks(5, 2).rowBlocks; // [0, 0, 0, 1, 1, 2, 2, 3, 4]
 */
export function pairChunks(blocks: number, chunkBlocks: number, include: (i: number, j: number) => boolean = () => true) {
  const rowBlocks: number[] = [];
  const columnBlocks: number[] = [];
  const lengths: number[] = [];
  const slots: number[] = [];
  for (let i = 0; i < blocks; i++) {
    const js = Array.from({ length: blocks - i }, (_, k) => i + k).filter((j) => include(i, j));
    for (let first = 0; first < js.length; first += chunkBlocks) {
      const chunk = js.slice(first, first + chunkBlocks);
      const unused = Array.from({ length: chunkBlocks - chunk.length }, () => blocks);
      rowBlocks.push(i);
      columnBlocks.push(...chunk, ...unused);
      lengths.push(chunk.length);
      slots.push(i, ...chunk.map((j) => (j !== i ? j : blocks)), ...unused);
    }
  }
  return { rowBlocks, columnBlocks, lengths, slots };
}

/**
 * The pairs `(I, J)`, `I <= J`, holding an excluded entry: some row of block `I` excludes a column of block `J` or
 * the reverse (the exclusions are symmetric). Every other pair needs no zeroing in its block.
 *
 * @example
 * maskedPairs([0, 1], 2, 1); // each of 2 rows excludes itself, blocks of 1 row: Set { '0,0', '1,1' }
 */
export function maskedPairs(zeroedColumns: ArrayLike<number>, rows: number, blockRows: number): Set<string> {
  const perRow = zeroedColumns.length / rows;
  const pairs = new Set<string>();
  for (let index = 0; index < zeroedColumns.length; index++) {
    const [i, j] = [Math.floor(Math.floor(index / perRow) / blockRows), Math.floor(zeroedColumns[index]! / blockRows)];
    pairs.add(`${Math.min(i, j)},${Math.max(i, j)}`);
  }
  return pairs;
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
  const blocks = Math.ceil(n / blockRows);
  const B = blockRows;
  const padded = blocks * B;
  // One [T B + 1, D + 1] table serves as keys [z, 1] and, with its last column replaced by -1, as queries: the Gemm
  // with alpha = c then gives s - c (no C pass). Padding rows are [0, L] with c L = 200: as keys their exponentials
  // are exactly 0 against every real row; as queries ([0, -1]) they only meet the last diagonal pair, whose sums
  // land in sliced-away rows. No separate padded z or queries: each is a full [n, D] copy.
  const padding = padded + 1 - n;
  const keys = b.concat([b.concat([z, b.fill([n, 1], 1)], 1), b.concat([b.fill([padding, dimension], 0), b.fill([padding, 1], 200 / plan.scale)], 1)], 0);
  // Masked columns as (block, offset) per row, one extra column per row that always lands in the spare column B.
  const maskWidth = plan.pairing.zeroedColumns.length / n + 1;
  const maskBlocks = new Array<number>(padded * maskWidth).fill(-1);
  const maskOffsets = new Array<number>(padded * maskWidth).fill(B);
  plan.pairing.zeroedColumns.forEach((column, index) => {
    const flat = Math.floor(index / (maskWidth - 1)) * maskWidth + (index % (maskWidth - 1));
    maskBlocks[flat] = Math.floor(column / B);
    maskOffsets[flat] = column % B;
  });
  const maskBlockTable = int64Operand(maskBlocks, [padded, maskWidth]);
  const maskOffsetTable = int64Operand(maskOffsets, [padded, maskWidth]);

  /** `[row, column]` starts and ends of a 2-D Slice. */
  const corner = (row: OnnxTensor, column: number) => node('Concat', [row, int64Operand([column])], [2], 'int64', { axis: int(0) });
  /**
   * Rows `start .. start + rows` of `x`, its first `columns` columns. The start is known only at run time, so a
   * Reshape (no copy) gives the Slice its static shape: ONNX Runtime's planner runs elementwise nodes in place only
   * on buffers whose shapes it knows to match (decision 0015).
   */
  const rowsAt = (x: OnnxTensor | ReturnType<typeof int64Operand>, start: OnnxTensor, rows: number, columns = x.shape[1]!, type: 'float32' | 'int64' = 'float32') => {
    const sliced = node('Slice', [x, corner(start, 0), corner(node('Add', [start, int64Operand([rows])], [1], 'int64'), columns), int64Operand([0, 1])], [rows, columns], type);
    return node('Reshape', [sliced, int64Operand([rows, columns])], [rows, columns], type);
  };
  const keepGoing = node('Cast', [b.fill([], 1)], [], 'bool', { to: int(9) });
  const chunkBlocks = symmetricChunkBlocks(blocks);
  const masked = maskedPairs(plan.pairing.zeroedColumns, n, B);
  // The pairs holding an excluded entry zero it in their [B, B + 1] block (ScatterElements, a copy of the block);
  // the others (all but ~1.5 T of the T (T + 1) / 2 for NT-Xent) take a plain [B, B] block.
  const schedules = {
    masked: pairChunks(blocks, chunkBlocks, (i, j) => masked.has(`${i},${j}`)),
    plain: pairChunks(blocks, chunkBlocks, (i, j) => !masked.has(`${i},${j}`)),
  };

  /**
   * An outer Loop over the chunks of `schedule` (row block `I`, column blocks `J` of one chunk), an inner one over
   * the chunk's column blocks; `block` gives the pair's [2, B, W] contributions to rows `I` and rows `J`. The inner
   * Loop stacks them (scan output [length, 2, B, W]): slot `I` takes the sum of the first halves, slots `J` the
   * second halves (the diagonal's goes to the spare slot `T`: it duplicates the first half), added to the
   * loop-carried [T + 1, B, W] sums by one Gather, Add and ScatterND per chunk.
   */
  const overPairs = (schedule: ReturnType<typeof pairChunks>, columns: number, block: (rowStart: OnnxTensor, columnStart: OnnxTensor, columnBlock: OnnxTensor) => OnnxTensor) => {
    const chunks = schedule.rowBlocks.length;
    const chunkWidth = chunkBlocks + 1;
    const gather = (iteration: OnnxTensor, table: number[], shape: number[]) =>
      node('Gather', [int64Operand(table, [chunks, ...shape]), iteration], shape, 'int64', { axis: int(0) });
    const chunk = emit.loopInput([], 'int64');
    const outerCondition = emit.loopInput([], 'bool');
    const sums = emit.loopInput([blocks + 1, B, columns], 'float32');
    const rowStart = node('Mul', [gather(chunk, schedule.rowBlocks, [1]), int64Operand([B])], [1], 'int64');
    const chunkColumns = gather(chunk, schedule.columnBlocks, [chunkBlocks]);
    const length = gather(chunk, schedule.lengths, []);
    const offset = emit.loopInput([], 'int64');
    const innerCondition = emit.loopInput([], 'bool');
    const columnBlock = node('Reshape', [node('Gather', [chunkColumns, offset], [], 'int64', { axis: int(0) }), int64Operand([1])], [1], 'int64');
    const columnStart = node('Mul', [columnBlock, int64Operand([B])], [1], 'int64');
    const inner = { inputs: [offset, innerCondition], outputs: [node('Identity', [innerCondition], [], 'bool'), block(rowStart, columnStart, columnBlock)] };
    // Static shapes below are nominal where the first extent is the chunk's length (+ 1).
    const stacked = node('Loop', [length, keepGoing], [chunkWidth - 1, 2, B, columns], 'float32', { body: { kind: 'graph', graph: inner } });
    // Both halves summed over the chunk; only the first (rows I) is used.
    const halfSums = node('ReduceSum', [stacked, int64Operand([0])], [2, B, columns], 'float32', { keepdims: int(0) });
    const toColumns = node('Slice', [stacked, int64Operand([1]), int64Operand([2]), int64Operand([1])], [chunkWidth - 1, 1, B, columns], 'float32');
    const updates = node('Concat', [b.slice(halfSums, [0, 0, 0], [1, B, columns]), node('Reshape', [toColumns, int64Operand([-1, B, columns])], [chunkWidth - 1, B, columns], 'float32')], [chunkWidth, B, columns], 'float32', { axis: int(0) });
    const end = node('Reshape', [node('Add', [length, int64Operand([1], [])], [], 'int64'), int64Operand([1])], [1], 'int64');
    const slots = node('Slice', [gather(chunk, schedule.slots, [chunkWidth, 1]), int64Operand([0]), end, int64Operand([0])], [chunkWidth, 1], 'int64');
    const current = node('Gather', [sums, node('Reshape', [slots, int64Operand([-1])], [chunkWidth], 'int64')], [chunkWidth, B, columns], 'float32', { axis: int(0) });
    const next = node('ScatterND', [sums, slots, b.add(current, updates)], [blocks + 1, B, columns], 'float32');
    const outer = { inputs: [chunk, outerCondition, sums], outputs: [node('Identity', [outerCondition], [], 'bool'), next] };
    return node('Loop', [int64Operand([chunks], []), keepGoing, b.fill([blocks + 1, B, columns], 0)], [blocks + 1, B, columns], 'float32', { body: { kind: 'graph', graph: outer } });
  };
  /** Both schedules' sums ([T + 1, B, W] each, the empty one left out), as [n, W] rows: one copy out, the spare slot and the padding sliced off together. */
  const overAllPairs = (columns: number, block: (masked: boolean) => (rowStart: OnnxTensor, columnStart: OnnxTensor, columnBlock: OnnxTensor) => OnnxTensor) => {
    const totals = (['masked', 'plain'] as const).filter((kind) => schedules[kind].rowBlocks.length > 0).map((kind) => overPairs(schedules[kind], columns, block(kind === 'masked')));
    const total = totals.reduce((sum, part) => b.add(sum, part));
    return b.slice(b.reshape(total, [padded + B, columns]), [0, 0], [n, columns]);
  };

  /** Block `(I, J)` of `E'`: `exp(s - c)`; masked, [B, B + 1] with the excluded entries and the spare column B zeroed, else [B, B]. */
  const blockOf = (masked: boolean) => (rowStart: OnnxTensor, columnStart: OnnxTensor, columnBlock: OnnxTensor) => {
    const width = masked ? B + 1 : B;
    const queries = node('Concat', [rowsAt(keys, rowStart, B, dimension), b.fill([B, 1], -1)], [B, dimension + 1], 'float32', { axis: int(1) });
    const shifted = node('Gemm', [queries, rowsAt(keys, columnStart, width)], [B, width], 'float32', {
      alpha: { kind: 'float', value: plan.scale },
      transB: int(1),
    });
    if (!masked) return b.exp(shifted);
    const inBlock = node('Equal', [rowsAt(maskBlockTable, rowStart, B, maskWidth, 'int64'), columnBlock], [B, maskWidth], 'bool');
    const offsets = node('Where', [inBlock, rowsAt(maskOffsetTable, rowStart, B, maskWidth, 'int64'), int64Operand([B])], [B, maskWidth], 'int64');
    return node('ScatterElements', [b.exp(shifted), offsets, b.fill([B, maskWidth], 0)], [B, width], 'float32', { axis: int(1) });
  };

  const stack = (toRows: OnnxTensor, toColumns: OnnxTensor, columns: number) =>
    b.concat([b.reshape(toRows, [1, B, columns]), b.reshape(toColumns, [1, B, columns])], 0);

  return {
    /** `rest = E' 1`, [n, 1]. */
    restSums: () =>
      overAllPairs(1, (masked) => (rowStart, columnStart, columnBlock) => {
        const block = blockOf(masked)(rowStart, columnStart, columnBlock);
        const columnSums = node('ReduceSum', [block, int64Operand([0])], [1, block.shape[1]!], 'float32', { keepdims: int(1) });
        return stack(b.sum(block, 1, true), masked ? b.slice(columnSums, [0, 0], [1, B]) : columnSums, 1);
      }),
    /** `[E' (u_i + u_j)] z`, [n, D], for `u` of shape [n, 1]. */
    symmetricProduct: (u: OnnxTensor) => {
      const paddedU = b.concat([u, b.fill([padded + 1 - n, 1], 0)], 0);
      return overAllPairs(dimension, (masked) => (rowStart, columnStart, columnBlock) => {
        const block = blockOf(masked)(rowStart, columnStart, columnBlock);
        const width = block.shape[1]!;
        const weights = b.add(rowsAt(paddedU, rowStart, B), b.reshape(rowsAt(paddedU, columnStart, width), [1, width]));
        const weighted = b.mul(block, weights);
        const toRows = b.matmul(weighted, rowsAt(keys, columnStart, width, dimension));
        const toColumns = node('Gemm', [weighted, rowsAt(keys, rowStart, B, dimension)], [width, dimension], 'float32', { transA: int(1) });
        return stack(toRows, masked ? b.slice(toColumns, [0, 0], [B, dimension]) : toColumns, dimension);
      });
    },
  };
}

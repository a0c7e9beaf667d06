/**
 * The blocked preset backward (decision 0015) over [R, C] tiles of `G = E * X` instead of [B, n] row blocks, for
 * batches wider than one tile (decision 0017). A [B, n] row block at N = 65536 has B = 256: its keys' product
 * `G_I^T a_I` has an inner size of 256 and an [n, D] output, which ORT reads, copies (Gemm's C) and writes again per
 * block. With tiles of 2048 x 8192 (the same 64 MiB) every product has an inner size of 2048 or 8192 and a small
 * output:
 *
 * - per row block `I` (an outer Loop beyond 16 blocks): its queries `[scale a_I, -h_I]` and row factors;
 * - per column block `J` of the row block (an inner Loop, the first written out before it): `E_IJ` from one Gemm on the
 *   queries and `[p_J, 1]`, Exp, the diagonal entries that fall in the tile zeroed (ScatterElements; a tile without
 *   them writes back its own values), `X_IJ` from the inner-size-2 Gemm, `G_IJ = E_IJ * X_IJ`; then `G_IJ p_J`
 *   added to the row block's anchors (Gemm's C, [R, D]) and `G_IJ^T a_I` ([C, D]) as the column block's keys;
 * - the row block's keys ([n, D], the column blocks' stacked) added to the sum over the row blocks.
 */
import type { TensorBackend } from '@contrastive/core';
import type { GraphEmitter } from './constant-shift-kernel.js';
import { crossViewBlockPasses, maximumCrossViewBlockBytes } from './cross-view-blocks.js';
import { int64Operand, isInt64Operand, type AttributeValue, type Int64Operand, type OnnxTensor } from './onnx-tensor.js';

type Start = OnnxTensor | Int64Operand;

/** Rows and columns of one tile. */
export interface CrossViewTile {
  readonly rows: number;
  readonly columns: number;
}

const int = (value: number): AttributeValue => ({ kind: 'int', value });

/**
 * The tile for `rows` pairs: columns the largest power of two up to `2 sqrt(F)` (F the floats one block may hold:
 * `maxBlockBytes`, 64 MiB at most), rows `F / columns`, both at least 2: 2048 x 8192 at 64 MiB. Tiles apply only while
 * the columns are fewer than the batch.
 *
 * @example
 * crossViewTile(65536, 2 ** 28); // { rows: 2048, columns: 8192 }
 */
export function crossViewTile(rows: number, maxBlockBytes: number): CrossViewTile {
  const floats = Math.min(maxBlockBytes, maximumCrossViewBlockBytes) / 4;
  const columns = Math.min(rows, Math.max(2, 2 ** Math.floor(Math.log2(Math.sqrt(4 * floats)))));
  return { rows: Math.min(rows, Math.max(2, Math.floor(floats / columns))), columns };
}

/** What every tile reads: the anchors, `[p, 1]`, the scale, the row shifts and the two factors of `X = [u, a] [1, v]^T`. */
export interface TileOperands {
  readonly a: OnnxTensor;
  readonly p: OnnxTensor;
  readonly keys: OnnxTensor;
  readonly scale: OnnxTensor;
  readonly shift: OnnxTensor;
  readonly rowFactors: OnnxTensor;
  readonly columnFactors: OnnxTensor;
}

/**
 * `G p` and `G^T a` over the tiles of `tile`.
 *
 * @example
 * const { anchors, keys } = presetTileProducts(emit, crossViewTile(n, maxBlockBytes), operands);
 */
export function presetTileProducts(emit: GraphEmitter, tile: CrossViewTile, operands: TileOperands): { anchors: OnnxTensor; keys: OnnxTensor } {
  const { node } = emit;
  const { a, p, keys, scale, shift, rowFactors, columnFactors } = operands;
  const [n, dimension] = a.shape as [number, number];
  const rowBlocks = crossViewBlockPasses(emit, tile.rows);
  const columnBlocks = crossViewBlockPasses(emit, tile.columns);
  const masking = diagonalMasking(emit);
  // Outer carried: the keys summed over the row blocks so far; each row block's rows: its anchors.
  const result = rowBlocks.overBlocks(emit.backend(), n, 'first-block', (start, rows, keysSoFar) => {
    const b = emit.backend();
    const aBlock = rowBlocks.sliceRows(a, start, rows);
    const queries = b.concat([b.mul(aBlock, scale), b.neg(rowBlocks.sliceRows(shift, start, rows))], 1);
    const blockRowFactors = rowBlocks.sliceRows(rowFactors, start, rows);
    // Inner carried: the row block's anchors (Gemm's C); each column block's rows: its keys.
    const tiles = columnBlocks.overBlocks(b, n, 'first-block', (columnStart, columns, anchorsSoFar) => {
      const shifted = node('Gemm', [queries, columnBlocks.sliceRows(keys, columnStart, columns)], [rows, columns], 'float32', { transB: int(1) });
      const exponentials = masking(b.exp(shifted), start, rows, columnStart, columns);
      const weights = node('Gemm', [blockRowFactors, columnBlocks.sliceRows(columnFactors, columnStart, columns)], [rows, columns], 'float32', { transB: int(1) });
      const gradient = b.mul(exponentials, weights);
      const pBlock = columnBlocks.sliceRows(p, columnStart, columns);
      const anchors = anchorsSoFar ? node('Gemm', [gradient, pBlock, anchorsSoFar], [rows, dimension], 'float32') : b.matmul(gradient, pBlock);
      return { carried: anchors, rows: node('Gemm', [gradient, aBlock], [columns, dimension], 'float32', { transA: int(1) }) };
    }, 1);
    return { carried: keysSoFar ? b.add(keysSoFar, tiles.rows) : tiles.rows, rows: tiles.carried! };
  });
  return { anchors: result.rows, keys: result.carried! };
}

/**
 * Zeroes the entries of a [rows, columns] tile (rows from `start`, columns from `columnStart`) that lie on the
 * batch's diagonal. Offsets known at trace time: nothing for a tile without them, else one ScatterElements of zeros.
 * Offsets known only at run time (a Loop's block): each row's diagonal column, clamped into the tile, gets 0 where
 * it lies in the tile and its own value where it does not (GatherElements, Where), the index arithmetic in float32
 * (exact below 2^24).
 */
function diagonalMasking(emit: GraphEmitter) {
  const { node } = emit;
  return (tile: OnnxTensor, start: Start, rows: number, columnStart: Start, columns: number): OnnxTensor => {
    const b: TensorBackend<OnnxTensor> = emit.backend();
    const scatter = (indices: OnnxTensor | Int64Operand, updates: OnnxTensor) =>
      node('ScatterElements', [tile, indices, updates], [rows, columns], 'float32', { axis: int(1) });
    if (isInt64Operand(start) && isInt64Operand(columnStart)) {
      const offset = Number(start.values[0]) - Number(columnStart.values[0]);
      const diagonal = Array.from({ length: rows }, (_, i) => offset + i);
      const inTile = diagonal.map((column) => column >= 0 && column < columns);
      if (!inTile.includes(true)) return tile;
      if (!inTile.includes(false)) return scatter(int64Operand(Int32Array.from(diagonal), [rows, 1]), b.fill([rows, 1], 0));
    }
    const position = (x: Start) => node('Cast', [x], [1], 'float32', { to: int(1) });
    const steps = b.fromArray(Float32Array.from({ length: rows }, (_, i) => i), [rows, 1]);
    const local = b.add(steps, b.sub(position(start), position(columnStart)));
    const clamped = b.minimum(b.maximum(local, b.fill([], 0)), b.fill([], columns - 1));
    const indices = node('Cast', [clamped], [rows, 1], 'int64', { to: int(7) });
    const own = node('GatherElements', [tile, indices], [rows, 1], 'float32', { axis: int(1) });
    const inside = node('Equal', [clamped, local], [rows, 1], 'bool');
    return scatter(indices, node('Where', [inside, b.fill([rows, 1], 0), own], [rows, 1], 'float32'));
  };
}

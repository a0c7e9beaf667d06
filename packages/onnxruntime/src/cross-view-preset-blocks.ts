/**
 * The preset line shift (decision 0014) over row blocks of `s = scale a p^T` (decision 0012), for CLIP and symmetric
 * InfoNCE above `maxBlockBytes` (decision 0015). The shifts `h` come from [n, D] dots before any product, so no
 * block needs the running maxima of the online log-sum-exp:
 *
 * - forward, per block `I`: one Gemm on `[scale a_I, -h_I]` and `[p, 1]` gives `s_I - h_I`, Exp and
 *   ScatterElements (diagonal 0) give `E_I`, ReduceSum the rows' rests, and `alpha_I^T E_I` (a [1, B] x [B, n]
 *   MatMul) is added to the columns' sums in units of `e^m`, carried from block to block;
 * - backward, per block: `E_I` again, `G_I = E_I * X_I`, `X_I = [u_I, alpha_I] [1, beta]^T` (an inner-size-2
 *   Gemm), then `G_I p` (the block's rows) and `G_I^T a_I` (added to the keys, Gemm's C); for batches wider than
 *   one tile the same per [R, C] tile instead (cross-view-preset-tiles.ts, decision 0017);
 * - the fallbacks of decision 0014, each a Loop of 0 or 1 trips around the maxima blocks of cross-view-blocks.ts.
 */
import type { CrossViewForwardPass, CrossViewPlan } from '@contrastive/core';
import type { GraphEmitter } from './constant-shift-kernel.js';
import { crossViewBlockPasses } from './cross-view-blocks.js';
import { presetLine, type PresetLineState } from './cross-view-preset-passes.js';
import { presetTileProducts, type CrossViewTile } from './cross-view-preset-tiles.js';
import type { AttributeValue, OnnxTensor } from './onnx-tensor.js';
import { inLoopBody, onlyWhen, onlyWhenAll } from './preset-row-shift-passes.js';

/**
 * What the blocked preset forward keeps for its backward (the kernel routes `products` here when
 * `state.presetBlocks` is set).
 *
 * @example
 * if ((state as CrossViewPresetBlockState).presetBlocks) return passes.products(a, p, plan, u, v, state);
 */
export interface CrossViewPresetBlockState extends PresetLineState {
  readonly presetBlocks: true;
  readonly scale: OnnxTensor;
  /** `[p, 1]`, the right operand of each block's Gemm. */
  readonly keys: OnnxTensor;
}

const axis = (value: number): AttributeValue => ({ kind: 'int', value });

/**
 * The blocked preset forward and products, blocks of `blockRows` rows; the backward over `tile`s where a tile has
 * fewer columns than the batch (cross-view-preset-tiles.ts), else over the row blocks.
 *
 * @example
 * const passes = crossViewPresetBlockPasses(emit, 256, { rows: 2048, columns: 8192 });
 * const pass = passes.forward(a, p, scale, plan); const { anchors, keys } = passes.products(a, p, plan, u, v, pass.state);
 */
export function crossViewPresetBlockPasses(emit: GraphEmitter, blockRows: number, tile?: CrossViewTile) {
  const { node } = emit;
  const blocks = crossViewBlockPasses(emit, blockRows);
  const line = presetLine(emit);
  /**
   * `exp(s_I - h_I)` with the diagonal 0, [rows, n]. The block's queries `[scale a_I, -h_I]` are formed per block,
   * so that no [n, D] copy of the queries is held through the Loops.
   */
  const exponentials = (a: OnnxTensor, scale: OnnxTensor, shift: OnnxTensor, keys: OnnxTensor, start: Parameters<typeof blocks.sliceRows>[1], rows: number) => {
    const b = emit.backend();
    const n = keys.shape[0]!;
    const queries = b.concat([b.mul(blocks.sliceRows(a, start, rows), scale), b.neg(blocks.sliceRows(shift, start, rows))], 1);
    const shifted = node('Gemm', [queries, keys], [rows, n], 'float32', { transB: axis(1) });
    return node('ScatterElements', [emit.backend().exp(shifted), blocks.rowIndices(start, rows), emit.backend().fill([rows, 1], 0)], [rows, n], 'float32', { axis: axis(1) });
  };
  const withOnes = (p: OnnxTensor) => emit.backend().concat([p, emit.backend().fill([p.shape[0]!, 1], 1)], 1);

  return {
    forward(a: OnnxTensor, p: OnnxTensor, scale: OnnxTensor, plan: CrossViewPlan): CrossViewForwardPass<OnnxTensor> {
      const b = emit.backend();
      const n = plan.rows;
      const shifts = line.shifts(a, p, scale);
      const { queries, positiveLogits, shift, top, rowScales } = shifts;
      const keys = withOnes(p);
      // Carried: the columns' sums in units of e^m ([1, n]); each block's rows: their rests.
      const sums = blocks.overBlocks(b, n, b.fill([1, n], 0), (start, rows, columnSums) => {
        const block = exponentials(a, scale, shift, keys, start, rows);
        const scales = b.reshape(blocks.sliceRows(rowScales, start, rows), [1, rows]);
        return { carried: b.add(columnSums!, b.matmul(scales, block)), rows: b.sum(block, 1, true) };
      });
      const rowRest = sums.rows;
      const columnSums = b.reshape(sums.carried!, [n, 1]);
      const columnRest = b.mul(columnSums, b.exp(b.sub(top, shift)));
      const needed = line.fallBack(shifts, rowRest, columnSums);
      const exact = (start: OnnxTensor) => {
        const pass = blocks.forward(inLoopBody(emit, a, start), p, scale, plan);
        return b.concat([pass.rowShift, pass.rowRest, pass.columnShift!, pass.columnRest!], 1);
      };
      const statistics = onlyWhen(emit, needed, b.concat([shift, rowRest, shift, columnRest], 1), exact);
      const column = (index: number) => b.slice(statistics, [0, index], [n, 1]);
      const state: CrossViewPresetBlockState = { presetBlocks: true, scale, keys, shift, top, rowShift: column(0), columnShift: column(2), queries, needed };
      return { positiveLogits, rowShift: column(0), rowRest: column(1), columnShift: column(2), columnRest: column(3), state };
    },

    /** `G p` and `G^T a` with `G = u E_r + E_c v^T` (diagonal 0), block by block. */
    products(a: OnnxTensor, p: OnnxTensor, plan: CrossViewPlan, u: OnnxTensor, v: OnnxTensor, state: CrossViewPresetBlockState) {
      const b = emit.backend();
      const n = plan.rows;
      const dimension = a.shape[1]!;
      const { scale, keys, shift, top } = state;
      const columnScales = b.mul(v, b.exp(b.sub(top, shift)));
      const rowFactors = b.concat([u, b.exp(b.sub(shift, top))], 1);
      const columnFactors = b.concat([b.fill([n, 1], 1), columnScales], 1);
      const tiled = tile && tile.columns < n ? presetTileProducts(emit, tile, { a, p, keys, scale, shift, rowFactors, columnFactors }) : undefined;
      // Carried: G^T a over the blocks so far (Gemm's C; the first block starts it); each block's rows: G p.
      const fast = tiled ? { rows: tiled.anchors, carried: tiled.keys } : blocks.overBlocks(b, n, 'first-block', (start, rows, keysSoFar) => {
        const weights = node('Gemm', [blocks.sliceRows(rowFactors, start, rows), columnFactors], [rows, n], 'float32', { transB: axis(1) });
        const gradient = b.mul(exponentials(a, scale, shift, keys, start, rows), weights);
        const operands = [gradient, blocks.sliceRows(a, start, rows), ...(keysSoFar ? [keysSoFar] : [])];
        const keyProducts = node('Gemm', operands, [n, dimension], 'float32', { transA: axis(1) });
        return { carried: keyProducts, rows: b.matmul(gradient, p) };
      });
      const exact = (start: OnnxTensor) => {
        const body = inLoopBody(emit, a, start);
        const recomputed = blocks.products(body, p, plan, u, v, { rowShift: state.rowShift, columnShift: state.columnShift, queries: b.mul(body, scale), alpha: 1 });
        return [recomputed.anchors, recomputed.keys];
      };
      const [anchors, keyProducts] = onlyWhenAll(emit, line.backwardFallBack(state.needed, columnScales), [fast.rows, fast.carried!], exact);
      return { anchors: anchors!, keys: keyProducts! };
    },
  };
}

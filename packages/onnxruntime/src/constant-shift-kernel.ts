/**
 * This backend's fused `similarityCrossEntropy`: core's constant-shift kernel (decision 0004) with the two passes
 * over the [n, n] exponentials as few ONNX nodes as ONNX Runtime's CPU kernels allow:
 *
 * - rest sums: one Gemm on `[z, -1]` and `[z, 1]` with `alpha = scale` gives `s - c` directly, one Exp,
 *   ScatterElements zeroes the excluded and positive columns (in place), one ReduceSum;
 * - backward product: one broadcast Add `u + u^T`, one Mul, one MatMul (no Transpose, no Where);
 * - below temperature 1/40 (row shift), one block: core's preset shift `c` (decision 0013) folded into the Gemm as
 *   `[z, -c / scale]`, then the same Exp, ScatterElements and ReduceSum as the constant shift; the backward is
 *   `E' * X` (X from one Gemm of inner size 2, see `presetProduct`) times `z`, one MatMul. Fallbacks, each a Loop of
 *   0 or 1 trips: rows whose denominator underflows take the row maxima below (for every row), and shifts spanning
 *   more than `maximumShiftSpread` take the two products below;
 * - below temperature 1/40 in row blocks (and the fallback): the Gemm gives `s`, ScatterElements sets the excluded
 *   and positive columns to -Infinity, ReduceMax and the positives' logits give `h`, then Sub, Exp and ReduceSum;
 *   the backward is `u * (E' z)` (MatMul) plus `E'^T (u * z)` (one Gemm with `transA`, adding the first as its `C`).
 *
 * Memory: when the [n, n] float32 matrix would exceed `maxBlockBytes` (default 256 MiB), the constant shift runs
 * over square blocks of the symmetric `E'`, each pair `I <= J` once for rows `I` and `J` (symmetric-block-pairs.ts,
 * decision 0009): half the forward's Gemm work and one block product per pair in the backward, up to 64 blocks
 * per side (beyond, the row blocks below). The row shift runs
 * its rows in blocks of `B` inside an ONNX Loop (plus one tail block); its forward keeps only `rest` and its
 * backward recomputes each block (the Inf-CL scheme). Extra memory O(B^2 + n D) or O(B n + n D) instead of O(n^2),
 * in one exportable graph.
 */
import { composedWorkingMatrices, constantShiftSimilarityCrossEntropy, type ConstantShiftPlan, type SimilarityCrossEntropy, type TensorBackend } from '@contrastive/core';
import { int64Operand, isInt64Operand, type AttributeValue, type Int64Operand, type OnnxElementType, type OnnxTensor } from './onnx-tensor.js';
import { onlyWhen, presetProduct, presetRestSums } from './preset-row-shift-passes.js';
import { squareBlockRows, symmetricBlockPasses, symmetricBlocksApply, symmetricBlocksFit } from './symmetric-block-pairs.js';

/** Emits one ONNX node whose output the tracing backend tracks like a primitive's. */
export type EmitNode = (
  opType: string,
  inputs: (OnnxTensor | Int64Operand)[],
  shape: readonly number[],
  type?: OnnxElementType,
  attributes?: Record<string, AttributeValue>,
) => OnnxTensor;

export interface GraphEmitter {
  readonly node: EmitNode;
  /** A formal input of a loop body (the iteration number, the condition). */
  readonly loopInput: (shape: readonly number[], type: OnnxElementType) => OnnxTensor;
  /** Output `index` (from 1) of the node whose first output is `of` (a Loop's scan outputs after its carried value). */
  readonly output: (of: OnnxTensor, index: number, shape: readonly number[], type?: OnnxElementType) => OnnxTensor;
  /** The tracing backend itself, for primitives. */
  readonly backend: () => TensorBackend<OnnxTensor>;
}

/**
 * Rows `start .. start + rows` of `x` (a Slice). With a run-time start (a Loop body) a Reshape (no copy) gives the
 * slice its static shape: ONNX Runtime's planner runs elementwise nodes in place only on buffers whose shapes it
 * knows to match (decision 0015).
 *
 * @example
 * const block = rowsFrom(emit, queries, start, 256);
 */
export function rowsFrom(emit: GraphEmitter, x: OnnxTensor | Int64Operand, start: OnnxTensor | Int64Operand, rows: number, type: OnnxElementType = 'float32'): OnnxTensor {
  const { node } = emit;
  const shape = [rows, x.shape[1]!];
  if (isInt64Operand(start)) return node('Slice', [x, start, int64Operand([Number(start.values[0]) + rows]), int64Operand([0])], shape, type);
  const sliced = node('Slice', [x, start, node('Add', [start, int64Operand([rows])], [1], 'int64'), int64Operand([0])], shape, type);
  return node('Reshape', [sliced, int64Operand(shape)], shape, type);
}

/** Default bound on one [rows, n] float32 block: 256 MiB (n = 8192 rows still runs as one block). */
export const defaultMaxBlockBytes = 2 ** 28;

/** The values of a traced tensor fixed at trace time (constant data), else `undefined`. */
export function traceTimeValues(x: OnnxTensor): Float32Array | undefined {
  if (x.source.kind === 'data') return x.source.values;
  if (x.source.kind === 'node' && x.source.node.opType === 'Constant') {
    const value = x.source.node.attributes['value'];
    if (value?.kind === 'tensor') return value.values;
  }
  return undefined;
}

type Start = OnnxTensor | Int64Operand;

/** What the row-shift forward keeps: `E'` when it is one block, the shifts, and with a preset shift its fallback flag. */
interface RowShiftState {
  readonly zeroed?: OnnxTensor;
  readonly shift: OnnxTensor;
  readonly needed?: OnnxTensor;
}

/**
 * Live [n, n] matrices for the resource guard: the passes keep E' and the forward's intermediates (3) when the
 * matrix fits one block, else one block of rows at a time; the composed kernel's count otherwise.
 */
export function constantShiftWorkingMatrices(maxBlockBytes: number, constantShift: boolean, rows: number, rowShift = false): number {
  if (!constantShift && !rowShift) return composedWorkingMatrices;
  // Row shifts keep two more shifted copies per block (the shifted logits and their exponentials).
  const perBlock = constantShift ? 3 : 5;
  const blockRows = Math.max(1, Math.min(rows, Math.floor(maxBlockBytes / (4 * rows))));
  if (blockRows >= rows) return perBlock;
  if (!constantShift || !symmetricBlocksFit(rows, maxBlockBytes)) return (perBlock * blockRows) / rows;
  // Symmetric pairs keep four [B, B + 1] blocks at most (the backward's Gemm, Exp, zeroed block and weighted
  // block; their [T B, D] sums are n x D, not counted here); the row blocks (the fallback beyond 64 blocks per side
  // and at scales whose padding would not underflow) three [B, n] ones.
  const side = squareBlockRows(rows, maxBlockBytes);
  return Math.max((perBlock * blockRows) / rows, (4 * side * (side + 1)) / (rows * rows));
}

export function constantShiftKernel(emit: GraphEmitter, maxBlockBytes = defaultMaxBlockBytes): SimilarityCrossEntropy<OnnxTensor> {
  const { node } = emit;
  const axis = (value: number): AttributeValue => ({ kind: 'int', value });
  const blockRowsOf = (n: number) => Math.max(1, Math.min(n, Math.floor(maxBlockBytes / (4 * n))));

  const sliceRows = <X extends OnnxTensor | Int64Operand>(x: X, start: Start, rows: number, type: OnnxElementType = 'float32'): X | OnnxTensor => {
    if (isInt64Operand(start) && start.values[0] === 0 && rows === x.shape[0]) return x;
    return rowsFrom(emit, x, start, rows, type);
  };

  /**
   * Runs `block(start, rows)` over all `n` rows: one call when it fits, else an ONNX Loop over the full blocks
   * plus a tail, stacking the [rows, width] results into [n, width].
   */
  const overBlocks = (n: number, width: number, block: (start: Start, rows: number) => OnnxTensor) => {
    const b = emit.backend();
    const blockRows = blockRowsOf(n);
    if (blockRows >= n) return block(int64Operand([0]), n);
    const blocks = Math.floor(n / blockRows);
    const iteration = emit.loopInput([], 'int64');
    const condition = emit.loopInput([], 'bool');
    const start = node('Reshape', [node('Mul', [iteration, int64Operand([blockRows], [])], [], 'int64'), int64Operand([1])], [1], 'int64');
    const body = { inputs: [iteration, condition], outputs: [node('Identity', [condition], [], 'bool'), block(start, blockRows)] };
    const keepGoing = node('Cast', [b.fill([], 1)], [], 'bool', { to: axis(9) });
    const stacked = node('Loop', [int64Operand([blocks], []), keepGoing], [blocks, blockRows, width], 'float32', { body: { kind: 'graph', graph: body } });
    const full = b.reshape(stacked, [blocks * blockRows, width]);
    const tail = n - blocks * blockRows;
    return tail === 0 ? full : b.concat([full, block(int64Operand([blocks * blockRows]), tail)], 0);
  };

  /** Rows `start .. start + rows` of `E = exp(s - c)` with the excluded keys and the positives set to 0. */
  const zeroedBlock = (plan: ConstantShiftPlan, z: OnnxTensor, start: Start, rows: number) => {
    const b = emit.backend();
    const n = plan.pairing.rows;
    const shiftedRows = b.concat([z, b.fill([n, 1], -1)], 1);
    const keys = b.concat([z, b.fill([n, 1], 1)], 1);
    const shifted = node('Gemm', [sliceRows(shiftedRows, start, rows), keys], [rows, n], 'float32', {
      alpha: { kind: 'float', value: plan.scale },
      transB: axis(1),
    });
    const width = plan.pairing.zeroedColumns.length / n;
    const columns = sliceRows(int64Operand(plan.pairing.zeroedColumns, [n, width]), start, rows, 'int64');
    return node('ScatterElements', [b.exp(shifted), columns, b.fill([rows, width], 0)], [rows, n], 'float32', { axis: axis(1) });
  };

  /** Rows `start .. start + rows` of `s = scale z z^T` with the excluded keys and the positives set to -Infinity. */
  const maskedLogitsBlock = (plan: ConstantShiftPlan, z: OnnxTensor, start: Start, rows: number) => {
    const b = emit.backend();
    const n = plan.pairing.rows;
    const logits = node('Gemm', [sliceRows(z, start, rows), z], [rows, n], 'float32', { alpha: { kind: 'float', value: plan.scale }, transB: axis(1) });
    const width = plan.pairing.zeroedColumns.length / n;
    const columns = sliceRows(int64Operand(plan.pairing.zeroedColumns, [n, width]), start, rows, 'int64');
    return node('ScatterElements', [logits, columns, b.fill([rows, width], -Infinity)], [rows, n], 'float32', { axis: axis(1) });
  };

  /** Row shift: `rest` and `h` (row `i`'s largest logit over its denominator), with `E'` when it is one block. */
  const rowShiftedRestSums = (z: OnnxTensor, plan: ConstantShiftPlan, positiveLogits: readonly OnnxTensor[]) => {
    const b = emit.backend();
    const n = plan.pairing.rows;
    const positiveMax = positiveLogits.reduce((h, p) => b.maximum(h, p));
    let zeroed: OnnxTensor | undefined;
    const sums = overBlocks(n, 2, (start, rows) => {
      const masked = maskedLogitsBlock(plan, z, start, rows);
      const rowMax = node('ReduceMax', [masked], [rows, 1], 'float32', { axes: { kind: 'ints', value: [1] }, keepdims: axis(1) });
      const shift = b.maximum(rowMax, sliceRows(positiveMax, start, rows));
      const exponentials = b.exp(b.sub(masked, shift));
      if (rows === n) zeroed = exponentials;
      return b.concat([b.sum(exponentials, 1, true), shift], 1);
    });
    const shift = b.slice(sums, [0, 1], [n, 1]);
    return { rest: b.slice(sums, [0, 0], [n, 1]), shift, state: { zeroed, shift } };
  };

  /** Row shift: `u * (E' z) + E'^T (u * z)`, where row `j` of `E'^T`'s factor `exp(s_ij - h_j)` carries `h_j`. */
  const rowShiftedProduct = (z: OnnxTensor, plan: ConstantShiftPlan, u: OnnxTensor, state: RowShiftState) => {
    const b = emit.backend();
    const n = plan.pairing.rows;
    const weighted = b.mul(u, z);
    const shiftRow = b.reshape(state.shift, [1, n]);
    const recomputed = (start: Start, rows: number) => {
      const masked = maskedLogitsBlock(plan, z, start, rows);
      const own = b.mul(sliceRows(u, start, rows), b.matmul(b.exp(b.sub(masked, sliceRows(state.shift, start, rows))), z));
      return b.add(own, b.matmul(b.exp(b.sub(masked, shiftRow)), weighted));
    };
    const { zeroed, needed } = state;
    const twoProducts = (kept: OnnxTensor) => node('Gemm', [kept, weighted, b.mul(u, b.matmul(kept, z))], [n, z.shape[1]!], 'float32', { transA: axis(1) });
    if (zeroed && needed) {
      // A preset shift's fallback changed the shift of every row: the kept E' no longer matches it.
      const product = presetProduct(emit, { z, u, zeroed, shift: state.shift }, (start) => twoProducts(sliceRows(zeroed, start, n)));
      return onlyWhen(emit, needed, product, (start) => recomputed(start, n));
    }
    if (zeroed) return twoProducts(zeroed);
    return overBlocks(n, z.shape[1]!, recomputed);
  };

  const kernel = constantShiftSimilarityCrossEntropy<OnnxTensor>({
    rowShift: true,
    knownValues: traceTimeValues,
    gatherRows: (x, rows) => node('Gather', [x, int64Operand(rows)], [rows.length, x.shape[1]!], 'float32', { axis: axis(0) }),
    presetRowShift: true,
    restSums(z, plan, positiveLogits, preset) {
      // Row blocks keep the row maxima (the preset's fallback would have to recompute every block).
      if (plan.rowShift && preset && blockRowsOf(plan.pairing.rows) >= plan.pairing.rows) {
        const positiveMax = positiveLogits.reduce((h, p) => emit.backend().maximum(h, p));
        return presetRestSums(emit, plan, z, preset, (start) => {
          const b = emit.backend();
          const masked = maskedLogitsBlock(plan, z, start, plan.pairing.rows);
          const shift = b.maximum(node('ReduceMax', [masked], [plan.pairing.rows, 1], 'float32', { axes: { kind: 'ints', value: [1] }, keepdims: axis(1) }), positiveMax);
          return b.concat([b.sum(b.exp(b.sub(masked, shift)), 1, true), shift], 1);
        });
      }
      if (plan.rowShift) return rowShiftedRestSums(z, plan, positiveLogits);
      if (blockRowsOf(plan.pairing.rows) < plan.pairing.rows && symmetricBlocksApply(plan.scale) && symmetricBlocksFit(plan.pairing.rows, maxBlockBytes)) {
        const pairs = symmetricBlockPasses(emit, plan, z, squareBlockRows(plan.pairing.rows, maxBlockBytes));
        return { rest: pairs.restSums(), state: pairs };
      }
      let zeroed: OnnxTensor | undefined;
      const rest = overBlocks(plan.pairing.rows, 1, (start, rows) => {
        const block = zeroedBlock(plan, z, start, rows);
        if (rows === plan.pairing.rows) zeroed = block;
        return emit.backend().sum(block, 1, true);
      });
      return { rest, state: zeroed };
    },
    symmetricProduct(z, plan, u, state) {
      if (plan.rowShift) return rowShiftedProduct(z, plan, u, state as RowShiftState);
      if (state && 'symmetricProduct' in (state as object)) return (state as ReturnType<typeof symmetricBlockPasses>).symmetricProduct(u);
      const b = emit.backend();
      const n = plan.pairing.rows;
      const uRow = b.reshape(u, [1, n]);
      return overBlocks(n, z.shape[1]!, (start, rows) => {
        const block = rows === n && state ? (state as OnnxTensor) : zeroedBlock(plan, z, start, rows);
        return b.matmul(b.mul(block, b.add(sliceRows(u, start, rows), uRow)), z);
      });
    },
  });
  return {
    ...kernel,
    // The passes keep E' (3 matrices with the forward's intermediates) when it fits one block, else one block
    // of rows at a time; the composed kernel otherwise.
    workingMatrices: (set) => constantShiftWorkingMatrices(maxBlockBytes, set.constantShift, set.rows, set.rowShift ?? false),
  };
}

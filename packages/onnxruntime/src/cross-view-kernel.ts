/**
 * This backend's fused `crossViewCrossEntropy` (CLIP, in-batch InfoNCE, the contrastive loss): core's cross-view
 * kernel with its passes over the [n, n] similarities as ONNX nodes:
 *
 * - forward: one Gemm gives `s`; its diagonal comes from row dot products when the scale is known at trace time and
 *   at most `maximumRowShift` (then the ScatterElements that sets the diagonal to -Infinity is the product's only
 *   reader and runs in place), else from GatherElements (CLIP: the logit scale is a graph input);
 *   ReduceMax over rows (and over columns for two directions) gives the shifts (with the diagonal, or without it
 *   when decoupled); Sub + Exp give the row- (and column-) shifted exponentials `E_r`, `E_c` (the diagonal an exact
 *   0), ReduceSum their sums;
 * - backward, two directions: `G = u E_r + E_c v^T` off the diagonal (three elementwise passes), then `G p` and
 *   `G^T a` (two products, as the matmul floor counts them); one direction: `u * (E_r p)` and `E_r^T (u * a)`, a
 *   MatMul and a transposed Gemm with no [n, n] elementwise pass;
 * - preset line shift (unit rows, two directions, the positive in the denominators, a scale that is a graph input
 *   or known and at most `maximumPresetShift`): cross-view-preset-passes.ts (decision 0014), no [n, n] maxima;
 * - constant shift (unit rows, a scale known at trace time and at most `maximumConstantShift`): the Gemm on
 *   `[a, -1]` and `[p, 1]` with `alpha = scale` gives `s - scale` directly, one Exp serves both directions, and the
 *   two-direction backward is `H = E * (u + v^T)`, `H p` and `H^T a` (two products).
 *
 * Live [n, n] matrices (`workingMatrices`): two directions with maxima 5 (`s`, its masked copy, `E_r`, `E_c`, then
 * `G` with its partial products), else 3 (a product, its exponentials and their diagonal-zeroed copy in the forward;
 * the one exponential matrix in the backward). Once one [n, n] float32 matrix exceeds `maxBlockBytes` (default
 * 256 MiB, n above 8192) the passes run over row blocks of [B, n], at most 64 MiB each (cross-view-blocks.ts,
 * decision 0012): the same counts of [B, n] blocks, with row and column maxima, or with the preset line shift where
 * the whole matrix would take it (cross-view-preset-blocks.ts, decision 0015).
 */
import { fusedCrossViewCrossEntropy, maximumRowShift, type CrossViewCrossEntropy, type CrossViewPlan } from '@contrastive/core';
import { defaultMaxBlockBytes, traceTimeValues, type GraphEmitter } from './constant-shift-kernel.js';
import { crossViewBlockMatrices, crossViewBlockPasses, crossViewBlockRows } from './cross-view-blocks.js';
import { crossViewPresetBlockPasses, type CrossViewPresetBlockState } from './cross-view-preset-blocks.js';
import { crossViewTile } from './cross-view-preset-tiles.js';
import { crossViewPresetPasses, type CrossViewPresetState } from './cross-view-preset-passes.js';
import { int64Operand, type AttributeValue, type OnnxTensor } from './onnx-tensor.js';

interface State {
  readonly rows: OnnxTensor;
  readonly columns: OnnxTensor;
}

/**
 * The fused cross-view kernel over `emit`'s graph.
 *
 * @param emit - Emits nodes into the traced graph.
 * @param maxBlockBytes - Largest [n, n] float32 matrix the path materialises; above it the passes run in row blocks.
 * @returns The `crossViewCrossEntropy` override.
 */
export function crossViewKernel(emit: GraphEmitter, maxBlockBytes = defaultMaxBlockBytes): CrossViewCrossEntropy<OnnxTensor> {
  const { node } = emit;
  // One row has no negatives to carry a running column maximum: it always fits.
  const blocked = (n: number) => n >= 2 && 4 * n ** 2 > maxBlockBytes;
  const int = (value: number): AttributeValue => ({ kind: 'int', value });
  const diagonalIndices = (n: number) => int64Operand(Int32Array.from({ length: n }, (_, i) => i), [n, 1]);
  const reduceMax = (x: OnnxTensor, axis: number, shape: number[]) =>
    node('ReduceMax', [x], shape, 'float32', { axes: { kind: 'ints', value: [axis] }, keepdims: int(1) });

  /** Both directions shifted by the constant `c = scale`: one exponential matrix, symmetric in its use. */
  const constantForward = (a: OnnxTensor, p: OnnxTensor, plan: CrossViewPlan, c: number) => {
    const b = emit.backend();
    const n = plan.rows;
    // [a, -1] [p, 1]^T with alpha = c is s - c from the product itself (Gemm's broadcast C input would add a pass
    // writing C into the [n, n] output first).
    const shifted = node('Gemm', [b.concat([a, b.fill([n, 1], -1)], 1), b.concat([p, b.fill([n, 1], 1)], 1)], [n, n], 'float32', {
      alpha: { kind: 'float', value: c },
      transB: int(1),
    });
    const indices = diagonalIndices(n);
    const shiftedDiagonal = node('GatherElements', [shifted, indices], [n, 1], 'float32', { axis: int(1) });
    const exponentials = node('ScatterElements', [b.exp(shifted), indices, b.fill([n, 1], 0)], [n, n], 'float32', { axis: int(1) });
    const shift = b.fill([n, 1], c);
    const rows = { positiveLogits: b.add(shiftedDiagonal, shift), rowShift: shift, rowRest: b.sum(exponentials, 1, true) };
    const state: State = { rows: exponentials, columns: exponentials };
    if (plan.directions === 1) return { ...rows, state };
    return { ...rows, columnShift: shift, columnRest: b.reshape(b.sum(exponentials, 0, true), [n, 1]), state };
  };

  const kernel = fusedCrossViewCrossEntropy<OnnxTensor>({
    knownValues: traceTimeValues,
    oneDirection: true,
    decoupled: true,
    workingMatrices: (plan) =>
      blocked(plan.rows) ? crossViewBlockMatrices(plan.rows, maxBlockBytes, plan.directions ?? 2) : plan.directions === 1 ? 3 : plan.constantShift === undefined ? 5 : 3,
    forward(a, p, scale, plan) {
      if (blocked(plan.rows)) {
        const rows = crossViewBlockRows(plan.rows, maxBlockBytes);
        if (plan.presetShift) return crossViewPresetBlockPasses(emit, rows).forward(a, p, scale, plan);
        return crossViewBlockPasses(emit, rows).forward(a, p, scale, plan);
      }
      if (plan.constantShift !== undefined) return constantForward(a, p, plan, plan.constantShift);
      if (plan.presetShift) return crossViewPresetPasses(emit).forward(a, p, scale);
      const b = emit.backend();
      const n = plan.rows;
      const known = traceTimeValues(scale);
      const logits = known?.length === 1
        ? node('Gemm', [a, p], [n, n], 'float32', { alpha: { kind: 'float', value: known[0]! }, transB: int(1) })
        : b.matmul(b.mul(a, scale), p, { transposeB: true });
      const indices = diagonalIndices(n);
      // With a known scale up to maximumRowShift the diagonal comes from row dot products (O(n D)): the product's only
      // reader is then the ScatterElements, which ORT runs in place (its copying form took ~190 ms of a ~750 ms InfoNCE
      // run at load 8).
      const fromRows = plan.knownScale !== undefined && plan.knownScale <= maximumRowShift;
      const positiveLogits = fromRows
        ? b.mul(b.sum(b.mul(a, p), 1, true), scale)
        : node('GatherElements', [logits, indices], [n, 1], 'float32', { axis: int(1) });
      const masked = node('ScatterElements', [logits, indices, b.fill([n, 1], -Infinity)], [n, n], 'float32', { axis: int(1) });
      // Decoupled: each shift is the maximum over the negatives alone (the positive is not in the sum).
      const withPositive = (maxima: OnnxTensor, positive: OnnxTensor) => (plan.positivesInDenominator === false ? maxima : b.maximum(maxima, positive));
      const rowShift = withPositive(reduceMax(masked, 1, [n, 1]), positiveLogits);
      const rows = b.exp(b.sub(masked, rowShift));
      const rowStatistics = { positiveLogits, rowShift, rowRest: b.sum(rows, 1, true) };
      if (plan.directions === 1) return { ...rowStatistics, state: { rows, columns: rows } satisfies State };
      const columnShift = withPositive(reduceMax(masked, 0, [1, n]), b.reshape(positiveLogits, [1, n]));
      const columns = b.exp(b.sub(masked, columnShift));
      return {
        ...rowStatistics,
        columnShift: b.reshape(columnShift, [n, 1]), columnRest: b.reshape(b.sum(columns, 0, true), [n, 1]),
        state: { rows, columns } satisfies State,
      };
    },
    products(a, p, plan, u, v, state) {
      if (blocked(plan.rows)) {
        const rows = crossViewBlockRows(plan.rows, maxBlockBytes);
        if (v && (state as CrossViewPresetBlockState).presetBlocks) return crossViewPresetBlockPasses(emit, rows, crossViewTile(plan.rows, maxBlockBytes)).products(a, p, plan, u, v, state as CrossViewPresetBlockState);
        return crossViewBlockPasses(emit, rows).products(a, p, plan, u, v, state);
      }
      if (v && (state as CrossViewPresetState).preset) return crossViewPresetPasses(emit).products(a, p, u, v, state as CrossViewPresetState);
      const b = emit.backend();
      const { rows, columns } = state as State;
      const n = plan.rows;
      // One direction: u * (E p) and E^T (u * a), a MatMul and a transposed Gemm, no [n, n] elementwise pass.
      if (!v) return { anchors: b.mul(u, b.matmul(rows, p)), keys: b.matmul(rows, b.mul(u, a), { transposeA: true }) };
      if (plan.constantShift !== undefined) {
        const weighted = b.mul(rows, b.add(u, b.reshape(v, [1, n])));
        return { anchors: b.matmul(weighted, p), keys: b.matmul(weighted, a, { transposeA: true }) };
      }
      // G = u E_r + E_c v^T off the diagonal: three elementwise passes in place of two more [n, n] x [n, D] products.
      const gradient = b.add(b.mul(rows, u), b.mul(columns, b.reshape(v, [1, n])));
      return { anchors: b.matmul(gradient, p), keys: b.matmul(gradient, a, { transposeA: true }) };
    },
  });
  return kernel;
}

/**
 * This backend's fused `crossViewCrossEntropy` (CLIP): core's two-direction kernel with its passes over the
 * [n, n] similarities as ONNX nodes:
 *
 * - forward: one Gemm gives `s`; GatherElements takes its diagonal, ScatterElements sets the diagonal to -Infinity;
 *   ReduceMax over rows and over columns (with the diagonal) give the shifts; two Sub + Exp give the row- and
 *   column-shifted exponentials `E_r`, `E_c` (the diagonal an exact 0), two ReduceSums their sums;
 * - backward: `G = u E_r + E_c v^T` off the diagonal (three elementwise passes), then `G p` and `G^T a` (two
 *   products, as the matmul floor counts them);
 * - constant shift (unit rows, a scale known at trace time and at most `maximumConstantShift`): the Gemm on
 *   `[a, -1]` and `[p, 1]` with `alpha = scale` gives `s - scale` directly, one Exp serves both directions, and the
 *   backward is `H = E * (u + v^T)`, `H p` and `H^T a` (two products).
 *
 * Live [n, n] matrices: `s`, its masked copy and the two exponential matrices in the forward, `E_r`, `E_c` and `G`
 * with its partial products in the backward (4 to 5; 2 to 3 with the constant shift). The
 * path applies while one [n, n] float32 matrix fits `maxBlockBytes` (default 256 MiB, n up to 8192); larger batches
 * run the composed kernel (no row blocks yet).
 */
import { fusedCrossViewCrossEntropy, type CrossViewCrossEntropy, type CrossViewPlan } from '@contrastive/core';
import { defaultMaxBlockBytes, traceTimeValues, type GraphEmitter } from './constant-shift-kernel.js';
import { int64Operand, type AttributeValue, type OnnxTensor } from './onnx-tensor.js';

interface State {
  readonly rows: OnnxTensor;
  readonly columns: OnnxTensor;
}

/**
 * The fused cross-view kernel over `emit`'s graph.
 *
 * @param emit - Emits nodes into the traced graph.
 * @param maxBlockBytes - Largest [n, n] float32 matrix the path materialises; above it the composed kernel runs.
 * @returns The `crossViewCrossEntropy` override.
 */
export function crossViewKernel(emit: GraphEmitter, maxBlockBytes = defaultMaxBlockBytes): CrossViewCrossEntropy<OnnxTensor> {
  const { node } = emit;
  const int = (value: number): AttributeValue => ({ kind: 'int', value });
  const diagonalIndices = (n: number) => int64Operand(Int32Array.from({ length: n }, (_, i) => i), [n, 1]);
  const reduceMax = (x: OnnxTensor, axis: number, shape: number[]) =>
    node('ReduceMax', [x], shape, 'float32', { axes: { kind: 'ints', value: [axis] }, keepdims: int(1) });

  /** Both directions shifted by the constant `c = scale`: one exponential matrix, symmetric in its use. */
  const constantForward = (a: OnnxTensor, p: OnnxTensor, plan: CrossViewPlan, c: number) => {
    const b = emit.backend();
    const n = plan.rows;
    const shifted = node('Gemm', [b.concat([a, b.fill([n, 1], -1)], 1), b.concat([p, b.fill([n, 1], 1)], 1)], [n, n], 'float32', {
      alpha: { kind: 'float', value: c },
      transB: int(1),
    });
    const indices = diagonalIndices(n);
    const shiftedDiagonal = node('GatherElements', [shifted, indices], [n, 1], 'float32', { axis: int(1) });
    const exponentials = node('ScatterElements', [b.exp(shifted), indices, b.fill([n, 1], 0)], [n, n], 'float32', { axis: int(1) });
    const shift = b.fill([n, 1], c);
    return {
      positiveLogits: b.add(shiftedDiagonal, shift), rowShift: shift, columnShift: shift,
      rowRest: b.sum(exponentials, 1, true), columnRest: b.reshape(b.sum(exponentials, 0, true), [n, 1]),
      state: { rows: exponentials, columns: exponentials } satisfies State,
    };
  };

  const kernel = fusedCrossViewCrossEntropy<OnnxTensor>({
    knownValues: traceTimeValues,
    applicable: (inputs) => 4 * inputs.anchors.shape[0]! ** 2 <= maxBlockBytes,
    forward(a, p, scale, plan) {
      if (plan.constantShift !== undefined) return constantForward(a, p, plan, plan.constantShift);
      const b = emit.backend();
      const n = plan.rows;
      const known = traceTimeValues(scale);
      const logits = known?.length === 1
        ? node('Gemm', [a, p], [n, n], 'float32', { alpha: { kind: 'float', value: known[0]! }, transB: int(1) })
        : b.matmul(b.mul(a, scale), p, { transposeB: true });
      const indices = diagonalIndices(n);
      const positiveLogits = node('GatherElements', [logits, indices], [n, 1], 'float32', { axis: int(1) });
      const masked = node('ScatterElements', [logits, indices, b.fill([n, 1], -Infinity)], [n, n], 'float32', { axis: int(1) });
      const rowShift = b.maximum(reduceMax(masked, 1, [n, 1]), positiveLogits);
      const columnShift = b.maximum(reduceMax(masked, 0, [1, n]), b.reshape(positiveLogits, [1, n]));
      const rows = b.exp(b.sub(masked, rowShift));
      const columns = b.exp(b.sub(masked, columnShift));
      return {
        positiveLogits, rowShift, rowRest: b.sum(rows, 1, true),
        columnShift: b.reshape(columnShift, [n, 1]), columnRest: b.reshape(b.sum(columns, 0, true), [n, 1]),
        state: { rows, columns } satisfies State,
      };
    },
    products(a, p, plan, u, v, state) {
      const b = emit.backend();
      const { rows, columns } = state as State;
      const n = plan.rows;
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

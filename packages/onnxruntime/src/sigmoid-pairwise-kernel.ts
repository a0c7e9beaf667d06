/**
 * This backend's fused `sigmoidPairwise` (SigLIP): core's kernel with its passes over the [n, n] logits as ONNX
 * nodes:
 *
 * - forward: one Gemm gives `x = [t a, 1] [p, bias]^T` (the scale folded into the anchors, the bias a column of
 *   the product); ScatterElements sets the diagonal to -Infinity; Softplus (ONNX Runtime's CPU kernel takes the
 *   stable branches, `x + log1p(exp(-x))` above 0 and `log1p(exp(x))` below: `softplus(-Infinity) = 0`, so the
 *   diagonal drops out of the row sums without a subtraction, and a term of 1e-22 keeps its digits); ReduceSum; then
 *   `sigmoid(x) = exp(x - softplus(x))` (Sub, Exp), an exact 0 on the diagonal, which keeps tails that ORT's
 *   Sigmoid (its input clamped) would not;
 * - backward: `S p` (MatMul) and `S^T (w a)` (Gemm with `transA`), the two products the matmul floor counts, and
 *   the row sums of `S` (ReduceSum) for the bias.
 *
 * Six [n, n] passes besides the three products (ScatterElements, Softplus, two ReduceSums, Sub, Exp). Row blocks
 * sized for the cache measured slower on ONNX Runtime (per-node overhead; Softplus is compute-bound), so the
 * matrix is formed whole. Live [n, n] matrices at the peak: `x`, its masked copy, the softplus terms and the
 * sigmoid (4); the backward keeps only the sigmoid. The path applies while one [n, n] float32 matrix fits
 * `maxBlockBytes` (default 256 MiB, n up to 8192); larger batches run the composed kernel.
 */
import { composedSigmoidPairwiseMatrices, fusedSigmoidPairwise, type SigmoidPairwise } from '@contrastive/core';
import { defaultMaxBlockBytes, type GraphEmitter } from './constant-shift-kernel.js';
import { int64Operand, type AttributeValue, type OnnxTensor } from './onnx-tensor.js';

/** Live [n, n] matrices of the fused passes at their peak. */
const fusedMatrices = 4;

/**
 * Live [n, n] matrices of {@link sigmoidPairwiseKernel} for `rows` pairs, for the resource guard: 4 where the path
 * applies, the composed kernel's count above `maxBlockBytes`.
 *
 * @example
 * sigmoidPairwiseWorkingMatrices(defaultMaxBlockBytes, 4096); // 4
 */
export function sigmoidPairwiseWorkingMatrices(maxBlockBytes: number, rows: number): number {
  return 4 * rows ** 2 <= maxBlockBytes ? fusedMatrices : composedSigmoidPairwiseMatrices;
}

/**
 * The fused pairwise-sigmoid kernel over `emit`'s graph.
 *
 * @param emit - Emits nodes into the traced graph.
 * @param maxBlockBytes - Largest [n, n] float32 matrix the path materialises; above it the composed kernel runs.
 * @returns The `sigmoidPairwise` override.
 *
 * @example
 * const fused = { sigmoidPairwise: sigmoidPairwiseKernel({ node, loopInput, backend: () => backend }) };
 */
export function sigmoidPairwiseKernel(emit: GraphEmitter, maxBlockBytes = defaultMaxBlockBytes): SigmoidPairwise<OnnxTensor> {
  const { node } = emit;
  const int = (value: number): AttributeValue => ({ kind: 'int', value });
  return fusedSigmoidPairwise<OnnxTensor>({
    applicable: (inputs) => 4 * inputs.anchors.shape[0]! ** 2 <= maxBlockBytes,
    workingMatrices: (rows) => sigmoidPairwiseWorkingMatrices(maxBlockBytes, rows),
    forward(scaledAnchors, positives, bias, n) {
      const b = emit.backend();
      // The bias rides in the product, [t a, 1] [p, bias]^T: ~6% faster than Gemm's broadcast C (measured).
      const biasColumn = b.add(b.fill([n, 1], 0), b.reshape(bias, [1, 1]));
      const left = b.concat([scaledAnchors, b.fill([n, 1], 1)], 1);
      const logits = node('Gemm', [left, b.concat([positives, biasColumn], 1)], [n, n], 'float32', { transB: int(1) });
      const indices = int64Operand(Int32Array.from({ length: n }, (_, i) => i), [n, 1]);
      const masked = node('ScatterElements', [logits, indices, b.fill([n, 1], -Infinity)], [n, n], 'float32', { axis: int(1) });
      const softplus = node('Softplus', [masked], [n, n], 'float32');
      return { offDiagonalSums: b.sum(softplus, 1, true), state: b.exp(b.sub(masked, softplus)) };
    },
    products(left, right, state) {
      const b = emit.backend();
      const sigmoid = state as OnnxTensor;
      // The row sums as their own ReduceSum: a column of ones appended to `left` measured ~40 ms slower (129 columns).
      return { rows: b.matmul(sigmoid, left), columns: b.matmul(sigmoid, right, { transposeA: true }), rowSums: b.sum(sigmoid, 1, true) };
    },
  });
}

/**
 * This backend's fused `sigmoidPairwise` (SigLIP): core's kernel with its passes over the [n, n] logits as ONNX
 * nodes, built from ops ONNX Runtime runs as vectorised passes (Max, Min, Sub, Add, Mul, Div, Exp) plus one `Log`
 * over a quarter of the matrix (decision 0011). ORT's `Softplus` (scalar `exp` and `log1p` per element, ~9
 * products' time at n = 4096) and its `Sigmoid` (its input clamped: 2e-4 off at x = -10, 0 at -20) are not used.
 *
 * - forward, per column group `g` (`groups` of `width` columns): one Gemm gives `x_g = [t a, 1] [p_g, bias]^T`
 *   (the scale folded into the anchors, the bias a column of the product); ScatterElements along axis 0 sets the
 *   group's part of the diagonal to -Infinity in place; `m = max(x, 0)`, `z = min(x, 0)`, `y = exp(z - m)`
 *   (`= exp(-|x|) <= 1`), `u = 1 + y`; the row sums of `m`, and `S_g = exp(z) / u = sigmoid(x)` (exact 0 on the
 *   diagonal, no overflow at any `x`);
 * - `softplus(x) = m + log1p(y)`, and the groups' `log1p` terms of one row are summed as the `log1p` of a product:
 *   `log1p(y1) + log1p(y2) = log1p(Y)` with `Y = y1 u2 + y2` (first level) or `Y1 + Y2 + Y1 Y2` (above), every
 *   term non-negative, so `Y` keeps a relative error of about one rounding per level, tiny terms included; then
 *   `log1p(Y) = log(U) + C / U` with `U = 1 + Y` and `C = Y - (U - 1)`, the exact rounding error of `1 + Y`
 *   (neglected: `(C / U)^2 / 2 < 2^-48`). One `Log` over n^2 / groups values;
 * - backward: `S p = sum_g S_g p_g` and `S^T (w a)` (the groups' rows stacked), the products the floor counts,
 *   and the row sums of `S` for the bias.
 *
 * A batch that does not split evenly is padded with columns whose logit is -1e30 (`m = y = S = 0`, so they add
 * exact zeros). Live [n, n] matrices at the peak: `S` and the `y`, `u` of the groups not yet combined, plus one
 * group's temporaries: about 3 with 8 groups, 5 counted (a batch under 64 rows, one group, holds about 6 of its
 * small matrices). The path applies while one [n, n] float32 matrix fits `maxBlockBytes`
 * (default 256 MiB, n up to 8192); larger batches run the composed kernel.
 */
import { composedSigmoidPairwiseMatrices, fusedSigmoidPairwise, type SigmoidPairwise } from '@contrastive/core';
import { defaultMaxBlockBytes, type GraphEmitter } from './constant-shift-kernel.js';
import { int64Operand, type OnnxTensor } from './onnx-tensor.js';

/** Live [n, n] matrices of the fused passes at their peak. */
const fusedMatrices = 5;

/** The logit of a padding column: its softplus, its `exp(-|x|)` and its sigmoid are exact zeros in float32. */
const paddingLogit = -1e30;

/**
 * Column groups for `rows` pairs: 8 (one `Log` over n^2 / 8 values) while every group keeps at least 32
 * columns, fewer for small batches. A power of two, so the groups combine in pairs. At n = 4096 on a quiet
 * machine (load ~1), 8 groups against 4: ORT profiler per-node minima 66.8 against 75.7 ms, `model_run` minima 74
 * against 82 ms, wall medians of 15 alternating runs 97-99 against 107-122 ms (decision 0011).
 *
 * @example
 * sigmoidPairwiseGroups(4096); // 8
 */
export function sigmoidPairwiseGroups(rows: number): number {
  let groups = 8;
  while (groups > 1 && rows < 32 * groups) groups /= 2;
  return groups;
}

/**
 * Live [n, n] matrices of {@link sigmoidPairwiseKernel} for `rows` pairs, for the resource guard: 5 where the path
 * applies, the composed kernel's count above `maxBlockBytes`.
 *
 * @example
 * sigmoidPairwiseWorkingMatrices(defaultMaxBlockBytes, 4096); // 5
 */
export function sigmoidPairwiseWorkingMatrices(maxBlockBytes: number, rows: number): number {
  return 4 * rows ** 2 <= maxBlockBytes ? fusedMatrices : composedSigmoidPairwiseMatrices;
}

/** What the forward keeps for the backward: `sigmoid(x)` by column group, [n, width] each. */
interface GroupedSigmoid {
  readonly groups: readonly OnnxTensor[];
  readonly width: number;
}

/** `log1p(y)` of one group, or of several combined: `U = 1 + Y` comes with it where it is already formed. */
interface Log1pTerm {
  readonly y: OnnxTensor;
  readonly u?: OnnxTensor;
  readonly level: number;
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
  /** `log1p(Y1) + log1p(Y2) = log1p(Y)`: `y1 u2 + y2` reuses the first level's `u`; above it `Y1 + Y2 + Y1 Y2`. */
  const combine = (first: Log1pTerm, second: Log1pTerm): Log1pTerm => {
    const b = emit.backend();
    const y = second.u
      ? b.add(b.mul(first.y, second.u), second.y)
      : b.add(b.add(first.y, second.y), b.mul(first.y, second.y));
    return { y, level: first.level + 1 };
  };
  /** Row sums of `log1p(Y)`: `log(U) + C / U`, `C = Y - (U - 1)` exact (Sterbenz; `U - 1` is exact for U < 2^24). */
  const log1pRowSums = ({ y, u }: Log1pTerm): OnnxTensor => {
    const b = emit.backend();
    const one = b.fill([], 1);
    const whole = u ?? b.add(y, one);
    const rounding = b.sub(y, b.sub(whole, one));
    return b.sum(b.add(b.log(whole), b.div(rounding, whole)), 1, true);
  };

  return fusedSigmoidPairwise<OnnxTensor>({
    applicable: (inputs) => 4 * inputs.anchors.shape[0]! ** 2 <= maxBlockBytes,
    workingMatrices: (rows) => sigmoidPairwiseWorkingMatrices(maxBlockBytes, rows),
    forward(scaledAnchors, positives, bias, n) {
      const b = emit.backend();
      const d = positives.shape[1]!;
      const groups = sigmoidPairwiseGroups(n);
      const width = Math.ceil(n / groups);
      const zero = b.fill([], 0);
      // The bias rides in the product, [t a, 1] [p, bias]^T: ~6% faster than Gemm's broadcast C (0007).
      const left = b.concat([scaledAnchors, b.fill([n, 1], 1)], 1);
      const biasColumn = b.add(b.fill([n, 1], 0), b.reshape(bias, [1, 1]));
      let right = b.concat([positives, biasColumn], 1);
      const padding = groups * width - n;
      if (padding > 0) right = b.concat([right, b.concat([b.fill([padding, d], 0), b.fill([padding, 1], paddingLogit)], 1)], 0);

      const sigmoids: OnnxTensor[] = [];
      const rowSums: OnnxTensor[] = [];
      const pending: Log1pTerm[] = [];
      for (let g = 0; g < groups; g++) {
        const columns = groups === 1 ? right : b.slice(right, [g * width, 0], [width, d + 1]);
        const logits = b.matmul(left, columns, { transposeB: true });
        const diagonal = Math.max(0, Math.min(width, n - g * width));
        const masked = diagonal === 0 ? logits : node('ScatterElements', [
          logits, int64Operand(Int32Array.from({ length: diagonal }, (_, j) => g * width + j), [1, diagonal]), b.fill([1, diagonal], -Infinity),
        ], [n, width], 'float32', { axis: { kind: 'int', value: 0 } });
        // Both `exp`s take a value at its last use, which ORT runs in place: fewer fresh [n, width] buffers, each
        // faulted in again per run where the CPU arena is off (the runner's default for feeds under 1 MiB).
        const positivePart = b.maximum(masked, zero);
        rowSums.push(b.sum(positivePart, 1, true));
        const negativePart = b.minimum(masked, zero);
        const y = b.exp(b.sub(negativePart, positivePart));
        const u = b.add(y, b.fill([], 1));
        sigmoids.push(b.div(b.exp(negativePart), u));
        // Combine as soon as two terms of one level exist, so at most one `y` per level stays live.
        let term: Log1pTerm = { y, u, level: 0 };
        while (pending.length > 0 && pending.at(-1)!.level === term.level) term = combine(pending.pop()!, term);
        pending.push(term);
      }
      rowSums.push(log1pRowSums(pending[0]!));
      const state: GroupedSigmoid = { groups: sigmoids, width };
      return { offDiagonalSums: rowSums.reduce((sum, part) => b.add(sum, part)), state };
    },
    products(left, right, state) {
      const b = emit.backend();
      const { groups, width } = state as GroupedSigmoid;
      const [n, d] = left.shape as [number, number];
      const padding = groups.length * width - n;
      const paddedLeft = padding > 0 ? b.concat([left, b.fill([padding, d], 0)], 0) : left;
      const rows = groups.map((s, g) => b.matmul(s, groups.length === 1 ? paddedLeft : b.slice(paddedLeft, [g * width, 0], [width, d])));
      const columns = b.concat(groups.map((s) => b.matmul(s, right, { transposeA: true })), 0);
      return {
        rows: rows.reduce((sum, part) => b.add(sum, part)),
        columns: padding > 0 ? b.slice(columns, [0, 0], [n, d]) : columns,
        rowSums: groups.map((s) => b.sum(s, 1, true)).reduce((sum, part) => b.add(sum, part)),
      };
    },
  });
}

/**
 * This adapter's fused `sigmoidPairwise` (SigLIP): core's kernel with its passes over the [n, n] logits as tfjs
 * ops, on backends whose values live on the host (cpu, wasm, tensorflow) and in float32:
 *
 * - forward: one `matMul` (positives pre-transposed: wasm's transposed products are ~10x slower) plus the bias
 *   gives `x`, `tensorScatterUpdate` sets its diagonal to -Infinity; with `m = relu(x)`, `y = exp(-|x|)` and
 *   `u = 1 + y`, `softplus(x) = m + log(u) + (y - (u - 1))` (the last term restores the digits `1 + y` rounds
 *   away: `y <= 1`, so `log1p(y)` to float32 rounding without tfjs's `log1p`, which is `log(1 + y)` on wasm) summed
 *   over rows, and `sigmoid(x) = exp(x - m) / u` (exact 0 on the diagonal, no overflow at any `x`);
 * - backward: `S p`, `S^T (w a)` (the transpose formed once) and the row sums of `S`.
 *
 * Intermediates are released as soon as they are used: at most 7 [n, n] float32 matrices live in the forward
 * (`x`, `m`, `y` and the softplus terms), 2 in the backward, where the composed form keeps ~12.
 */
import { composedSigmoidPairwiseMatrices, fusedSigmoidPairwise, type SigmoidPairwise } from '@contrastive/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { hostBackends } from './host-values.js';
import type { TfjsModule } from './tfjs-precision.js';

/** Live [n, n] matrices of the fused passes at their peak (the forward's softplus terms). */
const fusedMatrices = 7;

/**
 * The fused pairwise-sigmoid kernel over the tfjs module `tf`.
 *
 * @param tf - The tfjs module.
 * @param track - Registers a tensor with the backend (scopes, leak counts).
 * @param isFloat32 - Whether the active backend stores float32.
 * @returns The `sigmoidPairwise` override.
 *
 * @example
 * const fused = { sigmoidPairwise: sigmoidPairwiseKernel(tf, track, () => detectPrecision(tf) === 'float32') };
 */
export function sigmoidPairwiseKernel(tf: TfjsModule, track: <X extends Tensor>(x: X) => X, isFloat32: () => boolean): SigmoidPairwise<Tensor> {
  const applicable = () => hostBackends.has(tf.getBackend()) && isFloat32();
  const diagonal = (n: number) => tf.tensor2d(Int32Array.from({ length: 2 * n }, (_, i) => Math.floor(i / 2)), [n, 2], 'int32');
  return fusedSigmoidPairwise<Tensor>({
    applicable,
    workingMatrices: () => (applicable() ? fusedMatrices : composedSigmoidPairwiseMatrices),
    forward(scaled, positives, bias, n) {
      const x = tf.tidy(() => tf.tensorScatterUpdate(tf.add(tf.matMul(scaled, tf.transpose(positives)), bias), diagonal(n), tf.fill([n], -Infinity)));
      const m = tf.relu(x);
      const y = tf.tidy(() => tf.exp(tf.neg(tf.abs(x))));
      const u = tf.add(y, tf.scalar(1));
      const offDiagonalSums = tf.tidy(() => {
        const lost = tf.sub(y, tf.sub(u, tf.scalar(1)));
        return tf.sum(tf.add(tf.add(m, tf.log(u)), lost), 1, true);
      });
      const sigmoid = tf.tidy(() => tf.div(tf.exp(tf.sub(x, m)), u));
      tf.dispose([x, m, y, u]);
      return { offDiagonalSums: track(offDiagonalSums), state: track(sigmoid) };
    },
    products(left, right, state) {
      const sigmoid = state as Tensor;
      return tf.tidy(() => ({
        rows: track(tf.matMul(sigmoid, left)), columns: track(tf.matMul(tf.transpose(sigmoid), right)), rowSums: track(tf.sum(sigmoid, 1, true)),
      }));
    },
  });
}

/**
 * This adapter's fused `crossViewCrossEntropy` (CLIP, in-batch InfoNCE, the contrastive loss): core's kernel with
 * its passes over the [n, n] similarities as tfjs ops, on backends whose values live on the host (cpu, wasm,
 * tensorflow; the pairing ids and the scale are read there) and in float32:
 *
 * - forward: one `matMul` (keys pre-transposed: wasm's transposed products are ~10x slower) gives `s`, `gatherND`
 *   its diagonal, `tensorScatterUpdate` sets the diagonal to -Infinity; row and column `max` give the shifts, and
 *   the row- and column-shifted exponentials `E_r`, `E_c` (the diagonal an exact 0) are kept for the backward;
 * - constant shift (unit rows, scale at most `maximumConstantShift`): `[scale a, -scale] [p, 1]^T` gives `s - scale`
 *   directly and one `exp` serves both directions;
 * - backward: `G = u E_r + E_c v^T` (or `E (u + v^T)`), then `G p` and `G^T a` (the transpose formed once); one
 *   direction (`plan.directions: 1`): `u * (E_r p)` and `E_r^T (u * a)`, no column statistics and no [n, n]
 *   elementwise pass; decoupled (`positivesInDenominator: false`): the row and column maxima leave out the diagonal.
 *
 * Live [n, n] float32 matrices at the peak (`workingMatrices`; `tf.tidy` frees its intermediates only when it
 * ends), where the composed form keeps ~16: two directions 6 (`s`, its masked copy, the two shifted copies, `E_r`,
 * `E_c`; then `E_r`, `E_c`, `u E_r`, `E_c v^T`, `G`, `G^T`); one direction 4 (`s`, its masked copy, its shifted
 * copy, `E_r`); constant shift 3 (`s - c`, its exponentials, their diagonal-zeroed copy), or 4 with two
 * directions (`E`, `u + v^T`, `H`, `H^T` in the backward).
 */
import { fusedCrossViewCrossEntropy, type CrossViewCrossEntropy } from '@contrastive/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { hostBackends, hostKnownValues } from './host-values.js';
import type { TfjsModule } from './tfjs-precision.js';

interface State {
  readonly rows: Tensor;
  readonly columns: Tensor;
}

/**
 * The fused cross-view kernel over the tfjs module `tf`.
 *
 * @param tf - The tfjs module.
 * @param track - Registers a tensor with the backend (scopes, leak counts).
 * @param isFloat32 - Whether the active backend stores float32.
 * @returns The `crossViewCrossEntropy` override.
 */
export function crossViewKernel(tf: TfjsModule, track: <X extends Tensor>(x: X) => X, isFloat32: () => boolean): CrossViewCrossEntropy<Tensor> {
  const diagonal = (n: number) => tf.tensor2d(Int32Array.from({ length: 2 * n }, (_, i) => Math.floor(i / 2)), [n, 2], 'int32');
  const applicable = () => hostBackends.has(tf.getBackend()) && isFloat32();
  return fusedCrossViewCrossEntropy<Tensor>({
    applicable,
    workingMatrices(plan) {
      if (!applicable()) return undefined;
      const twoDirections = plan.directions !== 1;
      if (plan.constantShift !== undefined) return twoDirections ? 4 : 3;
      return twoDirections ? 6 : 4;
    },
    oneDirection: true,
    decoupled: true,
    knownValues: (x) => hostKnownValues(tf, x),
    forward(a, p, scale, plan) {
      const n = plan.rows;
      const c = plan.constantShift;
      const twoDirections = plan.directions !== 1;
      const result = tf.tidy(() => {
        const coordinates = diagonal(n);
        if (c !== undefined) {
          const rows = tf.concat([tf.mul(a, c), tf.fill([n, 1], -c)], 1);
          const shifted = tf.matMul(rows, tf.transpose(tf.concat([p, tf.ones([n, 1])], 1)));
          const positiveLogits = tf.add(tf.reshape(tf.gatherND(shifted, coordinates), [n, 1]), c);
          const exponentials = tf.tensorScatterUpdate(tf.exp(shifted), coordinates, tf.zeros([n]));
          const shift = tf.fill([n, 1], c);
          const rowStatistics = { positiveLogits, rowShift: shift, rowRest: tf.sum(exponentials, 1, true), rows: exponentials, columns: exponentials };
          if (!twoDirections) return rowStatistics;
          return { ...rowStatistics, columnShift: shift, columnRest: tf.reshape(tf.sum(exponentials, 0), [n, 1]) };
        }
        const logits = tf.matMul(tf.mul(a, scale), tf.transpose(p));
        const positiveLogits = tf.reshape(tf.gatherND(logits, coordinates), [n, 1]);
        const masked = tf.tensorScatterUpdate(logits, coordinates, tf.fill([n], -Infinity));
        // Decoupled: each shift is the maximum over the negatives alone (the positive is not in the sum).
        const withPositive = (maxima: Tensor, positive: Tensor) => (plan.positivesInDenominator === false ? maxima : tf.maximum(maxima, positive));
        const rowShift = withPositive(tf.max(masked, 1, true), positiveLogits);
        const rows = tf.exp(tf.sub(masked, rowShift));
        const rowStatistics = { positiveLogits, rowShift, rowRest: tf.sum(rows, 1, true), rows, columns: rows };
        if (!twoDirections) return rowStatistics;
        const columnShift = withPositive(tf.max(masked, 0, true), tf.reshape(positiveLogits, [1, n]));
        const columns = tf.exp(tf.sub(masked, columnShift));
        return { ...rowStatistics, columnShift: tf.reshape(columnShift, [n, 1]), columnRest: tf.reshape(tf.sum(columns, 0), [n, 1]), columns };
      });
      const { rows, columns, ...statistics } = result;
      const tracked = Object.fromEntries(Object.entries(statistics).map(([name, x]) => [name, track(x)])) as typeof statistics;
      const state: State = { rows: track(rows), columns: columns === rows ? rows : track(columns) };
      return { ...tracked, state };
    },
    products(a, p, plan, u, v, state) {
      const { rows, columns } = state as State;
      const n = plan.rows;
      return tf.tidy(() => {
        // One direction: u * (E p) and E^T (u * a), no [n, n] elementwise pass.
        if (!v) return { anchors: track(tf.mul(u, tf.matMul(rows, p))), keys: track(tf.matMul(tf.transpose(rows), tf.mul(u, a))) };
        const gradient = rows === columns
          ? tf.mul(rows, tf.add(u, tf.reshape(v, [1, n])))
          : tf.add(tf.mul(rows, u), tf.mul(columns, tf.reshape(v, [1, n])));
        return { anchors: track(tf.matMul(gradient, p)), keys: track(tf.matMul(tf.transpose(gradient), a)) };
      });
    },
  });
}

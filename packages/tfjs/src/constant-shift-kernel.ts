/**
 * This adapter's fused `similarityCrossEntropy`: core's constant-shift kernel (decision 0004) with the two passes
 * over the [n, n] exponentials as tfjs ops, on backends whose values live on the host (cpu, wasm, tensorflow; the
 * pairing ids and the temperature are read there) and in float32:
 *
 * - rest sums: one plain `matMul` of `[scale z, -scale]` and `[z, 1]^T` (pre-transposed: wasm's transposed
 *   products are ~10x slower) gives `s - c`, one `exp`, `tensorScatterUpdate` zeroes the excluded and positive
 *   columns, one row `sum`; the zeroed block is kept for the backward, the others are freed at once;
 * - backward product: `matMul(E' * (u + u^T), z)`;
 * - below temperature 1/40 (row shift): the excluded and positive columns of `s` are set to -Infinity, `h` is the
 *   row maximum (with the positives' logits), `E' = exp(s - h)`; the backward is `u * (E' z) + E'^T (u * z)`.
 *
 * SupCon's labels (groups with different positive counts) take `runtimeGroupPasses`: bool masks, no index tables.
 *
 * At most three [n, n] float32 matrices are alive at a time (the composed form keeps ~16: `s`, `E` and `E'` in the
 * rest pass, `E'`, `u_i + u_j` and their product in the backward), so NT-Xent at N = 4096 pairs (n = 8192) needs
 * ~0.8 GB and fits tfjs wasm's 4 GiB heap without chunking. The resource guard is told so (`workingMatrices`),
 * and told 16 on backends where the path does not apply (webgl, webgpu, float16).
 */
import {
  composedWorkingMatrices,
  constantShiftSimilarityCrossEntropy,
  type ConstantShiftPlan,
  type RuntimeGroupPasses,
  type SimilarityCrossEntropy,
} from '@contrastive/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { hostBackends, hostKnownValues } from './host-values.js';
import type { TfjsModule } from './tfjs-precision.js';

/** The [row, column] coordinates of every excluded key and positive, for `tensorScatterUpdate`. */
function zeroedCoordinates(tf: TfjsModule, plan: ConstantShiftPlan): Tensor {
  const width = plan.pairing.zeroedColumns.length / plan.pairing.rows;
  const coordinates = new Int32Array(2 * plan.pairing.zeroedColumns.length);
  plan.pairing.zeroedColumns.forEach((column, index) => {
    coordinates[2 * index] = Math.floor(index / width);
    coordinates[2 * index + 1] = column;
  });
  return tf.tensor2d(coordinates, [plan.pairing.zeroedColumns.length, 2], 'int32');
}

/** Row shift: `E'_ij = exp(s_ij - h_i)` with the excluded keys and positives at 0, and `h`. */
function rowShiftedExponentials(tf: TfjsModule, z: Tensor, plan: ConstantShiftPlan, positiveLogits: readonly Tensor[]) {
  return tf.tidy(() => {
    const logits = tf.matMul(tf.mul(z, plan.scale), tf.transpose(z));
    const masked = tf.tensorScatterUpdate(logits, zeroedCoordinates(tf, plan), tf.fill([plan.pairing.zeroedColumns.length], -Infinity));
    const shift = positiveLogits.reduce((h, p) => tf.maximum(h, p), tf.max(masked, 1, true));
    return { zeroed: tf.exp(tf.sub(masked, shift)), shift };
  });
}

/**
 * SupCon's positives from groups read at run time (decision 0006): `P = [g_i = g_j, i != j]` as a bool mask, the
 * positives' counts and shifted logit sums from it, and `G = u E' - a P` for the backward (one product of
 * `G + G^T`). Keeps `E'` and `P` (a bool mask) between the passes.
 */
function runtimeGroupPasses(tf: TfjsModule, track: <X extends Tensor>(x: X) => X): RuntimeGroupPasses<Tensor> {
  return {
    restSums(z, plan, groups, floors) {
      const n = plan.pairing.rows;
      const result = tf.tidy(() => {
        const self = tf.cast(tf.eye(n), 'bool');
        const masked = tf.where(self, tf.fill([n, n], -Infinity), tf.matMul(tf.mul(z, plan.scale), tf.transpose(z)));
        const shift = plan.rowShift ? floors.reduce((h, floor) => tf.maximum(h, floor), tf.max(masked, 1, true)) : tf.scalar(plan.scale);
        const shifted = tf.sub(masked, shift);
        const zeroed = tf.exp(shifted);
        const positive = tf.logicalAnd(tf.equal(groups, tf.reshape(groups, [1, n])), tf.logicalNot(self));
        const positiveShiftedSums = tf.sum(tf.where(positive, shifted, tf.zerosLike(shifted)), 1, true);
        return { rest: tf.sum(zeroed, 1, true), shift, counts: tf.sum(tf.cast(positive, 'float32'), 1, true), positiveShiftedSums, zeroed, positive };
      });
      const { rest, shift, counts, positiveShiftedSums, zeroed, positive } = result;
      const state = { zeroed: track(zeroed), positive: track(positive) };
      const tracked = { rest: track(rest), counts: track(counts), positiveShiftedSums: track(positiveShiftedSums), state };
      if (plan.rowShift) return { ...tracked, shift: track(shift) };
      shift.dispose();
      return tracked;
    },
    symmetricProduct(z, _plan, u, a, state) {
      const { zeroed, positive } = state as { zeroed: Tensor; positive: Tensor };
      return track(tf.tidy(() => {
        const g = tf.sub(tf.mul(u, zeroed), tf.mul(a, tf.cast(positive, 'float32')));
        return tf.matMul(tf.add(g, tf.transpose(g)), z);
      }));
    },
  };
}

/** [n, n] matrices the run-time group passes keep at once at most (the logits, their shifted copy, E', the masks). */
const runtimeGroupWorkingMatrices = 5;

export function constantShiftKernel(tf: TfjsModule, track: <X extends Tensor>(x: X) => X, isFloat32: () => boolean): SimilarityCrossEntropy<Tensor> {
  const zeroedExponentials = (z: Tensor, plan: ConstantShiftPlan) =>
    tf.tidy(() => {
      const n = plan.pairing.rows;
      const rows = tf.concat([tf.mul(z, plan.scale), tf.fill([n, 1], -plan.scale)], 1);
      const keys = tf.transpose(tf.concat([z, tf.ones([n, 1])], 1));
      const exponentials = tf.exp(tf.matMul(rows, keys));
      return tf.tensorScatterUpdate(exponentials, zeroedCoordinates(tf, plan), tf.zeros([plan.pairing.zeroedColumns.length]));
    });

  const applicable = () => hostBackends.has(tf.getBackend()) && isFloat32();
  const kernel = constantShiftSimilarityCrossEntropy<Tensor>({
    applicable,
    rowShift: true,
    workingMatrices: 3,
    knownValues: (x) => hostKnownValues(tf, x),
    gatherRows: (x, rows) => track(tf.tidy(() => tf.gather(x, tf.tensor1d(rows, 'int32')))),
    restSums(z, plan, positiveLogits) {
      if (plan.rowShift) {
        const { zeroed, shift } = rowShiftedExponentials(tf, z, plan, positiveLogits);
        return { rest: track(tf.sum(track(zeroed), 1, true)), shift: track(shift), state: zeroed };
      }
      const zeroed = track(zeroedExponentials(z, plan));
      return { rest: track(tf.sum(zeroed, 1, true)), state: zeroed };
    },
    runtimeGroups: runtimeGroupPasses(tf, track),
    symmetricProduct(z, plan, u, state) {
      const zeroed = state as Tensor;
      if (plan.rowShift) return track(tf.tidy(() => tf.add(tf.mul(u, tf.matMul(zeroed, z)), tf.matMul(tf.transpose(zeroed), tf.mul(u, z)))));
      return track(tf.tidy(() => tf.matMul(tf.mul(zeroed, tf.add(u, tf.reshape(u, [1, plan.pairing.rows]))), z)));
    },
  });
  return {
    ...kernel,
    // Positives that may come from run-time groups (SupCon, `set.runtimeGroups`): the larger count of the two paths.
    workingMatrices: (set) => {
      const count = applicable() ? (kernel.workingMatrices?.(set) ?? composedWorkingMatrices) : composedWorkingMatrices;
      return applicable() && set.runtimeGroups === true && (set.constantShift || set.rowShift) ? Math.max(count, runtimeGroupWorkingMatrices) : count;
    },
  };
}

/**
 * The run-time-group passes (SupCon's labels, decision 0006) on core's preset row shift (decision 0013): the forward
 * is the constant shift's (one Gemm with the shift folded in, Exp, the diagonal zeroed, ReduceSum) and the backward
 * one product `(E' o X) z`, with the 0-or-1-trip Loop fallbacks of `preset-row-shift-passes.ts` to the row maxima.
 */
import type { ConstantShiftPlan, PresetRowShift } from '@contrastive/core';
import type { GraphEmitter } from './constant-shift-kernel.js';
import { int64Operand, type AttributeValue, type OnnxTensor } from './onnx-tensor.js';
import { inLoopBody, onlyWhen, presetProduct, presetRestSums } from './preset-row-shift-passes.js';

const axis = (value: number): AttributeValue => ({ kind: 'int', value });

/** What the preset forward keeps for the backward: `E'`, the shift it was formed with and the forward's fallback flag. */
export interface RuntimeGroupPresetState {
  readonly zeroed: OnnxTensor;
  readonly shift: OnnxTensor;
  readonly needed: OnnxTensor;
}

/**
 * `s = scale z z^T` with the diagonal at -Infinity, its rows from `start` (a tensor, 0 at run time, so that the
 * nodes stay inside a fallback Loop's body).
 */
function maskedLogits(emit: GraphEmitter, plan: ConstantShiftPlan, z: OnnxTensor, start: OnnxTensor): OnnxTensor {
  const { node } = emit;
  const b = emit.backend();
  const n = plan.pairing.rows;
  const rows = inLoopBody(emit, z, start);
  const logits = node('Gemm', [rows, z], [n, n], 'float32', { alpha: { kind: 'float', value: plan.scale }, transB: axis(1) });
  const diagonal = int64Operand(Int32Array.from({ length: n }, (_, i) => i), [n, 1]);
  return node('ScatterElements', [logits, diagonal, b.fill([n, 1], -Infinity)], [n, n], 'float32', { axis: axis(1) });
}

/**
 * `rest` and `h` for the run-time groups under `preset` (its `positiveSum` 0: `rest` is the whole denominator):
 * `presetRestSums` on the plan's pairing (each row zeroes only itself), the row maxima in its fallback.
 *
 * @example
 * const { rest, shift, state } = runtimeGroupPresetRestSums(emit, plan, z, preset);
 *
 * @see [Decision 0006: run-time group positives](/contributing/decisions/0006-runtime-group-positives)
 */
export function runtimeGroupPresetRestSums(emit: GraphEmitter, plan: ConstantShiftPlan, z: OnnxTensor, preset: PresetRowShift<OnnxTensor>) {
  const b = emit.backend();
  const n = plan.pairing.rows;
  const { rest, shift, state } = presetRestSums(emit, plan, z, preset, (start) => {
    const masked = maskedLogits(emit, plan, z, start);
    const maxima = emit.node('ReduceMax', [masked], [n, 1], 'float32', { axes: { kind: 'ints', value: [1] }, keepdims: axis(1) });
    return b.concat([b.sum(b.exp(b.sub(masked, maxima)), 1, true), maxima], 1);
  });
  return { rest, shift, state: state as RuntimeGroupPresetState };
}

/**
 * `u * (E' z) + E'^T (u * z)` under the preset shift: `presetProduct`'s one product (two products on the kept `E'`
 * when the shifts spread too far), and, if the forward fell back to the row maxima, both products on `E'`
 * recomputed with them.
 *
 * @example
 * const own = runtimeGroupPresetProduct(emit, plan, z, u, state);
 *
 * @see [Decision 0013: preset row shift](/contributing/decisions/0013-preset-row-shift)
 */
export function runtimeGroupPresetProduct(emit: GraphEmitter, plan: ConstantShiftPlan, z: OnnxTensor, u: OnnxTensor, state: RuntimeGroupPresetState): OnnxTensor {
  const { node } = emit;
  const b = emit.backend();
  const n = plan.pairing.rows;
  const { zeroed, shift, needed } = state;
  const weighted = b.mul(u, z);
  const twoProducts = (kept: OnnxTensor) => node('Gemm', [kept, weighted, b.mul(u, b.matmul(kept, z))], z.shape, 'float32', { transA: axis(1) });
  const keptRows = (start: OnnxTensor) => inLoopBody(emit, zeroed, start);
  const product = presetProduct(emit, { z, u, zeroed, shift }, (start) => twoProducts(keptRows(start)));
  return onlyWhen(emit, needed, product, (start) => {
    const masked = maskedLogits(emit, plan, z, start);
    const own = b.mul(u, b.matmul(b.exp(b.sub(masked, shift)), z));
    return b.add(own, b.matmul(b.exp(b.sub(masked, b.reshape(shift, [1, n]))), weighted));
  });
}

/**
 * The constant-shift kernel's passes for core's preset row shift (decision 0013), when `E'` is one block: the
 * forward is the constant shift's (one Gemm with the shift folded in, Exp, zeroing, ReduceSum), the backward one
 * product, and each fallback a Loop of 0 or 1 trips, so that its nodes run only when a run-time check asks for them.
 */
import type { ConstantShiftPasses, ConstantShiftPlan } from '@contrastive/core';
import { rowsFrom, type GraphEmitter } from './constant-shift-kernel.js';
import { int64Operand, type AttributeValue, type OnnxTensor } from './onnx-tensor.js';

type Preset = NonNullable<Parameters<ConstantShiftPasses<OnnxTensor>['restSums']>[3]>;

/** The widest span of preset row shifts the backward's single product takes (`e^40` times `u` stays finite). */
export const maximumShiftSpread = 40;

const axis = (value: number): AttributeValue => ({ kind: 'int', value });
const whole = { keepdims: axis(0) };

/**
 * `exact(start)` (all rows; `start` is 0, a tensor so that the nodes depend on the Loop's iteration and stay in its
 * body) when the scalar `needed` is true, else `fast`: a Loop of `needed ? 1 : 0` trips carrying `fast`.
 *
 * @example
 * const sums = onlyWhen(emit, needed, fastSums, (start) => exactSums(start));
 */
export function onlyWhen(emit: GraphEmitter, needed: OnnxTensor, fast: OnnxTensor, exact: (start: OnnxTensor) => OnnxTensor): OnnxTensor {
  return onlyWhenAll(emit, needed, [fast], (start) => [exact(start)])[0]!;
}

/**
 * All rows of `x` sliced from `start` (the 0 that {@link onlyWhen} passes its `exact`), so that the nodes reading
 * them depend on the Loop's iteration and stay in its body; with their static shape (`rowsFrom`).
 *
 * @example
 * const sums = onlyWhen(emit, needed, fastSums, (start) => exactSums(inLoopBody(emit, queries, start)));
 */
export function inLoopBody(emit: GraphEmitter, x: OnnxTensor, start: OnnxTensor): OnnxTensor {
  return rowsFrom(emit, x, start, x.shape[0]!);
}

/**
 * {@link onlyWhen} for several values at once, each carried by the one Loop (no concatenation into one tensor and
 * slices after it: each value is copied out once when no trip runs).
 *
 * @example
 * const [anchors, keys] = onlyWhenAll(emit, needed, [fastAnchors, fastKeys], (start) => exactProducts(start));
 */
export function onlyWhenAll(emit: GraphEmitter, needed: OnnxTensor, fast: readonly OnnxTensor[], exact: (start: OnnxTensor) => readonly OnnxTensor[]): OnnxTensor[] {
  const { node } = emit;
  const iteration = emit.loopInput([], 'int64');
  const condition = emit.loopInput([], 'bool');
  const carried = fast.map((value) => emit.loopInput(value.shape, 'float32'));
  const start = node('Reshape', [iteration, int64Operand([1])], [1], 'int64');
  const body = { inputs: [iteration, condition, ...carried], outputs: [node('Identity', [condition], [], 'bool'), ...exact(start)] };
  const trips = node('Cast', [needed], [], 'int64', { to: axis(7) });
  const keepGoing = node('Cast', [emit.backend().fill([], 1)], [], 'bool', { to: axis(9) });
  const loop = node('Loop', [trips, keepGoing, ...fast], fast[0]!.shape, 'float32', { body: { kind: 'graph', graph: body } });
  return fast.map((value, index) => (index === 0 ? loop : emit.output(loop, index, value.shape)));
}

/**
 * `rest` with `E' = exp(s - c)`: one Gemm on `[z, -c / scale]` and `[z, 1]` (`alpha = scale`), Exp, ScatterElements
 * zeroing the excluded and positive columns, ReduceSum. If any row's denominator falls below the preset's minimum,
 * `exactSums` (`[rest, h]` with the row maxima) replaces it for every row. The state keeps `E'` and the flag.
 */
export function presetRestSums(emit: GraphEmitter, plan: ConstantShiftPlan, z: OnnxTensor, preset: Preset, exactSums: (start: OnnxTensor) => OnnxTensor) {
  const { node } = emit;
  const b = emit.backend();
  const n = plan.pairing.rows;
  const queries = b.concat([z, b.mul(preset.shift, b.fill([], -1 / plan.scale))], 1);
  const keys = b.concat([z, b.fill([n, 1], 1)], 1);
  const shifted = node('Gemm', [queries, keys], [n, n], 'float32', { alpha: { kind: 'float', value: plan.scale }, transB: axis(1) });
  const width = plan.pairing.zeroedColumns.length / n;
  const columns = int64Operand(plan.pairing.zeroedColumns, [n, width]);
  const zeroed = node('ScatterElements', [b.exp(shifted), columns, b.fill([n, width], 0)], [n, n], 'float32', { axis: axis(1) });
  const rest = b.sum(zeroed, 1, true);
  const least = node('ReduceMin', [b.add(rest, preset.positiveSum)], [], 'float32', whole);
  const needed = b.greater(b.fill([], preset.minimumDenominator), least);
  const sums = onlyWhen(emit, needed, b.concat([rest, preset.shift], 1), exactSums);
  const shift = b.slice(sums, [0, 1], [n, 1]);
  return { rest: b.slice(sums, [0, 0], [n, 1]), shift, state: { zeroed, shift, needed } };
}

/**
 * `u * (E' z) + E'^T (u * z)` as one product: `s` and the mask are symmetric, so `E'_ji = E'_ij e^(c_i - c_j)` and
 * `G + G^T = E' * X` with `X_ij = u_i + u_j e^(c_i - c_j)`, i.e. `X = [u, a] [1, v]^T`, `a = e^(c - m)`,
 * `v = u e^(m - c)`, `m` the largest shift: one Gemm of inner size 2 in place of the constant shift's broadcast
 * add, then its Mul and one MatMul. Only while the shifts span at most `maximumShiftSpread` and `v` stays below
 * e^69 (`a`, `v` and their products far from float32's limits); else `twoProducts(start)`.
 */
export function presetProduct(
  emit: GraphEmitter,
  values: { readonly z: OnnxTensor; readonly u: OnnxTensor; readonly zeroed: OnnxTensor; readonly shift: OnnxTensor },
  twoProducts: (start: OnnxTensor) => OnnxTensor,
): OnnxTensor {
  const { node } = emit;
  const b = emit.backend();
  const { z, u, zeroed, shift } = values;
  const n = z.shape[0]!;
  const top = node('ReduceMax', [shift], [], 'float32', whole);
  const spread = b.sub(top, node('ReduceMin', [shift], [], 'float32', whole));
  const columnScales = b.mul(u, b.exp(b.sub(top, shift)));
  const rowFactors = b.concat([u, b.exp(b.sub(shift, top))], 1);
  const weights = node('Gemm', [rowFactors, b.concat([b.fill([n, 1], 1), columnScales], 1)], [n, n], 'float32', { transB: axis(1) });
  const joint = b.matmul(b.mul(zeroed, weights), z);
  // `v` also carries `u = w / R`, large where a row's denominator is near the preset's minimum.
  const largestColumnScale = b.log(node('ReduceMax', [columnScales], [], 'float32', whole));
  const excess = b.maximum(b.sub(spread, b.fill([], maximumShiftSpread)), b.sub(largestColumnScale, b.fill([], 69)));
  return onlyWhen(emit, b.greater(excess, b.fill([], 0)), joint, twoProducts);
}

/**
 * SupCon's positives from labels known only at run time (graph inputs), on core's constant-shift kernel (decisions
 * 0004 and 0006). Each row excludes only itself; one [n, n] pass set, one block:
 *
 * - rest sums: one Gemm on `[z, -1]` and `[z, 1]` with `alpha = scale` gives `s - c` (below temperature 1/40: `s`,
 *   the diagonal at -Infinity, ReduceMax, Sub `h`), Exp, ScatterElements zeroes the diagonal (in place), ReduceSum:
 *   the whole denominator (SupCon keeps the positives in it);
 * - the groups: `Cast(Equal(g, g^T))`, a uint8 mask ([p, p] when the groups repeat every `p` rows,
 *   `plan.groupPeriod`, SupCon's V views), whose ArgMax gives each row its group's first member; the class sums of
 *   a [p, D] operand then take one ScatterND adding its rows into their first members' rows of a zero table and one
 *   GatherND reading them back (O(p D): a product with a float mask took 2 p^2 D, ~12 ms at p = 4096, D = 128).
 *   The group sizes are the class sums of ones, `counts` = size V - 1, the positives' row sums `Q = P z - z` (on the
 *   views' sum, tiled) and their shifted logit sums `scale z_i . Q_i - counts_i h_i`;
 * - backward product: `[E' (u_i + u_j)] z` (constant shift, `E'` symmetric: one Add, Mul and MatMul) or
 *   `u * (E' z) + E'^T (u * z)` (row maxima: MatMul and one Gemm with `transA`), less the positives' part
 *   `a * Q + P (a * z) - a * z` (class sums again);
 * - from temperature 1/40 down to 0.01 core gives a preset row shift (floored by the other views' logits): the
 *   forward and backward of `runtime-group-preset-passes.ts` (one Gemm with the shift folded in; one product).
 *
 * The [n, n] matrices run as one block: above `maxBlockBytes` the pairing takes the backend's other kernel.
 */
import {
  composedWorkingMatrices,
  constantShiftPlan,
  constantShiftSimilarityCrossEntropy,
  type ConstantShiftPasses,
  type RuntimeGroupPasses,
  type ConstantShiftPlan,
  type PresetRowShift,
  type SimilarityCrossEntropy,
  type SimilarityCrossEntropySaved,
  type WorkingSetQuery,
} from '@contrastive/core';
import { defaultMaxBlockBytes, traceTimeValues, type GraphEmitter } from './constant-shift-kernel.js';
import { int64Operand, type AttributeValue, type OnnxTensor } from './onnx-tensor.js';
import { runtimeGroupPresetProduct, runtimeGroupPresetRestSums, type RuntimeGroupPresetState } from './runtime-group-preset-passes.js';

const int = (value: number): AttributeValue => ({ kind: 'int', value });

/**
 * [n, n] float32 matrices alive at once at most: the logits, `E'` and the mask (bool and uint8, at most half of
 * one), and the product's operand in the backward; one more with the row shift's shifted copy.
 *
 * @example
 * runtimeGroupWorkingMatrices(false); // 5
 */
export function runtimeGroupWorkingMatrices(rowShift: boolean): number {
  return rowShift ? 6 : 5;
}

/**
 * Live [n, n] matrices of {@link runtimeGroupKernel} for the guard's query: `theirs` (the other kernel's count)
 * unless the positives may come from run-time groups (`set.runtimeGroups`, SupCon) on the fast path in one block,
 * then the larger of the two (the labels' values decide the path at run time).
 *
 * @example
 * runtimeGroupKernelMatrices(3, { rows: 64, columns: 64, selfSimilarity: true, normalized: true, constantShift: true, runtimeGroups: true }, 2 ** 28); // 5
 */
export function runtimeGroupKernelMatrices(theirs: number, set: WorkingSetQuery, maxBlockBytes: number): number {
  const fits = 4 * set.rows * set.rows <= maxBlockBytes;
  if (!set.runtimeGroups || !fits || !(set.constantShift || set.rowShift)) return theirs;
  return Math.max(theirs, runtimeGroupWorkingMatrices(!set.constantShift));
}

function runtimeGroupPasses(emit: GraphEmitter, maxBlockBytes: number): ConstantShiftPasses<OnnxTensor> {
  const { node } = emit;
  const diagonal = (n: number) => int64Operand(Int32Array.from({ length: n }, (_, i) => i), [n, 1]);
  const setDiagonal = (x: OnnxTensor, value: number) =>
    node('ScatterElements', [x, diagonal(x.shape[0]!), emit.backend().fill([x.shape[0]!, 1], value)], x.shape, 'float32', { axis: int(1) });
  const rowMaximum = (x: OnnxTensor) => node('ReduceMax', [x], [x.shape[0]!, 1], 'float32', { axes: { kind: 'ints', value: [1] }, keepdims: int(1) });
  /** `s - h` with `h = c` (constant shift) or the row maxima over the denominator (`h` returned), diagonal -Infinity then. */
  const shiftedLogits = (z: OnnxTensor, plan: ConstantShiftPlan, floors: readonly OnnxTensor[]) => {
    const b = emit.backend();
    const n = plan.pairing.rows;
    const alpha: AttributeValue = { kind: 'float', value: plan.scale };
    if (!plan.rowShift) {
      const rows = b.concat([z, b.fill([n, 1], -1)], 1);
      return { shifted: node('Gemm', [rows, b.concat([z, b.fill([n, 1], 1)], 1)], [n, n], 'float32', { alpha, transB: int(1) }) };
    }
    const masked = setDiagonal(node('Gemm', [z, z], [n, n], 'float32', { alpha, transB: int(1) }), -Infinity);
    const shift = floors.reduce((h, floor) => b.maximum(h, floor), rowMaximum(masked));
    return { shifted: b.sub(masked, shift), shift };
  };
  /** `x` stacked `times` times along the rows. */
  const tiled = (x: OnnxTensor, times: number) => (times === 1 ? x : emit.backend().concat(Array.from({ length: times }, () => x), 0));
  /**
   * `P x` for the [n, n] group mask `P` that repeats every `p` rows, from `members` ([p, 1] int64, each row's first
   * row of the same group): the views' sum of x's p-row blocks, its rows added into their group's first member
   * (ScatterND with `reduction: 'add'` on a zero [p, D] table), read back per row (GatherND) and tiled. O(p D)
   * work where a product with the [p, p] mask took 2 p^2 D (~12 ms each at p = 4096, D = 128).
   */
  const groupProduct = (members: OnnxTensor, x: OnnxTensor) => {
    const b = emit.backend();
    const [period, n, width] = [members.shape[0]!, x.shape[0]!, x.shape[1]!];
    const blocks = Array.from({ length: n / period }, (_, v) => (n === period ? x : b.slice(x, [v * period, 0], [period, width])));
    const summed = blocks.reduce((sum, block) => b.add(sum, block));
    const table = node('ScatterND', [b.fill([period, width], 0), members, summed], [period, width], 'float32', { reduction: { kind: 'string', value: 'add' } });
    return tiled(node('GatherND', [table, members], [period, width], 'float32'), n / period);
  };
  /** `rest`, `h` and the kept `E'`: the preset shift's passes where core gives one, else `shiftedLogits`. */
  const denominators = (z: OnnxTensor, plan: ConstantShiftPlan, floors: readonly OnnxTensor[], preset?: PresetRowShift<OnnxTensor>) => {
    if (preset) {
      const { rest, shift, state } = runtimeGroupPresetRestSums(emit, plan, z, preset);
      return { rest, shift, zeroed: state.zeroed, presetState: state as RuntimeGroupPresetState | undefined };
    }
    const { shifted, shift } = shiftedLogits(z, plan, floors);
    const zeroed = setDiagonal(emit.backend().exp(shifted), 0);
    return { rest: emit.backend().sum(zeroed, 1, true), shift, zeroed, presetState: undefined };
  };
  const runtimeGroups: RuntimeGroupPasses<OnnxTensor> = {
    presetRowShift: true,
    restSums(z, plan, groups, floors, preset) {
      const b = emit.backend();
      const n = plan.pairing.rows;
      const { rest, shift, zeroed, presetState } = denominators(z, plan, floors, preset);
      // The positives enter through class sums (`P z` in the forward, `P (a z)` in the backward), indexed by each
      // row's first group member; groups that repeat every `p` rows (SupCon's views) need only the [p, p] mask.
      const period = plan.groupPeriod ?? n;
      const first = period === n ? groups : b.slice(groups, [0, 0], [period, 1]);
      const mask = node('Cast', [node('Equal', [first, b.reshape(first, [1, period])], [period, period], 'bool')], [period, period], 'uint8', { to: int(2) });
      // The first 1 of each mask row (ArgMax takes the first maximum): the row's group, as a row index.
      const members = node('ArgMax', [mask], [period, 1], 'int64', { axis: int(1), keepdims: int(1) });
      const one = b.fill([], 1);
      const groupSizes = groupProduct(members, b.fill([period, 1], 1));
      const counts = b.sub(tiled(b.mul(groupSizes, b.fill([], n / period)), n / period), one);
      const positiveRowSums = b.sub(groupProduct(members, z), z);
      const h = shift ?? b.fill([], plan.scale);
      const positiveShiftedSums = b.sub(b.mul(b.sum(b.mul(z, positiveRowSums), 1, true), b.fill([], plan.scale)), b.mul(counts, h));
      return { rest, ...(shift ? { shift } : {}), counts, positiveShiftedSums, state: { zeroed, members, positiveRowSums, presetState } };
    },
    symmetricProduct(z, plan, u, a, state) {
      const b = emit.backend();
      const n = plan.pairing.rows;
      const { zeroed, members, positiveRowSums, presetState } = state as { zeroed: OnnxTensor; members: OnnxTensor; positiveRowSums: OnnxTensor; presetState?: RuntimeGroupPresetState };
      const own = presetState
        ? runtimeGroupPresetProduct(emit, plan, z, u, presetState)
        : plan.rowShift
        ? node('Gemm', [zeroed, b.mul(u, z), b.mul(u, b.matmul(zeroed, z))], z.shape, 'float32', { transA: int(1) })
        : b.matmul(b.mul(zeroed, b.add(u, b.reshape(u, [1, n]))), z);
      // sum_j P_ij (a_i + a_j) z_j = a_i Q_i + (P (a z))_i - a_i z_i: every row is in its own group.
      const weighted = b.mul(a, z);
      const positives = b.add(b.mul(a, positiveRowSums), b.sub(groupProduct(members, weighted), weighted));
      return b.sub(own, positives);
    },
  };
  return {
    knownValues: traceTimeValues,
    rowShift: true,
    applicable: (inputs) => 4 * inputs.anchors.shape[0]! ** 2 <= maxBlockBytes,
    gatherRows: (x, rows) => node('Gather', [x, int64Operand(rows)], [rows.length, x.shape[1]!], 'float32', { axis: int(0) }),
    // Only run-time-group plans reach these passes (the wrapper gives every other pairing to the other kernel).
    restSums: () => { throw new Error('runtime-group passes: index-table plans take the other kernel'); },
    symmetricProduct: () => { throw new Error('runtime-group passes: index-table plans take the other kernel'); },
    runtimeGroups,
  };
}

/**
 * The backend's `similarityCrossEntropy`: the run-time-group path where it applies (self-similarity on unit rows,
 * each row excluding only itself, groups shared by anchors and keys whose values the trace does not know or whose
 * positive counts differ), else `other` (the constant-shift kernel with index tables, or the composed one).
 *
 * @param emit - The tracing backend's node emitter.
 * @param other - The kernel for every other pairing.
 * @param maxBlockBytes - Largest [n, n] float32 matrix this path builds; larger pairings take `other`.
 * @returns The combined kernel.
 *
 * @example
 * const kernel = runtimeGroupKernel(emitter, constantShiftKernel(emitter, maxBlockBytes), maxBlockBytes);
 *
 * @see [Decision 0006: run-time group positives](/contributing/decisions/0006-runtime-group-positives)
 */
export function runtimeGroupKernel(emit: GraphEmitter, other: SimilarityCrossEntropy<OnnxTensor>, maxBlockBytes = defaultMaxBlockBytes): SimilarityCrossEntropy<OnnxTensor> {
  const passes = runtimeGroupPasses(emit, maxBlockBytes);
  const groups = constantShiftSimilarityCrossEntropy(passes);
  const ours = new WeakSet<SimilarityCrossEntropySaved<OnnxTensor>>();
  return {
    forward(b, inputs) {
      if (!constantShiftPlan(passes, inputs)?.runtimeGroups) return other.forward(b, inputs);
      const result = groups.forward(b, inputs);
      ours.add(result.saved);
      return result;
    },
    backward: (b, saved, rowWeights) => (ours.has(saved) ? groups.backward(b, saved, rowWeights) : other.backward(b, saved, rowWeights)),
    workingMatrices: (set) => runtimeGroupKernelMatrices(other.workingMatrices?.(set) ?? composedWorkingMatrices, set, maxBlockBytes),
  };
}

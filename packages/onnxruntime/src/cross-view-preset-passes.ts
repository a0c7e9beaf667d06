/**
 * The fused cross-view kernel's passes with a per-line shift chosen before the [n, n] product (decision 0014): CLIP
 * and symmetric InfoNCE on rows of norm at most 1, both directions, the positive in each denominator, whether the
 * scale is known at trace time (up to `maximumPresetShift`) or a graph input (CLIP's logit scale).
 *
 * - forward: `h_i = max(s_ii, |scale| max(|a_i|, |p_i|) - K)` from [n, D] dots bounds every logit of row `i` and of
 *   column `i` by `h_i + K`; one Gemm on `[scale a, -h]` and `[p, 1]` gives `s - h 1^T`, Exp and ScatterElements
 *   (diagonal 0) give `E`, ReduceSum the rows' rests, and the columns' come from one vector product:
 *   `sum_i exp(s_ij - h_j) = e^(m - h_j) (alpha^T E)_j`, `alpha = e^(h - m)`, `m = max h`;
 * - backward: `G = E * X`, `X = [u, alpha] [1, beta]^T` (`beta = v e^(m - h)`), an inner-size-2 Gemm, then `G p`
 *   and `G^T a`;
 * - fallbacks, each a Loop of 0 or 1 trips (decision 0013's `onlyWhen`): the row and column maxima when any row's
 *   or column's denominator falls below `minimumPresetDenominator`, the shifts span more than
 *   `maximumShiftSpread`, or the scale exceeds `maximumPresetShift`; the backward recomputes `E_r`, `E_c` with the
 *   final shifts when the forward fell back or `beta` grows past e^69.
 */
import { maximumPresetShift, maximumShiftedLogit, minimumPresetDenominator, type CrossViewForwardPass } from '@contrastive/core';
import type { GraphEmitter } from './constant-shift-kernel.js';
import { int64Operand, type AttributeValue, type OnnxTensor } from './onnx-tensor.js';
import { inLoopBody, maximumShiftSpread, onlyWhen } from './preset-row-shift-passes.js';

/**
 * What the preset forward keeps for its backward (the kernel routes `products` here when `state.preset` is set).
 *
 * @example
 * if ((state as CrossViewPresetState).preset) return crossViewPresetPasses(emit).products(a, p, u, v, state);
 *
 * @see [Decision 0014: cross-view preset shift](/contributing/decisions/0014-cross-view-preset-shift)
 */
export interface CrossViewPresetState extends PresetLineState {
  readonly preset: true;
  /** `exp(s_ij - h_i)`, diagonal 0. */
  readonly exponentials: OnnxTensor;
}

/**
 * What both preset schedules keep for their backward (the whole matrix's {@link CrossViewPresetState}, the row
 * blocks' `CrossViewPresetBlockState`).
 *
 * @example
 * const state: PresetLineState = { shift, top, rowShift, columnShift, queries, needed };
 */
export interface PresetLineState {
  /** The preset shifts `h` and their largest `m`. */
  readonly shift: OnnxTensor;
  readonly top: OnnxTensor;
  /** The shifts the forward returned (the preset's, or the maxima after a fallback). */
  readonly rowShift: OnnxTensor;
  readonly columnShift: OnnxTensor;
  /** `scale a`, the Gemm's queries. */
  readonly queries: OnnxTensor;
  /** The scalar bool: the forward fell back. */
  readonly needed: OnnxTensor;
}

const axis = (value: number): AttributeValue => ({ kind: 'int', value });
const whole = { keepdims: axis(0) };

/**
 * The shifts and checks both preset schedules share (the whole matrix here, row blocks in
 * cross-view-preset-blocks.ts).
 *
 * @example
 * const line = presetLine(emit); const { shift, top } = line.shifts(a, p, scale);
 */
export function presetLine(emit: GraphEmitter) {
  const { node } = emit;
  // Only the mapped ops (export-onnx.test.ts): the least entry as -max(-x), a logical or through Where and Max.
  const largest = (x: OnnxTensor) => node('ReduceMax', [x], [], 'float32', whole);
  const least = (x: OnnxTensor) => emit.backend().neg(largest(emit.backend().neg(x)));
  /**
   * Logical or of scalar bools, each as 0 or 1 (Greater is false on NaN, so a NaN in a fast value that is replaced
   * anyway cannot hide a condition, as a Max of margins could).
   */
  const anyOf = (flags: OnnxTensor[]) => {
    const b = emit.backend();
    const [one, zero] = [b.fill([], 1), b.fill([], 0)];
    return b.greater(flags.map((flag) => b.where(flag, one, zero)).reduce((x, y) => b.maximum(x, y)), zero);
  };
  return {
    /** `scale a`, the positives `s_ii`, the shifts `h`, their largest `m`, `alpha = e^(h - m)` and `|scale|`. */
    shifts(a: OnnxTensor, p: OnnxTensor, scale: OnnxTensor) {
      const b = emit.backend();
      const queries = b.mul(a, scale);
      const positiveLogits = b.sum(b.mul(queries, p), 1, true);
      const norm = (x: OnnxTensor) => b.sqrt(b.sum(b.mul(x, x), 1, true));
      const magnitude = b.sqrt(b.mul(scale, scale));
      const bound = b.mul(b.maximum(norm(a), norm(p)), magnitude);
      const shift = b.maximum(positiveLogits, b.sub(bound, b.fill([], maximumShiftedLogit(a.shape[0]!))));
      const top = largest(shift);
      return { queries, positiveLogits, shift, top, rowScales: b.exp(b.sub(shift, top)), magnitude };
    },
    /**
     * The scalar bool that sends the forward to the maxima: a row's or a column's denominator (the columns' in units
     * of e^m, where their terms are formed) below `minimumPresetDenominator`, shifts spanning more than
     * `maximumShiftSpread`, or a scale above `maximumPresetShift`.
     */
    fallBack(line: { positiveLogits: OnnxTensor; shift: OnnxTensor; top: OnnxTensor; magnitude: OnnxTensor }, rowRest: OnnxTensor, columnSums: OnnxTensor) {
      const b = emit.backend();
      const minimum = b.fill([], minimumPresetDenominator(line.shift.shape[0]!));
      const short = (denominators: OnnxTensor) => b.greater(minimum, least(denominators));
      return anyOf([
        short(b.add(rowRest, b.exp(b.sub(line.positiveLogits, line.shift)))),
        short(b.add(columnSums, b.exp(b.sub(line.positiveLogits, line.top)))),
        b.greater(b.sub(line.top, least(line.shift)), b.fill([], maximumShiftSpread)),
        b.greater(b.reshape(line.magnitude, []), b.fill([], maximumPresetShift)),
      ]);
    },
    /** The backward's fallback flag: the forward fell back, or `beta = v e^(m - h)` grew past e^69. */
    backwardFallBack(needed: OnnxTensor, columnScales: OnnxTensor) {
      const b = emit.backend();
      // `beta` also carries `v = w / R`, large where a column's denominator is near the preset's minimum.
      return anyOf([needed, b.greater(b.log(largest(columnScales)), b.fill([], 69))]);
    },
  };
}

/**
 * The preset forward and products over `emit`'s graph.
 *
 * @example
 * const passes = crossViewPresetPasses(emit);
 * const pass = passes.forward(a, p, scale); const { anchors, keys } = passes.products(a, p, u, v, pass.state);
 *
 * @see [Decision 0014: cross-view preset shift](/contributing/decisions/0014-cross-view-preset-shift)
 */
export function crossViewPresetPasses(emit: GraphEmitter) {
  const { node } = emit;
  const line = presetLine(emit);
  const diagonal = (n: number) => int64Operand(Int32Array.from({ length: n }, (_, i) => i), [n, 1]);
  /** `s` with the diagonal at -Infinity, from the queries `scale a` (sliced in a Loop body). */
  const maskedLogits = (queries: OnnxTensor, p: OnnxTensor, start: OnnxTensor) => {
    const n = p.shape[0]!;
    const logits = node('Gemm', [inLoopBody(emit, queries, start), p], [n, n], 'float32', { transB: axis(1) });
    return node('ScatterElements', [logits, diagonal(n), emit.backend().fill([n, 1], -Infinity)], [n, n], 'float32', { axis: axis(1) });
  };

  return {
    forward(a: OnnxTensor, p: OnnxTensor, scale: OnnxTensor): CrossViewForwardPass<OnnxTensor> {
      const b = emit.backend();
      const n = a.shape[0]!;
      const shifts = line.shifts(a, p, scale);
      const { queries, positiveLogits, shift, top, rowScales } = shifts;
      const shifted = node('Gemm', [b.concat([queries, b.neg(shift)], 1), b.concat([p, b.fill([n, 1], 1)], 1)], [n, n], 'float32', { transB: axis(1) });
      const exponentials = node('ScatterElements', [b.exp(shifted), diagonal(n), b.fill([n, 1], 0)], [n, n], 'float32', { axis: axis(1) });
      const rowRest = b.sum(exponentials, 1, true);
      // In units of e^m: alpha^T E, and the columns' positives e^(s_jj - m). A [1, n] row times E (MatMul): as a
      // Gemm with transA the vector product took 19-147 ms against 2-15 ms (one profile each, load ~7).
      const columnSums = b.reshape(b.matmul(b.reshape(rowScales, [1, n]), exponentials), [n, 1]);
      const columnRest = b.mul(columnSums, b.exp(b.sub(top, shift)));
      const needed = line.fallBack(shifts, rowRest, columnSums);
      const exact = (start: OnnxTensor) => {
        const masked = maskedLogits(queries, p, start);
        const rowShift = b.maximum(node('ReduceMax', [masked], [n, 1], 'float32', { axes: { kind: 'ints', value: [1] }, keepdims: axis(1) }), positiveLogits);
        const columnMaxima = node('ReduceMax', [masked], [1, n], 'float32', { axes: { kind: 'ints', value: [0] }, keepdims: axis(1) });
        const columnShift = b.maximum(b.reshape(columnMaxima, [n, 1]), positiveLogits);
        const rows = b.sum(b.exp(b.sub(masked, rowShift)), 1, true);
        const columns = b.reshape(b.sum(b.exp(b.sub(masked, b.reshape(columnShift, [1, n]))), 0, true), [n, 1]);
        return b.concat([rowShift, rows, columnShift, columns], 1);
      };
      const fast = b.concat([shift, rowRest, shift, columnRest], 1);
      const statistics = onlyWhen(emit, needed, fast, exact);
      const column = (index: number) => b.slice(statistics, [0, index], [n, 1]);
      const state: CrossViewPresetState = { preset: true, exponentials, shift, top, rowShift: column(0), columnShift: column(2), queries, needed };
      return { positiveLogits, rowShift: column(0), rowRest: column(1), columnShift: column(2), columnRest: column(3), state };
    },

    /** `G p` and `G^T a` with `G = u E_r + E_c v^T` (diagonal 0). */
    products(a: OnnxTensor, p: OnnxTensor, u: OnnxTensor, v: OnnxTensor, state: CrossViewPresetState) {
      const b = emit.backend();
      const n = a.shape[0]!;
      const dimension = a.shape[1]!;
      const { exponentials, shift, top } = state;
      const columnScales = b.mul(v, b.exp(b.sub(top, shift)));
      const rowFactors = b.concat([u, b.exp(b.sub(shift, top))], 1);
      const weights = node('Gemm', [rowFactors, b.concat([b.fill([n, 1], 1), columnScales], 1)], [n, n], 'float32', { transB: axis(1) });
      const gradient = b.mul(exponentials, weights);
      const fast = b.concat([b.matmul(gradient, p), b.matmul(gradient, a, { transposeA: true })], 0);
      const exact = (start: OnnxTensor) => {
        const masked = maskedLogits(state.queries, p, start);
        const rows = b.mul(b.exp(b.sub(masked, state.rowShift)), u);
        const recomputed = b.add(rows, b.mul(b.exp(b.sub(masked, b.reshape(state.columnShift, [1, n]))), b.reshape(v, [1, n])));
        return b.concat([b.matmul(recomputed, p), b.matmul(recomputed, a, { transposeA: true })], 0);
      };
      const products = onlyWhen(emit, line.backwardFallBack(state.needed, columnScales), fast, exact);
      return { anchors: b.slice(products, [0, 0], [n, dimension]), keys: b.slice(products, [n, 0], [n, dimension]) };
    },
  };
}

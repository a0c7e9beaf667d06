/**
 * The fused cross-view kernel's passes (cross-view-kernel.ts) over row blocks of `s = scale a p^T`, for batches whose
 * [n, n] float32 matrix exceeds `maxBlockBytes` (decision 0012). Each block of `B` rows is [B, n] (at most 64 MiB);
 * up to 16 blocks follow one another in the graph, more run inside one ONNX Loop (the tail after it), so the graph
 * stays one exportable model of bounded size and memory grows as B n.
 *
 * - forward: per block, the row statistics are local (row maxima, shifted sums, the diagonal from the block's own
 *   product); the columns' are an online log-sum-exp carried across blocks: the running maxima over the negatives
 *   `m` and sums `l` shifted by them, rescaled when a block raises the maximum
 *   (`l = l exp(m_old - m_new) + sum_I exp(s_I - m_new)`). After the last block the column shift takes the
 *   positive in (`g = max(m, s_jj)`) and `rest = l exp(m - g)`. Only O(n) state is kept.
 * - backward: each block's logits are recomputed (the Inf-CL scheme), `G_I = u_I E_r,I + E_c,I v^T` with the final
 *   shifts; `G_I p` gives the block's anchor rows and `G_I^T a_I` is added to the keys' accumulator.
 *
 * A Loop carries only what sums over the blocks (the forward's column maxima and sums, [n, 2]; the backward's keys,
 * [n, D], as Gemm's C) and returns each block's rows as its scan output (row statistics, the anchors' product), so
 * no block copies an [n, D] accumulator.
 */
import type { CrossViewForwardPass, CrossViewPlan, TensorBackend } from '@contrastive/core';
import { rowsFrom, traceTimeValues, type GraphEmitter } from './constant-shift-kernel.js';
import { int64Operand, isInt64Operand, type AttributeValue, type Int64Operand, type OnnxTensor } from './onnx-tensor.js';

type Start = OnnxTensor | Int64Operand;

/** One block's output: the state carried to the next block, if any, and values for the block's rows. */
export interface BlockResult {
  readonly carried?: OnnxTensor | undefined;
  readonly rows: OnnxTensor;
}

/** The final shifts the backward recomputes each block's exponentials with, [n, 1] each. */
interface BlockState {
  readonly rowShift: OnnxTensor;
  readonly columnShift?: OnnxTensor;
  /** The rows the Gemm multiplies (`scale a`, or `a` with the known scale as alpha), shared with the forward. */
  readonly queries: OnnxTensor;
  readonly alpha: number;
}

/**
 * Largest [B, n] block the row blocks form, whatever `maxBlockBytes` allows: 64 MiB. CLIP at N = 16384 (a Loop,
 * arena on, maxima) peaked 2.2 GiB over its inputs with 256 MiB blocks and 0.75 GiB with 64 MiB ones, at the same
 * speed within the noise (decision 0012). With the preset shift (decision 0015) 128 MiB blocks (512 rows at
 * N = 65536) took ~0.9x the time but peaked 775 against 578 MiB over the inputs, 1.02 GiB in the bench's large cell
 * (1110 MiB against 790 MiB at 64 MiB once the Loops stopped holding the [n, D + 1] queries, 2026-12-02).
 */
export const maximumCrossViewBlockBytes = 2 ** 26;

/**
 * Most blocks written out one after the other in the graph; beyond, the full blocks run inside an ONNX Loop. On
 * onnxruntime-node without the CPU memory arena (the runner's default) every Loop iteration allocates its [B, n]
 * intermediates afresh, while the outer graph reuses planned buffers: CLIP N = 8192 in 4 blocks of 2048 rows took
 * 5.8 and 3.3 s unrolled against 15.3 and 10.4 s in a Loop (arena on: 2.2 and 1.2 s against 1.8 and 1.4 s).
 */
export const maximumUnrolledBlocks = 16;

/**
 * Rows per block: the most whose [B, n] float32 block fits `maxBlockBytes` and {@link maximumCrossViewBlockBytes},
 * at least 2 (so that every column has a negative after the first block and the running maximum is finite).
 *
 * @example
 * crossViewBlockRows(65536, 2 ** 28); // 256
 */
export function crossViewBlockRows(rows: number, maxBlockBytes: number): number {
  return Math.max(2, Math.min(rows, Math.floor(Math.min(maxBlockBytes, maximumCrossViewBlockBytes) / (4 * rows))));
}

/**
 * Live [n, n] matrices of the blocked passes for the resource guard, as a fraction: the unblocked count (5 for two
 * directions: the masked logits, both exponentials, the weighted gradient and its parts; 3 for one) of [B, n] blocks.
 *
 * @example
 * crossViewBlockMatrices(300, 64 * 300 * 4, 2); // 5 * 64 / 300
 */
export function crossViewBlockMatrices(rows: number, maxBlockBytes: number, directions: 1 | 2): number {
  return ((directions === 1 ? 3 : 5) * crossViewBlockRows(rows, maxBlockBytes)) / rows;
}

const int = (value: number): AttributeValue => ({ kind: 'int', value });

/**
 * The forward and backward passes over row blocks of `blockRows` rows.
 *
 * @example
 * const blocks = crossViewBlockPasses(emit, 1024);
 * const pass = blocks.forward(a, p, scale, plan); const grads = blocks.products(a, p, plan, u, v, pass.state);
 */
export function crossViewBlockPasses(emit: GraphEmitter, blockRows: number) {
  const { node } = emit;

  /** Rows `start .. start + rows` of `x`, with their static shape in a Loop body (`rowsFrom`). */
  const sliceRows = (x: OnnxTensor, start: Start, rows: number): OnnxTensor => rowsFrom(emit, x, start, rows);
  /** Rows `start .. start + rows` as [rows, 1] int64: the block's diagonal columns. */
  const rowIndices = (start: Start, rows: number): OnnxTensor | Int64Operand => {
    const offsets = Int32Array.from({ length: rows }, (_, i) => i);
    if (isInt64Operand(start)) return int64Operand(offsets.map((i) => i + Number(start.values[0])), [rows, 1]);
    return node('Add', [start, int64Operand(offsets, [rows, 1])], [rows, 1], 'int64');
  };

  /**
   * Runs `block` over the rows, each call given the previous one's carried state (if any), and stacks the rows each
   * block returns: unrolled up to {@link maximumUnrolledBlocks}, else the full blocks in a Loop (the state carried,
   * the rows as its scan output, the Loop's second output when it carries a state) and the tail after it.
   * `initial: 'first-block'`: the first block gets no carried state and starts it (written out before the Loop),
   * so that no initial [n, D] value (zeros for a sum) is held through the Loop. `unrolled`: the most blocks written
   * out (blocks that share no data may all be scheduled before any is consumed, each holding its [B, n] values; a
   * Loop runs them one after the other).
   */
  const overBlocks = (
    b: TensorBackend<OnnxTensor>,
    n: number,
    initial: OnnxTensor | 'first-block' | undefined,
    block: (start: Start, rows: number, carried: OnnxTensor | undefined) => BlockResult,
    unrolled = maximumUnrolledBlocks,
  ): BlockResult => {
    // A Loop only where it runs at least one trip (the first block may be written out before it).
    if (Math.ceil(n / blockRows) <= unrolled || Math.floor(n / blockRows) <= (initial === 'first-block' ? 1 : 0)) {
      let carried = initial === 'first-block' ? undefined : initial;
      const parts: OnnxTensor[] = [];
      for (let start = 0; start < n; start += blockRows) {
        const result = block(int64Operand([start]), Math.min(blockRows, n - start), carried);
        carried = result.carried;
        parts.push(result.rows);
      }
      return { carried, rows: parts.length === 1 ? parts[0]! : b.concat(parts, 0) };
    }
    const blocks = Math.floor(n / blockRows);
    const first = initial === 'first-block' ? block(int64Operand([0]), blockRows, undefined) : undefined;
    const initialState = first ? first.carried : (initial as OnnxTensor | undefined);
    const skipped = first ? 1 : 0;
    const iteration = emit.loopInput([], 'int64');
    const condition = emit.loopInput([], 'bool');
    const carriedInput = initialState && emit.loopInput(initialState.shape, 'float32');
    const offset = first ? node('Add', [iteration, int64Operand([skipped], [])], [], 'int64') : iteration;
    const start = node('Reshape', [node('Mul', [offset, int64Operand([blockRows], [])], [], 'int64'), int64Operand([1])], [1], 'int64');
    const result = block(start, blockRows, carriedInput);
    const width = result.rows.shape[1]!;
    const body = {
      inputs: [iteration, condition, ...(carriedInput ? [carriedInput] : [])],
      outputs: [node('Identity', [condition], [], 'bool'), ...(result.carried ? [result.carried] : []), result.rows],
    };
    const keepGoing = node('Cast', [b.fill([], 1)], [], 'bool', { to: int(9) });
    const trips = int64Operand([blocks - skipped], []);
    const attributes = { body: { kind: 'graph', graph: body } } as const;
    const stackedShape = [blocks - skipped, blockRows, width];
    let carried: OnnxTensor | undefined;
    let stacked: OnnxTensor;
    if (initialState) {
      carried = node('Loop', [trips, keepGoing, initialState], initialState.shape, 'float32', attributes);
      stacked = emit.output(carried, 1, stackedShape);
    } else {
      stacked = node('Loop', [trips, keepGoing], stackedShape, 'float32', attributes);
    }
    const looped = b.reshape(stacked, [(blocks - skipped) * blockRows, width]);
    const rows = first ? b.concat([first.rows, looped], 0) : looped;
    const tail = n - blocks * blockRows;
    if (tail === 0) return { carried, rows };
    const last = block(int64Operand([blocks * blockRows]), tail, carried);
    return { carried: last.carried, rows: b.concat([rows, last.rows], 0) };
  };

  /** Rows `start .. start + rows` of `s` with the diagonal set to -Infinity, and that diagonal ([rows, 1]). */
  const maskedBlock = (queries: OnnxTensor, p: OnnxTensor, alpha: number, start: Start, rows: number) => {
    const b = emit.backend();
    const n = p.shape[0]!;
    const logits = node('Gemm', [sliceRows(queries, start, rows), p], [rows, n], 'float32', { alpha: { kind: 'float', value: alpha }, transB: int(1) });
    const indices = rowIndices(start, rows);
    const positive = node('GatherElements', [logits, indices], [rows, 1], 'float32', { axis: int(1) });
    const masked = node('ScatterElements', [logits, indices, b.fill([rows, 1], -Infinity)], [rows, n], 'float32', { axis: int(1) });
    return { masked, positive };
  };

  /** `scale a` and the Gemm's alpha: a scale known at trace time goes into alpha, a graph input scales the rows. */
  const scaledQueries = (a: OnnxTensor, scale: OnnxTensor) => {
    const known = traceTimeValues(scale);
    return known?.length === 1 ? { queries: a, alpha: known[0]! } : { queries: emit.backend().mul(a, scale), alpha: 1 };
  };

  const reduceMax = (x: OnnxTensor, axis: number, shape: number[]) =>
    node('ReduceMax', [x], shape, 'float32', { axes: { kind: 'ints', value: [axis] }, keepdims: int(1) });

  return {
    overBlocks,
    sliceRows,
    rowIndices,
    forward(a: OnnxTensor, p: OnnxTensor, scale: OnnxTensor, plan: CrossViewPlan): CrossViewForwardPass<OnnxTensor> {
      const b = emit.backend();
      const n = plan.rows;
      const twoWay = plan.directions !== 1;
      const { queries, alpha } = scaledQueries(a, scale);
      const withPositive = (maxima: OnnxTensor, positive: OnnxTensor) => (plan.positivesInDenominator === false ? maxima : b.maximum(maxima, positive));
      const column = (x: OnnxTensor, index: number) => b.slice(x, [0, index], [n, 1]);
      // The carried column statistics (two directions): running maxima over the negatives and sums shifted by them.
      // Maxima start at -Infinity: exp(m_old - m_new) is then 0 for the first block, whose B >= 2 rows give every
      // column a finite negative. Each block's rows: row shift, row rest, diagonal logit.
      const initial = twoWay ? b.concat([b.fill([n, 1], -Infinity), b.fill([n, 1], 0)], 1) : undefined;
      const statistics = overBlocks(b, n, initial, (start, rows, carried) => {
        const { masked, positive } = maskedBlock(queries, p, alpha, start, rows);
        const rowShift = withPositive(reduceMax(masked, 1, [rows, 1]), positive);
        const rowStatistics = b.concat([rowShift, b.sum(b.exp(b.sub(masked, rowShift)), 1, true), positive], 1);
        if (!carried) return { rows: rowStatistics };
        const previous = column(carried, 0);
        const maxima = b.maximum(previous, b.reshape(reduceMax(masked, 0, [1, n]), [n, 1]));
        const blockSums = b.reshape(b.sum(b.exp(b.sub(masked, b.reshape(maxima, [1, n]))), 0, true), [n, 1]);
        return { carried: b.concat([maxima, b.add(b.mul(column(carried, 1), b.exp(b.sub(previous, maxima))), blockSums)], 1), rows: rowStatistics };
      });
      const rowStatistics = statistics.rows;
      const rowShift = column(rowStatistics, 0);
      const positiveLogits = column(rowStatistics, 2);
      const rows = { positiveLogits, rowShift, rowRest: column(rowStatistics, 1) };
      if (!statistics.carried) return { ...rows, state: { rowShift, queries, alpha } satisfies BlockState };
      const maxima = column(statistics.carried, 0);
      const columnShift = withPositive(maxima, positiveLogits);
      const columnRest = b.mul(column(statistics.carried, 1), b.exp(b.sub(maxima, columnShift)));
      return { ...rows, columnShift, columnRest, state: { rowShift, columnShift, queries, alpha } satisfies BlockState };
    },

    products(a: OnnxTensor, p: OnnxTensor, plan: CrossViewPlan, u: OnnxTensor, v: OnnxTensor | undefined, state: unknown) {
      const b = emit.backend();
      const n = plan.rows;
      const dimension = a.shape[1]!;
      const { rowShift, columnShift, queries, alpha } = state as BlockState;
      const columnShiftRow = columnShift && b.reshape(columnShift, [1, n]);
      const vRow = v && b.reshape(v, [1, n]);
      // Carried: G^T a, summed over the blocks (Gemm's C); each block's rows: G p.
      const products = overBlocks(b, n, b.fill([n, dimension], 0), (start, rows, keysSoFar) => {
        const { masked } = maskedBlock(queries, p, alpha, start, rows);
        const uBlock = sliceRows(u, start, rows);
        const rowExponentials = b.exp(b.sub(masked, sliceRows(rowShift, start, rows)));
        const aBlock = sliceRows(a, start, rows);
        if (!vRow || !columnShiftRow) {
          const keys = node('Gemm', [rowExponentials, b.mul(uBlock, aBlock), keysSoFar!], [n, dimension], 'float32', { transA: int(1) });
          return { carried: keys, rows: b.mul(uBlock, b.matmul(rowExponentials, p)) };
        }
        const gradient = b.add(b.mul(rowExponentials, uBlock), b.mul(b.exp(b.sub(masked, columnShiftRow)), vRow));
        const keys = node('Gemm', [gradient, aBlock, keysSoFar!], [n, dimension], 'float32', { transA: int(1) });
        return { carried: keys, rows: b.matmul(gradient, p) };
      });
      return { anchors: products.rows, keys: products.carried! };
    },
  };
}

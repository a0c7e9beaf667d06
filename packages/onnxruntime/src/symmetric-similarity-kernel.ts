/**
 * The fused `similarityCrossEntropy` of this backend for self-similarity losses (NT-Xent, SimCLR's n-view
 * InfoNCE) on rows of norm at most 1: the fewest full passes over the [n, n] matrix ONNX Runtime's CPU kernels
 * allow. With `s = scale z z^T` and `c = scale`, `|s_ij| <= c`, so one constant shift replaces every row maximum:
 *
 * forward  `E = exp(s - c)` (one Gemm on `[z, -1]` and `[z, 1]` gives `s - c` directly; one Exp), the excluded
 *          keys and the positives set to 0 in place (ScatterElements), one row sum `rest`. The positives' logits
 *          come from gathered rows (O(n k D)), and `l_i = log1p(rest_i / e_ip)` when the positive dominates
 *          (exact near zero loss), else `log(R_i) + c - mean_p s_ip` with `R_i = rest_i + sum_p e_ip`.
 * backward `E` is symmetric (one shift for every row), so `G + G^T = E (u_i + u_j)` off the positives, with
 *          `u = w / R`: one broadcast Add, one Mul and one [n, n] x [n, D] MatMul; the positives' terms
 *          `e_ip (u_i + u_p) - (w_i + w_p) / k` come from the gathered rows again.
 *
 * Memory: when the [n, n] float32 matrix would exceed `maxBlockBytes` (default 256 MiB), the rows run in blocks of
 * `B` inside an ONNX Loop (plus one tail block), the forward keeps only `rest`, and the backward recomputes each
 * block's exponentials (the Inf-CL scheme): extra memory O(B n + n D) instead of O(n^2), in one exportable graph.
 *
 * It applies when the exponentials cannot underflow: every `s_ij - c >= -2c`, and `2c <= 80` keeps
 * `exp(-2c) >= 1.8e-35`, a normal float32. Otherwise (or for any other pairing) the composed kernel runs.
 */
import {
  composedSimilarityCrossEntropy,
  type SimilarityCrossEntropy,
  type SimilarityCrossEntropyInputs,
  type SimilarityCrossEntropySaved,
  type TensorBackend,
} from '@contrastive/core';
import { int64Operand, isInt64Operand, type AttributeValue, type Int64Operand, type OnnxElementType, type OnnxTensor } from './onnx-tensor.js';
import { symmetricPairing, traceTimeValues, type SymmetricPairing } from './symmetric-pairing.js';

/** Emits one ONNX node whose output the tracing backend tracks like a primitive's. */
export type EmitNode = (
  opType: string,
  inputs: (OnnxTensor | Int64Operand)[],
  shape: readonly number[],
  type?: OnnxElementType,
  attributes?: Record<string, AttributeValue>,
) => OnnxTensor;

export interface GraphEmitter {
  readonly node: EmitNode;
  /** A formal input of a loop body (the iteration number, the condition). */
  readonly loopInput: (shape: readonly number[], type: OnnxElementType) => OnnxTensor;
}

/** Largest `scale` with `exp(-2 scale)` a normal float32 and room to spare (see the file comment). */
export const maximumConstantShift = 40;
/** Default bound on one [rows, n] float32 block: 256 MiB (n = 8192 rows still runs as one block). */
export const defaultMaxBlockBytes = 2 ** 28;

interface Plan {
  readonly pairing: SymmetricPairing;
  readonly scale: number;
  /** Rows per block; `n` when the whole matrix fits in `maxBlockBytes`. */
  readonly blockRows: number;
}

interface Saved {
  readonly plan: Plan;
  /** `E` with the excluded keys and positives zeroed, when it ran as one block. */
  readonly zeroed: OnnxTensor | undefined;
  readonly denominator: OnnxTensor;
  readonly positiveRows: readonly OnnxTensor[];
  readonly positiveExps: readonly OnnxTensor[];
}

function planFor(inputs: SimilarityCrossEntropyInputs<OnnxTensor>, maxBlockBytes: number): Plan | undefined {
  if (!inputs.keysAreAnchors || inputs.learnableScale || !inputs.rowNormsAtMostOne) return undefined;
  const scaleValues = traceTimeValues(inputs.scale);
  const scale = scaleValues?.length === 1 ? scaleValues[0]! : Number.NaN;
  if (!(scale > 0 && scale <= maximumConstantShift)) return undefined;
  const pairing = symmetricPairing(inputs.pairing);
  if (!pairing) return undefined;
  const n = pairing.rows;
  return { pairing, scale, blockRows: Math.max(1, Math.min(n, Math.floor(maxBlockBytes / (4 * n)))) };
}

export function symmetricSimilarityCrossEntropy(emit: GraphEmitter, maxBlockBytes = defaultMaxBlockBytes): SimilarityCrossEntropy<OnnxTensor> {
  const composed = composedSimilarityCrossEntropy<OnnxTensor>();
  const { node } = emit;
  const axis = (value: number): AttributeValue => ({ kind: 'int', value });
  const gatherRows = (x: OnnxTensor, rows: Int32Array) => node('Gather', [x, int64Operand(rows)], [rows.length, x.shape[1]!], 'float32', { axis: axis(0) });
  type Start = OnnxTensor | Int64Operand;
  const sliceRows = <X extends OnnxTensor | Int64Operand>(x: X, start: Start, rows: number, type: OnnxElementType = 'float32'): X | OnnxTensor => {
    if (isInt64Operand(start) && start.values[0] === 0 && rows === x.shape[0]) return x;
    const end = isInt64Operand(start) ? int64Operand([Number(start.values[0]) + rows]) : node('Add', [start, int64Operand([rows])], [1], 'int64');
    return node('Slice', [x, start, end, int64Operand([0])], [rows, x.shape[1]!], type);
  };

  /**
   * Runs `block(start, rows)` over all `n` rows: one call when it fits, else an ONNX Loop over the full blocks
   * plus a tail, stacking the [rows, width] results into [n, width].
   */
  const overBlocks = (b: TensorBackend<OnnxTensor>, n: number, blockRows: number, width: number, block: (start: Start, rows: number) => OnnxTensor) => {
    if (blockRows >= n) return block(int64Operand([0]), n);
    const blocks = Math.floor(n / blockRows);
    const iteration = emit.loopInput([], 'int64');
    const condition = emit.loopInput([], 'bool');
    const start = node('Reshape', [node('Mul', [iteration, int64Operand([blockRows], [])], [], 'int64'), int64Operand([1])], [1], 'int64');
    const body = { inputs: [iteration, condition], outputs: [node('Identity', [condition], [], 'bool'), block(start, blockRows)] };
    const keepGoing = node('Cast', [b.fill([], 1)], [], 'bool', { to: axis(9) });
    const stacked = node('Loop', [int64Operand([blocks], []), keepGoing], [blocks, blockRows, width], 'float32', { body: { kind: 'graph', graph: body } });
    const full = b.reshape(stacked, [blocks * blockRows, width]);
    const tail = n - blocks * blockRows;
    return tail === 0 ? full : b.concat([full, block(int64Operand([blocks * blockRows]), tail)], 0);
  };

  /** Rows `start .. start + rows` of `E = exp(s - c)` with the excluded keys and the positives set to 0. */
  const zeroedBlock = (b: TensorBackend<OnnxTensor>, plan: Plan, z: OnnxTensor, start: Start, rows: number) => {
    const n = plan.pairing.rows;
    const shiftedRows = b.concat([z, b.fill([n, 1], -1)], 1);
    const keys = b.concat([z, b.fill([n, 1], 1)], 1);
    const shifted = node('Gemm', [sliceRows(shiftedRows, start, rows), keys], [rows, n], 'float32', {
      alpha: { kind: 'float', value: plan.scale },
      transB: axis(1),
    });
    const width = plan.pairing.zeroedColumns.length / n;
    const columns = sliceRows(int64Operand(plan.pairing.zeroedColumns, [n, width]), start, rows, 'int64');
    return node('ScatterElements', [b.exp(shifted), columns, b.fill([rows, width], 0)], [rows, n], 'float32', { axis: axis(1) });
  };

  return {
    forward(b, inputs) {
      const plan = planFor(inputs, maxBlockBytes);
      if (!plan) return composed.forward(b, inputs);
      const { pairing, scale } = plan;
      const z = inputs.anchors;
      const n = pairing.rows;
      const k = pairing.positives.length;
      let zeroed: OnnxTensor | undefined;
      const rest = overBlocks(b, n, plan.blockRows, 1, (start, rows) => {
        const block = zeroedBlock(b, plan, z, start, rows);
        if (rows === n) zeroed = block;
        return b.sum(block, 1, true);
      });
      const scaleTensor = b.fill([], scale);
      const positiveRows = pairing.positives.map((rows) => gatherRows(z, rows));
      const positiveLogits = positiveRows.map((rows) => b.mul(b.sum(b.mul(z, rows), 1, true), scaleTensor));
      const positiveExps = positiveLogits.map((logit) => b.exp(b.sub(logit, scaleTensor)));
      const denominator = positiveExps.reduce((sum, e) => b.add(sum, e), rest);
      const logSumExp = b.add(b.log(denominator), scaleTensor);
      const positiveMean = b.div(positiveLogits.reduce((sum, s) => b.add(sum, s)), b.fill([], k));
      let rowLosses = b.sub(logSumExp, positiveMean);
      if (k === 1) {
        const positive = positiveExps[0]!;
        rowLosses = b.where(b.greater(positive, rest), b.log1p(b.div(rest, positive)), rowLosses);
      }
      const saved: Saved = { plan, zeroed, denominator, positiveRows, positiveExps };
      return {
        rowLosses: b.reshape(rowLosses, [n]),
        positiveCounts: b.fill([n], k),
        saved: { inputs, logSumExp, extra: saved },
      };
    },

    backward(b, saved: SimilarityCrossEntropySaved<OnnxTensor>, rowWeights) {
      const state = saved.extra as Saved | { logits?: unknown };
      if (!('plan' in state)) return composed.backward(b, saved, rowWeights);
      const { plan, zeroed, denominator, positiveRows, positiveExps } = state;
      const n = plan.pairing.rows;
      const k = plan.pairing.positives.length;
      const z = saved.inputs.anchors;
      const weights = b.reshape(rowWeights, [n, 1]);
      const u = b.div(weights, denominator);
      const uRow = b.reshape(u, [1, n]);
      let gradient = overBlocks(b, n, plan.blockRows, b.shape(z)[1]!, (start, rows) => {
        const block = rows === n && zeroed ? zeroed : zeroedBlock(b, plan, z, start, rows);
        return b.matmul(b.mul(block, b.add(sliceRows(u, start, rows), uRow)), z);
      });
      plan.pairing.positives.forEach((rows, t) => {
        const pairedU = gatherRows(u, rows);
        const pairedWeights = gatherRows(weights, rows);
        const softmaxPart = b.mul(positiveExps[t]!, b.add(u, pairedU));
        const coefficient = b.sub(softmaxPart, b.div(b.add(weights, pairedWeights), b.fill([], k)));
        gradient = b.add(gradient, b.mul(coefficient, positiveRows[t]!));
      });
      return { anchors: b.mul(gradient, b.fill([], plan.scale)) };
    },
  };
}

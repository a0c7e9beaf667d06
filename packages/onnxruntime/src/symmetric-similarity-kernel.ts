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
 * It applies when the exponentials cannot underflow: every `s_ij - c >= -2c`, and `2c <= 80` keeps
 * `exp(-2c) >= 1.8e-35`, a normal float32. Otherwise (or for any other pairing) the composed kernel runs.
 */
import {
  composedSimilarityCrossEntropy,
  type SimilarityCrossEntropy,
  type SimilarityCrossEntropyInputs,
  type SimilarityCrossEntropySaved,
} from '@contrastive/core';
import { int64Operand, type AttributeValue, type Int64Operand, type OnnxElementType, type OnnxTensor } from './onnx-tensor.js';
import { symmetricPairing, traceTimeValues, type SymmetricPairing } from './symmetric-pairing.js';

/** Emits one ONNX node whose output the tracing backend tracks like a primitive's. */
export type EmitNode = (
  opType: string,
  inputs: (OnnxTensor | Int64Operand)[],
  shape: readonly number[],
  type?: OnnxElementType,
  attributes?: Record<string, AttributeValue>,
) => OnnxTensor;

/** Largest `scale` with `exp(-2 scale)` a normal float32 and room to spare (see the file comment). */
export const maximumConstantShift = 40;

interface Plan {
  readonly pairing: SymmetricPairing;
  readonly scale: number;
}

interface Saved {
  readonly plan: Plan;
  readonly zeroed: OnnxTensor;
  readonly denominator: OnnxTensor;
  readonly positiveRows: readonly OnnxTensor[];
  readonly positiveExps: readonly OnnxTensor[];
}

function planFor(inputs: SimilarityCrossEntropyInputs<OnnxTensor>): Plan | undefined {
  if (!inputs.keysAreAnchors || inputs.learnableScale || !inputs.rowNormsAtMostOne) return undefined;
  const scaleValues = traceTimeValues(inputs.scale);
  const scale = scaleValues?.length === 1 ? scaleValues[0]! : Number.NaN;
  if (!(scale > 0 && scale <= maximumConstantShift)) return undefined;
  const pairing = symmetricPairing(inputs.pairing);
  return pairing && { pairing, scale };
}

export function symmetricSimilarityCrossEntropy(emit: EmitNode): SimilarityCrossEntropy<OnnxTensor> {
  const composed = composedSimilarityCrossEntropy<OnnxTensor>();
  const gatherRows = (x: OnnxTensor, rows: Int32Array) => emit('Gather', [x, int64Operand(rows)], [rows.length, x.shape[1]!], 'float32', { axis: { kind: 'int', value: 0 } });

  return {
    forward(b, inputs) {
      const plan = planFor(inputs);
      if (!plan) return composed.forward(b, inputs);
      const { pairing, scale } = plan;
      const z = inputs.anchors;
      const n = pairing.rows;
      const k = pairing.positives.length;
      const shifted = emit('Gemm', [b.concat([z, b.fill([n, 1], -1)], 1), b.concat([z, b.fill([n, 1], 1)], 1)], [n, n], 'float32', {
        alpha: { kind: 'float', value: scale },
        transB: { kind: 'int', value: 1 },
      });
      const width = pairing.zeroedColumns.length / n;
      const zeroed = emit('ScatterElements', [b.exp(shifted), int64Operand(pairing.zeroedColumns, [n, width]), b.fill([n, width], 0)], [n, n], 'float32', {
        axis: { kind: 'int', value: 1 },
      });
      const rest = b.sum(zeroed, 1, true);
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
      const symmetricWeights = b.mul(zeroed, b.add(u, b.reshape(u, [1, n])));
      let gradient = b.matmul(symmetricWeights, z);
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


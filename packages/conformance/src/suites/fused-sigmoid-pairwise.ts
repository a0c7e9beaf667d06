/**
 * Fused vs composed for `sigmoidPairwise` (SigLIP): a backend's override must agree with core's composed reference
 * on the same backend, row losses and the gradients of both views, of `logTemperature` and of `bias`, at SigLIP's
 * default (t = 10, bias -10) and at t = 100, on unit and raw rows, with huge logits, and on pairs whose positive
 * dominates (row losses near 1e-21, checked digit for digit against float64 host math, and gradients near 1e-18
 * against the composed kernel relative to their own size, where ORT's clamped Sigmoid, say, would zero them). Ids:
 * `fused/sigmoidPairwise/<case>`.
 */
import { composedSigmoidPairwise, disposeAll, type SigmoidPairwise, type SigmoidPairwiseInputs, type TensorBackend } from '@contrastive/core';
import { skipCase, type CaseRegistry } from '../case-registry.js';
import { compareEvaluations } from '../compare-values.js';
import { readAll, type Evaluation } from '../evaluate-loss.js';
import { dimension } from '../loss-case-specs.js';
import { RandomSource } from '../random-source.js';
import { tolerances } from '../tolerances.js';

interface SigmoidPairwiseCase {
  readonly pairs: number;
  /** `t = exp(logTemperature)`. */
  readonly scale: number;
  readonly bias: number;
  /** Rows L2-normalised (SigLIP with `normalize`), else raw Gaussian rows times `rowScale`. */
  readonly unitRows: boolean;
  readonly rowScale?: number;
  /** Row `i` of both views near the basis vector `e_i` (so `x_ii = t + bias`, the rest near `bias`). */
  readonly dominantPositives?: boolean;
}

/** SigLIP's default, t = 100, raw rows (`normalize: false`), logits near 1e4, and positives that dominate. */
export const sigmoidPairwiseCases: Readonly<Record<string, SigmoidPairwiseCase>> = {
  'siglip-default': { pairs: 6, scale: 10, bias: -10, unitRows: true },
  'temperature-0.01': { pairs: 6, scale: 100, bias: -10, unitRows: true },
  'raw-rows': { pairs: 5, scale: 10, bias: -10, unitRows: false },
  'raw-rows-temperature-0.01': { pairs: 5, scale: 100, bias: -10, unitRows: false },
  'raw-rows-huge-logits': { pairs: 5, scale: 100, bias: 3, unitRows: false, rowScale: 10 },
  'dominant-positives': { pairs: dimension, scale: 100, bias: -50, unitRows: true, dominantPositives: true },
};

const range = (count: number) => Array.from({ length: count }, (_, i) => i);

/** Float32-representable host rows for `spec`. */
function hostRows(spec: SigmoidPairwiseCase, random: RandomSource): Float64Array {
  const values = Float64Array.from(random.gaussianTensor([spec.pairs, dimension], spec.rowScale ?? 1).values);
  for (let start = 0, row = 0; start < values.length; start += dimension, row += 1) {
    const slice = values.subarray(start, start + dimension);
    if (spec.dominantPositives) slice.forEach((v, i) => { slice[i] = (i === row ? 1 : 0) + 0.05 * v; });
    const norm = spec.unitRows ? Math.hypot(...slice) : 1;
    slice.forEach((v, i) => { slice[i] = Math.fround(v / norm); });
  }
  return values;
}

/** Float64 row losses `sum_j softplus(-y_ij x_ij)` from the host inputs (the math stated, not the kernel's). */
function hostRowLosses(a: Float64Array, p: Float64Array, spec: SigmoidPairwiseCase): number[] {
  const t = Math.exp(Math.fround(Math.log(spec.scale)));
  const softplus = (u: number) => Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
  return range(spec.pairs).map((i) => range(spec.pairs).reduce((sum, j) => {
    let dot = 0;
    for (let k = 0; k < dimension; k += 1) dot += a[i * dimension + k]! * p[j * dimension + k]!;
    const x = t * dot + Math.fround(spec.bias);
    return sum + softplus(i === j ? -x : x);
  }, 0));
}

async function runKernel<T>(b: TensorBackend<T>, kernel: SigmoidPairwise<T>, spec: SigmoidPairwiseCase, seed: string) {
  const random = new RandomSource(seed);
  const [a, p] = [hostRows(spec, random), hostRows(spec, random)];
  const inputs: SigmoidPairwiseInputs<T> = {
    anchors: b.fromArray(a, [spec.pairs, dimension]), positives: b.fromArray(p, [spec.pairs, dimension]),
    logTemperature: b.fill([], Math.log(spec.scale)), bias: b.fill([], spec.bias),
  };
  const weights = b.fromArray(range(spec.pairs).map(() => Math.fround(0.5 + random.uniform())), [spec.pairs]);
  const results = b.scope(() => {
    const forward = kernel.forward(b, inputs);
    return { outputs: { rowLosses: forward.rowLosses }, gradients: { ...kernel.backward(b, forward.saved, weights) } };
  });
  try {
    const [outputs, gradients] = await Promise.all([readAll(b, results.outputs), readAll(b, results.gradients)]);
    const evaluation: Evaluation = { outputs, gradients };
    return { evaluation, host: hostRowLosses(a, p, spec) };
  } finally {
    disposeAll(b, [results, inputs, weights]);
  }
}

/** Tiny row losses must keep their digits: relative error within the gradient tolerance of the float64 values. */
function expectDigits(actual: ArrayLike<number>, expected: readonly number[], relative: number): void {
  const wrong = expected.flatMap((e, i) => (Math.abs(actual[i]! - e) <= relative * Math.abs(e) ? [] : [`row ${i}: ${actual[i]} vs ${e}`]));
  if (wrong.length > 0) throw new Error(`row losses lost their digits: ${wrong.join('; ')}`);
}

/** Tiny gradients must keep theirs too: each tensor against the composed one, relative to its own largest entry. */
function expectGradientDigits(actual: Evaluation, expected: Evaluation, relative: number): void {
  for (const [name, { values }] of Object.entries(expected.gradients)) {
    const scale = Math.max(...Array.from(values, Math.abs));
    const got = actual.gradients[name]!.values;
    const wrong = Array.from(values).flatMap((e, i) => (Math.abs(got[i]! - e) <= relative * scale ? [] : [`${i}: ${got[i]} vs ${e}`]));
    if (wrong.length > 0) throw new Error(`${name} lost its digits (largest entry ${scale}): ${wrong.slice(0, 4).join('; ')}`);
  }
}

/**
 * Registers `fused/sigmoidPairwise/<case>` for each of {@link sigmoidPairwiseCases}.
 *
 * @param registry - The suite's case registry.
 *
 * @example
 * registerFusedSigmoidPairwise(registry);
 */
export function registerFusedSigmoidPairwise<T>(registry: CaseRegistry<T>): void {
  for (const [name, spec] of Object.entries(sigmoidPairwiseCases)) {
    const id = `fused/sigmoidPairwise/${name}`;
    registry.test(id, async (backend) => {
      const fused = backend.fused?.sigmoidPairwise;
      if (!fused) skipCase('no fused override');
      const actual = await runKernel(backend, fused, spec, id);
      const expected = await runKernel(backend, composedSigmoidPairwise<T>(), spec, id);
      const tolerance = tolerances[backend.capabilities.precision];
      compareEvaluations(actual.evaluation, expected.evaluation, tolerance);
      if (!spec.dominantPositives) return;
      expectDigits(actual.evaluation.outputs['rowLosses']!.values, actual.host, tolerance.gradient);
      expectGradientDigits(actual.evaluation, expected.evaluation, tolerance.gradient);
    });
  }
}

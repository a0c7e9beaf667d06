/**
 * Fused vs composed for `crossViewCrossEntropy` (CLIP's two directions over one similarity matrix; one direction for
 * in-batch InfoNCE; the decoupled denominator of the contrastive loss): a backend's override must agree with core's
 * composed reference on the same backend, row losses and the gradients of both views and of the scale, at high and
 * low temperature. Ids: `fused/crossViewCrossEntropy/<case>`.
 */
import { composedCrossViewCrossEntropy, disposeAll, type CrossViewCrossEntropy, type CrossViewInputs, type TensorBackend } from '@contrastive/core';
import { skipCase, type CaseRegistry } from '../case-registry.js';
import { compareEvaluations } from '../compare-values.js';
import { readAll, type Evaluation } from '../evaluate-loss.js';
import { dimension } from '../loss-case-specs.js';
import { RandomSource } from '../random-source.js';
import { tolerances } from '../tolerances.js';

interface CrossViewCase {
  readonly pairs: number;
  readonly scale: number;
  /** Rows L2-normalised and the kernel told so (CLIP with `normalize`). */
  readonly unitRows: boolean;
  readonly learnableScale: boolean;
  /** 1: the rows only (in-batch InfoNCE, the contrastive loss); absent: both directions. */
  readonly directions?: 1 | 2;
  /** The positive left out of each denominator (the contrastive loss); absent: in it. */
  readonly decoupled?: boolean;
}

/**
 * CLIP at temperature 0.5 (a constant shift may apply), 0.07 (open_clip's initial scale), 0.01 (scale 100), raw
 * rows; in-batch InfoNCE (one direction) and the contrastive loss (decoupled, one and two directions) at 0.1 and 0.01.
 */
export const crossViewCases: Readonly<Record<string, CrossViewCase>> = {
  'clip-temperature-0.5': { pairs: 6, scale: 2, unitRows: true, learnableScale: true },
  'clip-temperature-0.07': { pairs: 6, scale: 1 / 0.07, unitRows: true, learnableScale: true },
  'clip-temperature-0.01': { pairs: 6, scale: 100, unitRows: true, learnableScale: true },
  'raw-rows-fixed-scale': { pairs: 5, scale: 3, unitRows: false, learnableScale: false },
  'info-nce-one-direction-temperature-0.1': { pairs: 6, scale: 10, unitRows: true, learnableScale: true, directions: 1 },
  'info-nce-one-direction-temperature-0.01': { pairs: 6, scale: 100, unitRows: true, learnableScale: true, directions: 1 },
  'info-nce-one-direction-raw-rows': { pairs: 5, scale: 3, unitRows: false, learnableScale: false, directions: 1 },
  'contrastive-loss-decoupled-temperature-0.1': { pairs: 6, scale: 10, unitRows: true, learnableScale: false, directions: 1, decoupled: true },
  'contrastive-loss-decoupled-temperature-0.01': { pairs: 6, scale: 100, unitRows: true, learnableScale: true, directions: 1, decoupled: true },
  'contrastive-loss-symmetric-temperature-0.01': { pairs: 6, scale: 100, unitRows: true, learnableScale: false, directions: 2, decoupled: true },
};

const range = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => offset + i);

function createInputs<T>(b: TensorBackend<T>, spec: CrossViewCase, random: RandomSource): CrossViewInputs<T> {
  const matrix = () => {
    const values = Float64Array.from(random.gaussianTensor([spec.pairs, dimension]).values);
    if (spec.unitRows) {
      for (let start = 0; start < values.length; start += dimension) {
        const row = values.subarray(start, start + dimension);
        const norm = Math.hypot(...row);
        row.forEach((v, i) => { row[i] = v / norm; });
      }
    }
    return b.fromArray(values, [spec.pairs, dimension]);
  };
  const n = spec.pairs;
  return {
    anchors: matrix(), keys: matrix(), scale: b.fill([], spec.scale),
    pairing: {
      anchorIds: b.fromArray(range(n), [n, 1]), keyIds: b.fromArray(range(n, n), [1, n]),
      anchorGroups: b.fromArray(range(n), [n, 1]), keyGroups: b.fromArray(range(n), [1, n]), positivesInDenominator: spec.decoupled !== true,
    },
    learnableScale: spec.learnableScale, rowNormsAtMostOne: spec.unitRows, directions: spec.directions ?? 2,
  };
}

async function runKernel<T>(b: TensorBackend<T>, kernel: CrossViewCrossEntropy<T>, spec: CrossViewCase, seed: string): Promise<Evaluation> {
  const random = new RandomSource(seed);
  const inputs = createInputs(b, spec, random);
  const weights = b.fromArray(range(spec.pairs).map(() => Math.fround(0.5 + random.uniform())), [spec.pairs]);
  const results = b.scope(() => {
    const forward = kernel.forward(b, inputs);
    const gradients = kernel.backward(b, forward.saved, weights);
    return { outputs: { rowLosses: forward.rowLosses }, gradients };
  });
  try {
    const [outputs, gradients] = await Promise.all([readAll(b, results.outputs), readAll(b, { ...results.gradients })]);
    return { outputs, gradients };
  } finally {
    disposeAll(b, [results, inputs, weights]);
  }
}

/**
 * Registers `fused/crossViewCrossEntropy/<case>` for each of {@link crossViewCases}.
 *
 * @param registry - The suite's case registry.
 */
export function registerFusedCrossView<T>(registry: CaseRegistry<T>): void {
  for (const [name, spec] of Object.entries(crossViewCases)) {
    const id = `fused/crossViewCrossEntropy/${name}`;
    registry.test(id, async (backend) => {
      const fused = backend.fused?.crossViewCrossEntropy;
      if (!fused) skipCase('no fused override');
      const actual = await runKernel(backend, fused, spec, id);
      const expected = await runKernel(backend, composedCrossViewCrossEntropy<T>(), spec, id);
      compareEvaluations(actual, expected, tolerances[backend.capabilities.precision]);
    });
  }
}

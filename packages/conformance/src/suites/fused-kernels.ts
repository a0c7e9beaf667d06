/**
 * Fused vs composed: every fused kernel a backend overrides must agree with core's composed reference on the same
 * backend (forward rows, positive counts and gradients) for several pairings. Ids: `fused/<kernel>/<pairing>`.
 */
import {
  composedSimilarityCrossEntropy,
  disposeAll,
  fusedKernelNames,
  type FusedKernelName,
  type SimilarityCrossEntropy,
  type SimilarityCrossEntropyInputs,
  type TensorBackend,
} from '@contrastive/core';
import { skipCase, type CaseRegistry } from '../case-registry.js';
import { compareEvaluations } from '../compare-values.js';
import { readAll, type Evaluation } from '../evaluate-loss.js';
import { dimension } from '../loss-case-specs.js';
import { RandomSource } from '../random-source.js';
import { tolerances } from '../tolerances.js';
import { registerFusedCrossView } from './fused-cross-view.js';
import { registerFusedSigmoidPairwise } from './fused-sigmoid-pairwise.js';

interface Pairing {
  readonly anchors: number;
  /** Key rows, or `'anchors'` when the keys are the anchors themselves. */
  readonly keys: number | 'anchors';
  readonly anchorIds: number[];
  readonly keyIds: number[];
  readonly anchorGroups: number[];
  readonly keyGroups: number[];
  readonly positivesInDenominator: boolean;
  readonly learnableScale: boolean;
  readonly scale: number;
  /** Rows L2-normalised and the kernel told so (`rowNormsAtMostOne`), as NT-Xent and SupCon do. */
  readonly unitRows?: boolean;
}

const range = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => offset + i);
const selfPairing = (groups: number[], positivesInDenominator: boolean): Pairing => ({
  anchors: groups.length, keys: 'anchors', anchorIds: range(groups.length), keyIds: range(groups.length),
  anchorGroups: groups, keyGroups: groups, positivesInDenominator, learnableScale: false, scale: 2,
});

/** NT-Xent, CLIP, DCL, SupCon (one anchor without a positive) and a MoCo-like queue of extra keys. */
export const pairings: Readonly<Record<string, Pairing>> = {
  'self-excluded': selfPairing([0, 1, 2, 0, 1, 2], true),
  'cross-view': {
    anchors: 4, keys: 4, anchorIds: range(4), keyIds: range(4, 100), anchorGroups: range(4), keyGroups: range(4),
    positivesInDenominator: true, learnableScale: true, scale: 10,
  },
  decoupled: selfPairing([0, 1, 2, 0, 1, 2], false),
  'sup-con-groups': selfPairing([0, 1, 0, 2, 0, 1], true),
  // A kernel may use a constant shift on unit rows; the second case is at temperature 1/30, near its limit.
  'unit-rows-two-views': { ...selfPairing([0, 1, 2, 0, 1, 2], true), unitRows: true, scale: 14.3 },
  'unit-rows-three-views': { ...selfPairing([0, 1, 0, 1, 0, 1], true), unitRows: true, scale: 30 },
  // Below temperature 1/40 a constant shift could underflow: a kernel shifts by row maxima (CLIP's scale 100).
  'unit-rows-two-views-temperature-0.01': { ...selfPairing([0, 1, 2, 0, 1, 2], true), unitRows: true, scale: 100 },
  'unit-rows-three-views-temperature-0.01': { ...selfPairing([0, 1, 0, 1, 0, 1], true), unitRows: true, scale: 100 },
  // DCL's decoupled denominator (the negatives alone) on unit rows: a constant shift, then row maxima.
  'decoupled-unit-rows-two-views': { ...selfPairing([0, 1, 2, 0, 1, 2], false), unitRows: true, scale: 14.3 },
  'decoupled-unit-rows-two-views-temperature-0.01': { ...selfPairing([0, 1, 2, 0, 1, 2], false), unitRows: true, scale: 100 },
  'decoupled-unit-rows-three-views-temperature-0.01': { ...selfPairing([0, 1, 0, 1, 0, 1], false), unitRows: true, scale: 100 },
  // SupCon's uneven groups (two, one and no positives) on unit rows: a kernel may read the groups at run time.
  'sup-con-groups-unit-rows-temperature-0.5': { ...selfPairing([0, 1, 0, 2, 0, 1, 3, 3], true), unitRows: true, scale: 2 },
  'sup-con-groups-unit-rows': { ...selfPairing([0, 1, 0, 2, 0, 1, 3, 3], true), unitRows: true, scale: 14.3 },
  'sup-con-groups-unit-rows-temperature-0.01': { ...selfPairing([0, 1, 0, 2, 0, 1, 3, 3], true), unitRows: true, scale: 100 },
  'queue-of-extra-keys': {
    anchors: 3, keys: 6, anchorIds: range(3), keyIds: range(6, 100), anchorGroups: range(3), keyGroups: [0, 1, 2, -1, -2, -3],
    positivesInDenominator: true, learnableScale: false, scale: 5,
  },
};

function createKernelInputs<T>(b: TensorBackend<T>, pairing: Pairing, random: RandomSource): SimilarityCrossEntropyInputs<T> {
  const matrix = (rows: number) => {
    const values = Float64Array.from(random.gaussianTensor([rows, dimension]).values);
    if (pairing.unitRows) normalizeRows(values, dimension);
    return b.fromArray(values, [rows, dimension]);
  };
  const anchors = matrix(pairing.anchors);
  const column = (values: number[]) => b.fromArray(values, [values.length, 1]);
  const row = (values: number[]) => b.fromArray(values, [1, values.length]);
  return {
    anchors,
    keys: pairing.keys === 'anchors' ? anchors : matrix(pairing.keys),
    scale: b.fill([], pairing.scale),
    pairing: {
      anchorIds: column(pairing.anchorIds), keyIds: row(pairing.keyIds),
      anchorGroups: column(pairing.anchorGroups), keyGroups: row(pairing.keyGroups),
      positivesInDenominator: pairing.positivesInDenominator,
    },
    keysAreAnchors: pairing.keys === 'anchors',
    learnableScale: pairing.learnableScale,
    rowNormsAtMostOne: !!pairing.unitRows,
  };
}

function normalizeRows(values: Float64Array, width: number): void {
  for (let start = 0; start < values.length; start += width) {
    const row = values.subarray(start, start + width);
    const norm = Math.hypot(...row);
    row.forEach((v, i) => { row[i] = v / norm; });
  }
}

async function runKernel<T>(b: TensorBackend<T>, kernel: SimilarityCrossEntropy<T>, pairing: Pairing, seed: string): Promise<Evaluation> {
  const random = new RandomSource(seed);
  const inputs = createKernelInputs(b, pairing, random);
  const weights = b.fromArray(range(pairing.anchors).map(() => Math.fround(0.5 + random.uniform())), [pairing.anchors]);
  const results = b.scope(() => {
    const forward = kernel.forward(b, inputs);
    const gradients = kernel.backward(b, forward.saved, weights);
    return { outputs: { rowLosses: forward.rowLosses, positiveCounts: forward.positiveCounts }, gradients };
  });
  try {
    const [outputs, gradients] = await Promise.all([readAll(b, results.outputs), readAll(b, { ...results.gradients })]);
    return { outputs, gradients };
  } finally {
    disposeAll(b, [results, inputs, weights]);
  }
}

/** The kernels of `SimilarityCrossEntropy`'s signature; `crossViewCrossEntropy` has its cases in fused-cross-view.ts. */
type SimilarityKernelName = Exclude<FusedKernelName, 'crossViewCrossEntropy' | 'sigmoidPairwise'>;
const composedKernels: { readonly [K in SimilarityKernelName]: <T>() => SimilarityCrossEntropy<T> } = {
  similarityCrossEntropy: composedSimilarityCrossEntropy,
};
const similarityKernelNames = fusedKernelNames.filter((name): name is SimilarityKernelName => name === 'similarityCrossEntropy');

export function registerFusedKernels<T>(registry: CaseRegistry<T>): void {
  registerFusedCrossView(registry);
  registerFusedSigmoidPairwise(registry);
  for (const kernelName of similarityKernelNames) {
    for (const [pairingName, pairing] of Object.entries(pairings)) {
      const id = `fused/${kernelName}/${pairingName}`;
      registry.test(id, async (backend) => {
        const fused = backend.fused?.[kernelName];
        if (!fused) skipCase('no fused override');
        const actual = await runKernel(backend, fused, pairing, id);
        const expected = await runKernel(backend, composedKernels[kernelName]<T>(), pairing, id);
        compareEvaluations(actual, expected, tolerances[backend.capabilities.precision]);
      });
    }
  }
}

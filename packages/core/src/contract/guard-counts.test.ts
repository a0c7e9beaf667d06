/**
 * The resource guard's counts for the fused paths: losses served by the cross-view kernel (CLIP, in-batch InfoNCE,
 * the contrastive loss) are counted by that kernel's `workingMatrices` where its plan would run, the composed count
 * (16 matrices) elsewhere; the similarity kernel is told whether positives may come from run-time groups (SupCon).
 * Budgets are stated from the math: matrices x rows x columns x 8 bytes (the reference backend is float64).
 */
import { describe, expect, it } from 'vitest';
import { ContrastiveResourceError } from '../errors.js';
import { computeLoss } from '../loss-definition.js';
import { clip } from '../losses/clip.js';
import { contrastiveLoss } from '../losses/contrastive-loss.js';
import { infoNce } from '../losses/info-nce.js';
import { ntXent } from '../losses/nt-xent.js';
import { supCon } from '../losses/sup-con.js';
import { fusedCrossViewCrossEntropy, type CrossViewPasses } from '../math/fused-cross-view-cross-entropy.js';
import type { SimilarityCrossEntropy, WorkingSetQuery } from '../math/similarity-cross-entropy.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import type { FusedKernels } from '../fused-kernels.js';
import type { TensorBackend } from '../tensor-backend.js';
import { checkHostCall } from './check-host-call.js';
import { checkLossMemory } from './working-set.js';

const n = 64;
const budget = 200_000;
const composedBytes = 16 * n * n * 8; // 524288

const unused = () => {
  throw new Error('the guard runs no kernel');
};

/** Passes counting 5 matrices for two directions with row/column maxima, else 3 (as onnxruntime's). */
function passes(flags: Partial<CrossViewPasses<unknown>> = {}): CrossViewPasses<unknown> {
  return {
    knownValues: unused,
    forward: unused,
    products: unused,
    oneDirection: true,
    decoupled: true,
    workingMatrices: (plan) => (plan.directions !== 1 && plan.constantShift === undefined ? 5 : 3),
    ...flags,
  };
}

/** The reference backend with `fused` overridden and a budget of `bytes`. */
function withFused(fused: Partial<FusedKernels<unknown>>, bytes = budget): TensorBackend<unknown> {
  const inner = createReferenceBackend({ memoryBudgetBytes: bytes }) as TensorBackend<unknown>;
  return new Proxy(inner, {
    get: (target, key) => (key === 'fused' ? fused : Reflect.get(target, key) as unknown),
  });
}

function requiredBytes(check: () => void): number | undefined {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(ContrastiveResourceError);
    return (error as ContrastiveResourceError).requiredBytes;
  }
  return undefined;
}

const pair = { anchors: [n, 8], positives: [n, 8] };
const clipShapes = { ...pair, logitScale: [] };

describe('the guard counts the cross-view kernel where its plan runs', () => {
  const fused = withFused({ crossViewCrossEntropy: fusedCrossViewCrossEntropy(passes()) });

  it('CLIP at N = 64: 5 matrices (163840 B) fit 200000 B on a fused backend; 16 (524288 B) are rejected on the reference', () => {
    expect(requiredBytes(() => checkLossMemory(fused, clip, clipShapes, clip.defaults))).toBeUndefined();
    const reference = createReferenceBackend({ memoryBudgetBytes: budget });
    expect(requiredBytes(() => checkLossMemory(reference, clip, clipShapes, clip.defaults))).toBe(composedBytes);
    const [anchors, positives] = [reference.fromArray(new Array(n * 8).fill(0.5), [n, 8]), reference.fromArray(new Array(n * 8).fill(0.25), [n, 8])];
    const logitScale = reference.fromArray([10], []);
    expect(requiredBytes(() => computeLoss(reference, clip, { anchors, positives, logitScale }))).toBe(composedBytes);
  });

  it('InfoNCE in-batch: one direction 3 matrices (98304 B); symmetric at T = 0.1 on unit rows (constant shift) 3, without normalize (maxima) 5', () => {
    expect(requiredBytes(() => checkLossMemory(fused, infoNce, pair, infoNce.defaults))).toBeUndefined();
    const tight = withFused({ crossViewCrossEntropy: fusedCrossViewCrossEntropy(passes()) }, 3 * n * n * 8);
    expect(requiredBytes(() => checkLossMemory(tight, infoNce, pair, { ...infoNce.defaults, symmetric: true }))).toBeUndefined();
    // 1 / 0.1 = 10 <= maximumConstantShift (40), but normalize: false promises no unit rows: row/column maxima.
    const maxima = { ...infoNce.defaults, symmetric: true, normalize: false };
    expect(requiredBytes(() => checkLossMemory(tight, infoNce, pair, maxima))).toBe(5 * n * n * 8);
    // The composed symmetric set is 2N x N: 16 x 128 x 64 x 8 = 1048576 B.
    const reference = createReferenceBackend({ memoryBudgetBytes: budget });
    expect(requiredBytes(() => checkLossMemory(reference, infoNce, pair, { ...infoNce.defaults, symmetric: true }))).toBe(16 * 2 * n * n * 8);
  });

  it('counts the composed kernel where the plan would not run', () => {
    // A fixed scale above maximumRowShift (1 / 0.0005 = 2000 > 1000).
    expect(requiredBytes(() => checkLossMemory(fused, infoNce, pair, { ...infoNce.defaults, temperature: 0.0005 }))).toBe(composedBytes);
    // Passes without one-direction or decoupled support, or that say they do not apply.
    const twoOnly = withFused({ crossViewCrossEntropy: fusedCrossViewCrossEntropy(passes({ oneDirection: false, decoupled: false })) });
    expect(requiredBytes(() => checkLossMemory(twoOnly, infoNce, pair, infoNce.defaults))).toBe(composedBytes);
    expect(requiredBytes(() => checkLossMemory(twoOnly, contrastiveLoss, pair, contrastiveLoss.defaults))).toBe(composedBytes);
    expect(requiredBytes(() => checkLossMemory(fused, contrastiveLoss, pair, contrastiveLoss.defaults))).toBeUndefined();
    const declines = withFused({ crossViewCrossEntropy: fusedCrossViewCrossEntropy(passes({ workingMatrices: () => undefined })) });
    expect(requiredBytes(() => checkLossMemory(declines, clip, clipShapes, clip.defaults))).toBe(composedBytes);
    // Explicit negatives never take the cross-view kernel: 16 x 64 x (1 + 64) x 8 = 532480 B.
    const paired = { ...pair, negatives: [n, n, 8] };
    expect(requiredBytes(() => checkLossMemory(fused, infoNce, paired, infoNce.defaults))).toBe(16 * n * (1 + n) * 8);
  });

  it('checkHostCall counts through crossViewMatrices', () => {
    const values = (fill: number) => ({ values: new Array(n * 8).fill(fill), shape: [n, 8] });
    const inputs = { anchors: values(0.5), positives: values(0.25), logitScale: { values: [10], shape: [] } };
    const target = { name: 'host', precision: 'float32' as const, memoryBudgetBytes: 100_000 };
    // float32: 5 x 64 x 64 x 4 = 81920 B fits 100000 B; without the count, 16 x 64 x 64 x 4 = 262144 B does not.
    expect(requiredBytes(() => checkHostCall(clip, inputs, {}, { ...target, crossViewMatrices: () => 5 }))).toBeUndefined();
    expect(requiredBytes(() => checkHostCall(clip, inputs, {}, target))).toBe(16 * n * n * 4);
  });
});

describe('the similarity kernel is told about run-time groups', () => {
  const queries: WorkingSetQuery[] = [];
  const kernel: SimilarityCrossEntropy<unknown> = {
    forward: unused,
    backward: unused,
    workingMatrices: (set) => {
      queries.push(set);
      return set.runtimeGroups ? 5 : 3;
    },
  };
  // 2N = 64 rows: 3 x 64 x 64 x 8 = 98304 B fits 100000 B, 5 x 64 x 64 x 8 = 163840 B does not.
  const backend = withFused({ similarityCrossEntropy: kernel }, 100_000);

  it('NT-Xent is asked without run-time groups; SupCon without memory with them', () => {
    expect(requiredBytes(() => checkLossMemory(backend, ntXent, { anchors: [n / 2, 8], positives: [n / 2, 8] }, ntXent.defaults))).toBeUndefined();
    expect(queries.at(-1)?.runtimeGroups).toBeFalsy();
    expect(requiredBytes(() => checkLossMemory(backend, supCon, { embeddings: [n, 8], labels: [n / 2] }, { ...supCon.defaults, views: 2 }))).toBe(5 * n * n * 8);
    expect(queries.at(-1)?.runtimeGroups).toBe(true);
  });
});

/**
 * Suites whose outcome src/describe-conformance.test.ts checks from the JSON report (some of these tests fail on
 * purpose). Each keeps to a few cases through `caseFilter`.
 */
import { composedCrossViewCrossEntropy, composedSimilarityCrossEntropy, createReferenceBackend, type CrossViewCrossEntropy, type SimilarityCrossEntropy, type TensorBackend } from '@contrastive/core';
import { describeConformance } from '../src/index.js';

const reference = () => createReferenceBackend() as TensorBackend<unknown>;
const only = (...ids: string[]) => (id: string) => ids.includes(id);

/** Selects with arithmetic, `c * a + (1 - c) * b`: Infinity and NaN leak from the branch not taken. */
function arithmeticWhere(): TensorBackend<unknown> {
  const b = reference();
  const one = () => b.fill([], 1);
  const zero = () => b.fill([], 0);
  return { ...b, where: (c, x, y) => b.scope(() => b.add(b.mul(b.where(c, one(), zero()), x), b.mul(b.where(c, zero(), one()), y))) };
}

/** A fused kernel that is the composed one with row losses 1% too large. */
function skewedFused(): TensorBackend<unknown> {
  const b = reference();
  const composed = composedSimilarityCrossEntropy<unknown>();
  const kernel: SimilarityCrossEntropy<unknown> = {
    forward: (backend, inputs) => {
      const result = composed.forward(backend, inputs);
      return { ...result, rowLosses: backend.mul(result.rowLosses, backend.fill([], 1.01)) };
    },
    backward: composed.backward,
  };
  // The two-direction kernel with the scale's gradient 1% too large.
  const crossView = composedCrossViewCrossEntropy<unknown>();
  const crossViewCrossEntropy: CrossViewCrossEntropy<unknown> = {
    forward: crossView.forward,
    backward: (backend, saved, rowWeights) => {
      const gradients = crossView.backward(backend, saved, rowWeights);
      return { ...gradients, scale: backend.mul(gradients.scale!, backend.fill([], 1.01)) };
    },
  };
  return { ...b, fused: { similarityCrossEntropy: kernel, crossViewCrossEntropy } };
}

describeConformance('listed-but-passing', reference, {
  expectedFailures: [{ id: 'primitive/slice', reason: 'listed on purpose' }, { id: 'primitive/no-such-case', reason: 'matches nothing' }],
  caseFilter: only('primitive/slice', 'primitive/transpose'),
});

describeConformance('listed-and-failing', arithmeticWhere, {
  expectedFailures: [{ id: 'primitive/where-no-leak-from-branch-not-taken', reason: 'arithmetic select' }],
  caseFilter: only('primitive/where-no-leak-from-branch-not-taken', 'primitive/max-with-minus-infinity'),
});

describeConformance('unavailable', () => Promise.reject(new Error('never created')), { unavailable: 'native binding missing' });

describeConformance('fused-correct', () => ({ ...reference(), fused: { similarityCrossEntropy: composedSimilarityCrossEntropy(), crossViewCrossEntropy: composedCrossViewCrossEntropy() } }), {
  caseFilter: (id) => id.startsWith('fused/'),
});

describeConformance('fused-skewed', skewedFused, { caseFilter: only('fused/similarityCrossEntropy/cross-view', 'fused/crossViewCrossEntropy/clip-temperature-0.01') });

describeConformance('no-fused', reference, { caseFilter: only('fused/similarityCrossEntropy/cross-view') });

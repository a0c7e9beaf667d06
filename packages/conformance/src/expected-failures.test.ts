import { describe, expect, it } from 'vitest';
import { expectedFailureProblems, settleExpectation } from './expected-failures.js';

const listed = { id: 'clip/large-logits', reason: 'exp overflows above 88' };
const failure = new Error('loss: element 0 is Infinity');

describe('settleExpectation', () => {
  it('passes a case that passes and is not listed', () => {
    expect(() => settleExpectation('a', undefined, { failed: false })).not.toThrow();
  });
  it('rethrows the failure of a case that is not listed', () => {
    expect(() => settleExpectation('a', undefined, { failed: true, error: failure })).toThrow(failure);
  });
  it('passes a listed case that fails', () => {
    expect(() => settleExpectation(listed.id, listed, { failed: true, error: failure })).not.toThrow();
  });
  it('fails a listed case that passes, naming it and its reason', () => {
    expect(() => settleExpectation(listed.id, listed, { failed: false })).toThrow(
      'clip/large-logits is listed in expectedFailures ("exp overflows above 88") but passed: remove it from the list',
    );
  });
});

describe('expectedFailureProblems', () => {
  it('accepts a list whose ids all match cases', () => {
    expect(expectedFailureProblems([listed], new Set([listed.id, 'other']))).toEqual([]);
  });
  it('reports ids that match no case (exact match only, no prefixes) and ids listed twice', () => {
    const problems = expectedFailureProblems([listed, { id: 'clip/', reason: 'prefix' }, listed], new Set([listed.id]));
    expect(problems).toEqual([
      'expectedFailures lists "clip/", which matches no case of this suite',
      'expectedFailures lists "clip/large-logits" twice',
    ]);
  });
});

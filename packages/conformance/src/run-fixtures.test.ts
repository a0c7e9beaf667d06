import { createReferenceBackend, type TensorBackend } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { handMadeNtXent, writeFixtureDirectory } from '../test/hand-made-fixtures.js';
import { runFixtures } from './run-fixtures.js';

describe('runFixtures', () => {
  it('passes the reference backend on a hand-made NT-Xent case and reports a wrong expectation as failed', async () => {
    const directory = writeFixtureDirectory({ 'nt-xent.json': handMadeNtXent(true) });
    const results = await runFixtures(createReferenceBackend(), directory);
    expect(results.map((r) => [r.id, r.passed])).toEqual([
      ['nt-xent/hand-made-n3-d3', true],
      ['nt-xent/deliberately-wrong', false],
    ]);
    expect(results[1]!.failures).toEqual([expect.stringMatching(/^loss: element 0 is .* \(error 1\.00e-3 > loss tolerance/)]);
  });

  it('fails every case of a backend whose exp is off by one part in 1e6', async () => {
    const reference = createReferenceBackend();
    const skewed: TensorBackend<unknown> = {
      ...(reference as TensorBackend<unknown>),
      exp: (x) => reference.scope(() => reference.mul(reference.exp(x as never), reference.fill([], 1 + 1e-6))),
    };
    const [result] = await runFixtures(skewed, [handMadeNtXent()]);
    expect(result!.passed).toBe(false);
    expect(result!.failures.join('\n')).toMatch(/loss tolerance/);
  });

  it('reports a fixture file for a loss core does not have', async () => {
    const file = { ...handMadeNtXent(), loss: 'no-such-loss' };
    const [result] = await runFixtures(createReferenceBackend(), [file]);
    expect(result).toMatchObject({ passed: false, failures: ['no core loss or metric is named "no-such-loss"'] });
  });
});

/**
 * Regenerating the fixtures with another BLAS build changes expected values in their last bits (about 1e-16
 * relative; seen: OpenBLAS core types, Debian's reference BLAS). The comparison rules (tolerances.ts) must not
 * depend on them: every bundled case still passes on the float64 reference backend, whose tolerances are the
 * tightest (1e-10 losses, 1e-8 gradients), when each expected value moves by 1e-15 relative, ten times the largest
 * difference seen, in either direction.
 */
import { createReferenceBackend } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import type { FixtureExpected, FixtureFile, HostTensor } from './fixture-types.js';
import { bundledFixturesDirectory, loadFixtures } from './load-fixtures.js';
import { runFixtures } from './run-fixtures.js';

const lastBits = 1e-15;

function shifted(tensor: HostTensor, factor: number): HostTensor {
  return { ...tensor, values: Array.from(tensor.values, (value) => value * factor) };
}

function shiftExpected(expected: FixtureExpected, factor: number): FixtureExpected {
  const gradients = expected.gradients;
  return {
    ...expected,
    ...(expected.loss && { loss: shifted(expected.loss, factor) }),
    ...(expected.logits && { logits: shifted(expected.logits, factor) }),
    ...(gradients && {
      gradients: Object.fromEntries(Object.entries(gradients).map(([name, tensor]) => [name, shifted(tensor, factor)])),
    }),
  };
}

function shiftFile(file: FixtureFile, factor: number): FixtureFile {
  return { ...file, cases: file.cases.map((fixtureCase) => ({ ...fixtureCase, expected: shiftExpected(fixtureCase.expected, factor) })) };
}

describe('fixtures tolerate last-bit differences between BLAS builds', () => {
  it.each([
    ['up', 1 + lastBits],
    ['down', 1 - lastBits],
  ])('every bundled case passes on the reference backend with expected values moved %s by 1e-15', async (_, factor) => {
    const files = await loadFixtures(await bundledFixturesDirectory());
    const moved = files.map((file) => shiftFile(file, factor));
    const changed = moved.some((file, f) =>
      file.cases.some((c, i) => c.expected.loss?.values[0] !== files[f]!.cases[i]!.expected.loss?.values[0]),
    );
    expect(changed, 'the shift changes expected values').toBe(true);
    const failed = (await runFixtures(createReferenceBackend(), moved)).filter((result) => !result.passed);
    expect(failed.map((result) => `${result.id}: ${result.failures.join('; ')}`)).toEqual([]);
  }, 120_000);
});

/**
 * The six files of a trivial loss, `zz-dry-run` (`zzDryRun`: the squared distance between paired rows), exactly
 * as docs/contributing/adding-a-loss.md tells a contributor to write them; adding-a-loss.test.ts writes them into
 * the repository, runs what CI runs on a new loss, and removes them.
 */
export const dryRun = { key: 'zzDryRun', name: 'zz-dry-run', snake: 'zz_dry_run' } as const;

const lossFile = `import type { LossDefinition } from '../loss-definition.js';
import { reduceRows, reduceRowsBackward } from '../math/reduction.js';
import { checkReduction, resolveOptions } from '../options.js';
import type { Reduction } from '../options.js';
import { expectEmbeddingPair } from '../validation.js';

/** Options of {@link zzDryRun}; every one is optional in a call (the default applies). */
export interface ZzDryRunOptions {
  /** \`'mean'\` over the N rows, \`'sum'\`, or \`'none'\` ([N]). Default \`'mean'\`. */
  readonly reduction: Reduction;
}

const defaults: ZzDryRunOptions = { reduction: 'mean' };

/**
 * A trivial loss written by the adding-a-loss dry run: the squared distance between paired rows.
 * Forward: \`l_i = sum_d (a_id - p_id)^2\`. Backward: \`d a_i = 2 w_i (a_i - p_i) = -d p_i\`.
 *
 * @example
 * const loss = computeLoss(backend, zzDryRun, { anchors, positives });
 *
 * @see [ZZ dry run](/losses/zz-dry-run)
 */
export const zzDryRun: LossDefinition<'anchors' | 'positives', ZzDryRunOptions> = {
  name: 'zz-dry-run',
  inputs: ['anchors', 'positives'],
  gradientInputs: ['anchors', 'positives'],
  defaults,
  resolveOptions: (options) => resolveOptions(defaults, options, { reduction: checkReduction }),
  validate(backend, inputs) {
    expectEmbeddingPair(backend, inputs.anchors, inputs.positives);
  },
  forward(b, inputs, options) {
    const difference = b.sub(inputs.anchors!, inputs.positives!);
    const rows = b.sum(b.mul(difference, difference), 1, false);
    return { loss: reduceRows(b, rows, options.reduction), saved: { difference, count: b.shape(rows)[0]! } };
  },
  backward(b, saved, upstream, options) {
    const { difference, count } = saved as { difference: typeof upstream; count: number };
    const weights = b.reshape(reduceRowsBackward(b, upstream, count, options.reduction), [count, 1]);
    const gradient = b.mul(difference, b.mul(weights, b.fill([], 2)));
    return { anchors: gradient, positives: b.neg(gradient) };
  },
};
`;

const testFile = `import { describe, expect, it } from 'vitest';
import { computeLoss } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { zzDryRun } from './zz-dry-run.js';

describe('zzDryRun', () => {
  it('is the sum of squared row differences, averaged over rows', async () => {
    const b = createReferenceBackend();
    const anchors = b.fromArray([1, 2, 3, 4], [2, 2]);
    const positives = b.fromArray([0, 2, 3, 1], [2, 2]);
    // Rows: (1 - 0)^2 + 0 = 1 and 0 + (4 - 1)^2 = 9.
    expect(Array.from(await b.read(computeLoss(b, zzDryRun, { anchors, positives })))).toEqual([5]);
  });
});
`;

const referenceFile = `"""The adding-a-loss dry run's trivial loss: the squared distance between paired rows."""

from cases_common import pair_cases, random_entry
from fixture_builder import LossSpec
from loss_references import reduce_rows


def zz_dry_run_reference(tensors, options):
    difference = tensors['anchors'] - tensors['positives']
    return {'loss': reduce_rows((difference * difference).sum(dim=1), options['reduction'])}


SPEC = LossSpec('zz-dry-run', {'reduction': 'mean'}, zz_dry_run_reference, True)


def zz_dry_run_cases(spec, rng):
    return pair_cases(spec, rng, [
        random_entry('random-n4-d8', 'random rows, 4 pairs', 4, 8),
        random_entry('random-n6-d3-none', 'per-row values', 6, 3, {'reduction': 'none'}),
    ])
`;

const pageFile = `# ZZ dry run

A trivial loss that the adding-a-loss dry run writes and removes: the squared distance between paired rows.

## Exact definition

\`l_i = sum_d (a_id - p_id)^2\` over \`anchors\`, \`positives\` [N, D]; \`reduction\` \`'mean'\` (default), \`'sum'\` or \`'none'\`.

## Example

\`\`\`ts
import { computeLoss, createReferenceBackend, zzDryRun } from '@contrastive/core';

const backend = createReferenceBackend();
const anchors = backend.fromArray([1, 2, 3, 4], [2, 2]);
const positives = backend.fromArray([0, 2, 3, 1], [2, 2]);
console.log(await backend.read(computeLoss(backend, zzDryRun, { anchors, positives })));
\`\`\`
`;

const changesetFile = `---
'@contrastive/core': minor
'@contrastive/tfjs': minor
---

The adding-a-loss dry run's trivial loss (never released: the test removes it).
`;

/** The six files by path from the repository root, in the order of the doc's table. */
export const dryRunFiles: Readonly<Record<string, string>> = {
  'packages/core/src/losses/zz-dry-run.ts': lossFile,
  'packages/core/src/losses/zz-dry-run.test.ts': testFile,
  'packages/conformance/fixtures-generator/cases_zz_dry_run.py': referenceFile,
  'packages/conformance/fixtures/zz-dry-run.json': '(generated by generate.py --only zz-dry-run)',
  'docs/losses/zz-dry-run.md': pageFile,
  '.changeset/zz-dry-run.md': changesetFile,
};

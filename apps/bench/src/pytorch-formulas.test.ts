/**
 * The PyTorch rows time the same formulas as core: pytorch/loss_bench.py --verify computes every benchmarked loss
 * on the inputs core's reference backend gets (float64) and the values must agree. Needs /usr/bin/python3 with
 * torch (Debian python3-torch); reported as skipped, with the reason, where it is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeLoss, createReferenceBackend } from '@contrastive/core';
import { lossNames } from './cli-options.js';
import { cellTemperature, lossInputs, lossSpecs } from './loss-specs.js';

const benchRoot = fileURLToPath(new URL('..', import.meta.url));
const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = torch.status === 0 ? undefined : `/usr/bin/python3 cannot import torch: ${(torch.stderr ?? torch.error?.message ?? '').trim().split('\n').pop()}`;

describe.skipIf(torchMissing !== undefined)(`PyTorch formulas against core${torchMissing ? ` (skipped: ${torchMissing})` : ''}`, () => {
  it('every loss, at its default temperature and at 0.01, has the value core computes on the same inputs', () => {
    const cases = lossNames.flatMap((loss) => [undefined, 0.01].map((given) => {
      const temperature = cellTemperature(loss, given);
      const inputs = lossInputs(loss, 8, 4, temperature, 3);
      return { loss, temperature, inputs: Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, { values: [...t.values], shape: t.shape }])) };
    }));
    const path = join(mkdtempSync(join(tmpdir(), 'bench-formulas-')), 'cases.json');
    writeFileSync(path, JSON.stringify(cases));
    const out = spawnSync('/usr/bin/python3', ['pytorch/loss_bench.py', '--verify', path], { cwd: benchRoot, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    const values = JSON.parse(out.stdout) as { loss: string; temperature: number; lossValue: number }[];
    const backend = createReferenceBackend();
    const compared = cases.map((c, i) => {
      const spec = lossSpecs[c.loss];
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([name, t]) => [name, backend.fromArray(Float64Array.from(t.values), t.shape)]));
      const core = backend.readSync!(computeLoss(backend, spec.definition, inputs, spec.options(c.temperature)))[0]!;
      return { loss: c.loss, temperature: c.temperature, core, pytorch: values[i]!.lossValue };
    });
    for (const c of compared) expect(Math.abs(c.pytorch - c.core), `${c.loss} at T = ${c.temperature}: core ${c.core}, PyTorch ${c.pytorch}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(c.core)));
  }, 90_000);
});

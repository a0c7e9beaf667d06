import { ContrastiveInputError, losses, ntXent, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleInputs, referenceLossAndGradients, expectLossClose, expectGradientClose, gaussians } from './loss-samples.test-support.js';
import { createOnnxLossRunner, type HostTensor } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';

const allLosses = Object.values(losses).filter((loss) => loss !== undefined) as unknown as LossDefinition<string, object>[];

async function expectMatchesReference(runner: ReturnType<typeof createOnnxLossRunner>, loss: LossDefinition<string, object>, inputs: Record<string, HostTensor>, options: object) {
  const actual = await runner.run(loss, inputs, options);
  const expected = referenceLossAndGradients(loss, inputs, options);
  expectLossClose(actual.loss, expected.loss);
  expect(Object.keys(actual.gradients).sort()).toEqual(Object.keys(expected.gradients).sort());
  for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
}

describe.each(nodeRuntimes)('createOnnxLossRunner on %s', (_, runtime) => {
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  it.each(allLosses.map((loss) => [loss.name, loss] as const))('%s: loss and gradients match the float64 reference', async (_name, loss) => {
    await expectMatchesReference(runner, loss, sampleInputs(loss, {}), {});
    const rowOptions = 'reduction' in loss.defaults ? { reduction: 'none' } : {};
    await expectMatchesReference(runner, loss, sampleInputs(loss, rowOptions, 2), rowOptions);
  });

  it('infoNce with a queue of negatives matches the reference', async () => {
    const infoNce = losses.infoNce as unknown as LossDefinition<string, object>;
    const inputs = { ...sampleInputs(infoNce, {}, 3), negatives: { values: gaussians(6 * 5, 11), shape: [6, 5] } };
    await expectMatchesReference(runner, infoNce, inputs, { temperature: 0.2 });
  });

  it('stays finite with logits above 88 (temperature 0.01, nearly collinear rows)', async () => {
    // Rows along one direction: cosine similarities near 1, logits near 100, so exp overflows float32 unless
    // the log-sum-exp subtracts the maximum.
    const base = gaussians(5, 5);
    const rows = (seed: number) => ({ values: gaussians(20, seed, 0.01).map((v, i) => Math.fround(base[i % 5]! + v)), shape: [4, 5] });
    const inputs = { anchors: rows(21), positives: rows(22) };
    const actual = await runner.run(ntXent, inputs, { temperature: 0.01 });
    expect(Array.from(actual.loss).every(Number.isFinite)).toBe(true);
    await expectMatchesReference(runner, ntXent as unknown as LossDefinition<string, object>, inputs, { temperature: 0.01 });
  });

  it('caches one session per (loss, options, input shapes)', async () => {
    const local = createOnnxLossRunner(runtime);
    const inputs = (seed: number, rows: number) => ({ anchors: { values: gaussians(rows * 3, seed), shape: [rows, 3] }, positives: { values: gaussians(rows * 3, seed + 1), shape: [rows, 3] } });
    await local.run(ntXent, inputs(1, 2), { temperature: 0.3 });
    await local.run(ntXent, inputs(5, 2), { temperature: 0.3 });
    expect(local.statistics).toMatchObject({ created: 1, runs: 2 });
    await local.run(ntXent, inputs(7, 3), { temperature: 0.3 });
    await local.run(ntXent, inputs(7, 3), { temperature: 0.4 });
    expect(local.statistics).toMatchObject({ created: 3, runs: 4 });
    await local.release();
  });

  it('rejects bad inputs with ContrastiveInputError naming the argument', async () => {
    const good = { values: gaussians(6, 1), shape: [2, 3] };
    await expect(runner.run(ntXent, { anchors: good, positives: { values: [1, 2], shape: [2, 3] } })).rejects.toThrow(ContrastiveInputError);
    await expect(runner.run(ntXent, { anchors: good, positives: { values: gaussians(8, 2), shape: [2, 4] } })).rejects.toMatchObject({ argument: 'positives' });
    await expect(runner.run(ntXent, { anchors: good, positives: { values: [1, 2, NaN, 4, 5, 6], shape: [2, 3] } })).rejects.toMatchObject({ argument: 'positives' });
    await expect(runner.run(ntXent, { anchors: good, positives: good }, { temperature: -1 })).rejects.toThrow(ContrastiveInputError);
    await expect(runner.run(ntXent, { anchors: good, positives: good, extra: good } as never)).rejects.toMatchObject({ argument: 'inputs' });
  });
});

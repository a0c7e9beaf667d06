/**
 * The cross-view preset line shift (decisions 0014 and 0015), on the whole matrix and in row blocks, on batches built
 * to take each fallback: a row or a column whose
 * every logit lies far below the preset shift (the row and column maxima in a Loop), shifts spanning more than
 * `maximumShiftSpread` (near-identical pairs beside independent ones), a scale above `maximumPresetShift`. Each case
 * first checks on the host (float64) that it does trigger the fallback it names, then the loss and all three
 * gradients against the float64 reference.
 */
import { clip, maximumShiftedLogit, minimumPresetDenominator, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectRunnerMatchesReference, gaussians } from './loss-samples.test-support.js';
import { createOnnxLossRunner } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';
import { maximumShiftSpread } from './preset-row-shift-passes.js';

const clipLoss = clip as unknown as LossDefinition<string, object>;
const [n, d] = [96, 16];

const unit = (rows: number[][]) => rows.map((row) => row.map((v) => v / Math.hypot(...row)));
const dot = (x: number[], y: number[]) => x.reduce((sum, v, k) => sum + v * y[k]!, 0);
const rowsOf = (values: number[]) => Array.from({ length: n }, (_, i) => values.slice(i * d, (i + 1) * d));

/** Float64 preset shifts and each line's least denominator in units of `e^h` (rows) and of `e^max h` (columns). */
function presetFigures(anchors: number[], positives: number[], scale: number) {
  const [a, p] = [unit(rowsOf(anchors)), unit(rowsOf(positives))];
  const h = a.map((row, i) => Math.max(scale * dot(row, p[i]!), scale - maximumShiftedLogit(n)));
  const top = Math.max(...h);
  const rows = a.map((row, i) => p.reduce((sum, key, j) => sum + Math.exp(scale * dot(row, key) - h[i]!), 0));
  const columns = p.map((key, j) => a.reduce((sum, row) => sum + Math.exp(scale * dot(row, key) - top), 0));
  return { spread: top - Math.min(...h), leastRow: Math.min(...rows), leastColumn: Math.min(...columns) };
}

/** Every row leans along one direction `w` (the same for both views); row 0 points against it when `against`. */
function leaning(seed: number, against: boolean) {
  const w = gaussians(d, 7);
  return gaussians(n * d, seed).map((v, k) => Math.fround(against && k < d ? -w[k]! : v + 4 * w[k % d]!));
}

// The whole [n, n] matrix (decision 0014), row blocks of 16 written out, row blocks of 4 in a Loop (decision 0015).
const schedules = [['the whole matrix', undefined], ['6 row blocks', 16 * n * 4], ['a Loop of 24 row blocks', 4 * n * 4]] as const;

describe.each(nodeRuntimes.flatMap(([name, runtime]) => schedules.map(([schedule, bytes]) => [`${name}, ${schedule}`, runtime, bytes] as const)))('cross-view preset line shift on %s: the fallbacks', (_, runtime, maxBlockBytes) => {
  const runner = createOnnxLossRunner({ ...runtime, ...(maxBlockBytes === undefined ? {} : { maxBlockBytes }) });
  afterAll(() => runner.release());
  const least = minimumPresetDenominator(n);

  it.each(['anchors', 'positives'])('row 0 of %s against every row of the other view: the maxima in a Loop', async (view) => {
    const anchors = leaning(3, view === 'anchors');
    const positives = leaning(5, view === 'positives');
    const figures = presetFigures(anchors, positives, 100);
    expect(view === 'anchors' ? figures.leastRow : figures.leastColumn).toBeLessThan(least);
    const inputs = { anchors: { values: anchors, shape: [n, d] }, positives: { values: positives, shape: [n, d] }, logitScale: { values: [100], shape: [] } };
    await expectRunnerMatchesReference(runner, clipLoss, inputs, {});
    await expectRunnerMatchesReference(runner, clipLoss, inputs, { reduction: 'none' });
  }, 60_000);

  it('near-identical pairs beside independent ones at logit scale 100: shifts spanning more than 40', async () => {
    const anchors = gaussians(n * d, 21);
    const other = gaussians(n * d, 22);
    const positives = anchors.map((v, k) => (Math.floor(k / d) % 2 === 0 ? v : other[k]!));
    expect(presetFigures(anchors, positives, 100).spread).toBeGreaterThan(maximumShiftSpread);
    const inputs = { anchors: { values: anchors, shape: [n, d] }, positives: { values: positives, shape: [n, d] }, logitScale: { values: [100], shape: [] } };
    await expectRunnerMatchesReference(runner, clipLoss, inputs, {});
  }, 60_000);

  it('logit scale 150 with no clamp: above maximumPresetShift', async () => {
    const inputs = {
      anchors: { values: gaussians(n * d, 31), shape: [n, d] },
      positives: { values: gaussians(n * d, 32), shape: [n, d] },
      logitScale: { values: [150], shape: [] },
    };
    await expectRunnerMatchesReference(runner, clipLoss, inputs, { maxLogitScale: null });
  }, 60_000);
});

// SupCon with labels as a graph input (unknown when traced) and DCL's decoupled denominator, on the fused paths,
// against the float64 reference backend's composed math.
import { losses, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { traceLoss } from './export-onnx.js';
import { expectRunnerMatchesReference, gaussians } from './loss-samples.test-support.js';
import { createOnnxLossRunner, type HostTensor } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';

const supCon = losses.supCon as unknown as LossDefinition<string, object>;
const dcl = losses.dcl as unknown as LossDefinition<string, object>;

const opTypes = (loss: LossDefinition<string, object>, options: object, shapes: Record<string, number[]>, maxBlockBytes?: number) =>
  traceLoss(loss, loss.resolveOptions(options), shapes, maxBlockBytes === undefined ? {} : { maxBlockBytes }).model.graph.node.map((node) => node.op_type);

/** 12 samples, 5 classes of uneven size (4, 3, 2, 2, 1): the last sample has no positive with one view. */
const labels: HostTensor = { values: [0, 1, 0, 2, 1, 0, 3, 1, 0, 2, 3, 4], shape: [12] };

describe('run-time group kernel: when it applies', () => {
  const shapes = { embeddings: [24, 8], labels: [12] };
  // The composed kernel builds its masks with Where and never zeroes columns in place (ScatterElements).
  it('SupCon on normalised rows reads the labels in the graph (Equal) and zeroes the diagonal in place', () => {
    for (const temperature of [0.01, 0.07, 0.5]) {
      const ops = opTypes(supCon, { temperature, views: 2 }, shapes);
      expect(ops).toContain('Equal');
      expect(ops).toContain('ScatterElements');
      // The positives' sums come from class sums (ScatterND adding into each row's first member, found by ArgMax),
      // not from a product with the [p, p] mask.
      expect(ops).toContain('ArgMax');
      expect(ops).toContain('GatherND');
    }
  });
  it('takes SupCon below temperature 1/40 down to 0.01 onto the preset row shift (its 0-or-1-trip Loop fallbacks)', () => {
    for (const temperature of [0.01, 0.02]) expect(opTypes(supCon, { temperature, views: 2 }, shapes)).toContain('Loop');
    for (const temperature of [0.009, 0.07]) expect(opTypes(supCon, { temperature, views: 2 }, shapes)).not.toContain('Loop');
  });
  it('leaves SupCon to the composed kernel with memory, without normalisation, below temperature 0.001 or above maxBlockBytes', () => {
    const withMemory = { ...shapes, memory: [6, 8], memoryLabels: [6] };
    expect(opTypes(supCon, { temperature: 0.1, views: 2 }, withMemory)).not.toContain('ScatterElements');
    expect(opTypes(supCon, { temperature: 0.1, views: 2, normalize: false }, shapes)).not.toContain('ScatterElements');
    expect(opTypes(supCon, { temperature: 0.0009, views: 2 }, shapes)).not.toContain('ScatterElements');
    expect(opTypes(supCon, { temperature: 0.1, views: 2 }, shapes, 24 * 24 * 4 - 1)).not.toContain('ScatterElements');
    expect(opTypes(supCon, { temperature: 0.1, views: 2 }, shapes, 24 * 24 * 4)).toContain('ScatterElements');
  });
  it('takes symmetric DCL onto the index-table kernel (ScatterElements), the one-directional form onto the composed one', () => {
    for (const temperature of [0.01, 0.1, 0.5]) expect(opTypes(dcl, { temperature }, { anchors: [8, 4], positives: [8, 4] })).toContain('ScatterElements');
    expect(opTypes(dcl, { temperature: 0.1, symmetric: false }, { anchors: [8, 4], positives: [8, 4] })).not.toContain('ScatterElements');
  });
});

describe.each(nodeRuntimes)('run-time group kernel on %s', (_, runtime) => {
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  const expectReference = (loss: LossDefinition<string, object>, inputs: Record<string, HostTensor>, options: object) =>
    expectRunnerMatchesReference(runner, loss, inputs, options);

  it.each([0.5, 0.07, 0.025, 0.01, 0.002])('SupCon, uneven classes and a sample without positives, T = %s', async (temperature) => {
    const embeddings = { values: gaussians(24 * 8, 21), shape: [24, 8] };
    await expectReference(supCon, { embeddings, labels: { values: labels.values, shape: [12] } }, { temperature, views: 2, reduction: 'none' });
    const single = { values: gaussians(12 * 8, 22), shape: [12, 8] };
    await expectReference(supCon, { embeddings: single, labels }, { temperature });
  });

  it('SupCon with negative and large label values whose groups start anywhere, T = 0.1 and 0.01', async () => {
    const scattered: HostTensor = { values: [25, -1, 7, 25, -1, 3, 7, 7, -1, 25, 1e6, 3], shape: [12] };
    const embeddings = { values: gaussians(24 * 8, 23), shape: [24, 8] };
    for (const temperature of [0.1, 0.01]) await expectReference(supCon, { embeddings, labels: scattered }, { temperature, views: 2, reduction: 'none' });
  });

  it('SupCon with SupContrast\'s baseTemperature and meanOver all anchors', async () => {
    const embeddings = { values: gaussians(24 * 8, 23), shape: [24, 8] };
    await expectReference(supCon, { embeddings, labels }, { temperature: 0.1, baseTemperature: 0.07, meanOver: 'all-anchors', views: 2 });
  });

  // Preset row shift at T = 0.01 (decision 0006): row 0 at a cosine of -0.8 or below to every other row leaves its
  // denominator below the preset's minimum (the forward's fallback to the row maxima); identical views (shift 100)
  // beside independent ones (shift near the bound 100 - K) spread the shifts past 40 (the backward's two products).
  const unit = (x: number, y: number) => [x, y, 0, 0];
  it.each([1, 2])('SupCon at T = 0.01 with a row opposite to all others (forward fallback), %s view(s)', async (views) => {
    const rows = [unit(1, 0), unit(-0.8, 0.6), unit(-0.8, -0.6), unit(-1, 0), unit(-0.8, 0.6), unit(-0.6, -0.8)];
    const embeddings = { values: rows.slice(0, 3 * views).flat(), shape: [3 * views, 4] };
    await expectReference(supCon, { embeddings, labels: { values: [0, 1, 1], shape: [3] } }, { temperature: 0.01, views, reduction: 'none' });
  });
  it('SupCon at T = 0.01, identical views beside independent ones (shifts spread past 40)', async () => {
    const first = gaussians(12 * 8, 31);
    const second = gaussians(12 * 8, 32).map((x, i) => (i < 6 * 8 ? first[i]! : x));
    const embeddings = { values: [...first, ...second], shape: [24, 8] };
    await expectReference(supCon, { embeddings, labels }, { temperature: 0.01, views: 2, reduction: 'none' });
  });

  it.each([0.5, 0.1, 0.01])('DCL, symmetric and one-directional, T = %s', async (temperature) => {
    const inputs = { anchors: { values: gaussians(10 * 8, 24), shape: [10, 8] }, positives: { values: gaussians(10 * 8, 25), shape: [10, 8] } };
    await expectReference(dcl, inputs, { temperature, reduction: 'none' });
    await expectReference(dcl, inputs, { temperature, symmetric: false });
  });
});

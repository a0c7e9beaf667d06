import { describe, expect, it } from 'vitest';
import { computeLossAndGradients, createReferenceBackend, disposeAll } from '@contrastive/core';
import { lossNames } from './cli-options.js';
import { cellTemperature, lossInputs, lossSpecs, pairedNegatives } from './loss-specs.js';
import { floorFor } from './bench-results.js';
import { matmulShapes } from './run-bench.js';
import { flopCount, similarityEntries, similarityRows } from './statistics.js';

describe('every benchmarked loss', () => {
  for (const loss of lossNames) {
    for (const temperature of [undefined, 0.01]) {
      it(`${loss} at T = ${temperature ?? 'default'}: core accepts the cell's inputs and options and returns every gradient`, () => {
        const backend = createReferenceBackend();
        const spec = lossSpecs[loss];
        const t = cellTemperature(loss, temperature);
        const host = lossInputs(loss, 8, 4, t);
        const inputs = Object.fromEntries(Object.entries(host).map(([name, x]) => [name, backend.fromArray(x.values, x.shape)]));
        const result = computeLossAndGradients(backend, spec.definition, inputs, spec.options(t));
        expect(Number.isFinite(backend.readSync!(result.loss)[0])).toBe(true);
        for (const name of spec.definition.gradientInputs.filter((n) => n in host)) {
          expect(backend.shape(result.gradients[name] as never)).toEqual(host[name]!.shape);
        }
        disposeAll(backend, result);
      });
    }
  }

  it('the temperature reaches the learned scales of CLIP and SigLIP, and every other loss as an option', () => {
    expect(lossInputs('clip', 4, 2, 0.01)['logitScale']!.values[0]).toBeCloseTo(100, 4);
    expect(lossInputs('sig-lip', 4, 2, 0.1)['logTemperature']!.values[0]).toBeCloseTo(Math.log(10), 6);
    expect(lossSpecs['info-nce'].options(0.01)).toEqual({ temperature: 0.01 });
    expect(cellTemperature('nt-xent', undefined)).toBe(0.5);
    expect(cellTemperature('nt-xent', 0.01)).toBe(0.01);
  });

  it('flop formulas: self-similarity 16 N^2 D, cross 6 N^2 D, queue 6 N M D with M = N, paired 6 N M D', () => {
    for (const loss of ['nt-xent', 'sup-con', 'dcl', 'simclr-info-nce'] as const) {
      expect(flopCount(loss, 64, 8).total).toBe(16 * 64 * 64 * 8);
      expect(similarityRows(loss, 64)).toBe(128);
    }
    for (const loss of ['clip', 'info-nce', 'info-nce-queue', 'contrastive-loss', 'sig-lip'] as const) expect(flopCount(loss, 64, 8).total).toBe(6 * 64 * 64 * 8);
    expect(flopCount('info-nce-paired', 64, 8).total).toBe(6 * 64 * pairedNegatives * 8);
    expect(flopCount('info-nce-paired', 64, 8).formula).toMatch(/batched/);
    expect(similarityEntries('info-nce-paired', 64)).toBe(64 * (pairedNegatives + 1));
    expect(lossInputs('info-nce-paired', 4, 2, 0.1)['negatives']!.shape).toEqual([4, pairedNegatives, 2]);
  });

  it("the paired loss's floor is its own batched products, measured apart from the matmul shapes", () => {
    const shapes = matmulShapes([{ loss: 'info-nce-paired', pairs: 256, dimension: 64 }, { loss: 'info-nce', pairs: 256, dimension: 64 }, { loss: 'nt-xent', pairs: 8192, dimension: 64 }]);
    expect(shapes).toEqual([{ rows: 256, dimension: 64 }, { rows: 256, dimension: 64, negatives: pairedNegatives }, { rows: 8192, dimension: 64 }]);
    const rate = (negatives: number | undefined, flopsPerSecond: number) => ({ rows: 256, dimension: 64, ...(negatives ? { negatives } : {}), forwardFlopsPerSecond: flopsPerSecond, backwardFlopsPerSecond: flopsPerSecond, forwardMs: 0, backwardMs: 0, runs: 5 });
    const rates = { 'ort-node': [rate(undefined, 100e9), rate(pairedNegatives, 1e9)] };
    const flops = flopCount('info-nce-paired', 256, 64);
    expect(floorFor('info-nce-paired', 256, 64, rates)!.floorMs).toBeCloseTo((flops.total / 1e9) * 1000, 9);
    expect(floorFor('info-nce', 256, 64, rates)!.floorMs).toBeCloseTo((flopCount('info-nce', 256, 64).total / 100e9) * 1000, 9);
  });
});

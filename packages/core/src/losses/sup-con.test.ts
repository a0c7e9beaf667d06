import { describe, expect, it } from 'vitest';
import { computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import {
  bothPrecisions,
  dot,
  expectFinite,
  expectGradientsMatchFiniteDifferences,
  expectInputError,
  host,
  lossValues,
  logSumExp,
  mean,
  normalizeRows,
  randomMatrix,
  type Matrix,
} from './loss-test-support.js';
import { simclrInfoNce } from './simclr-info-nce.js';
import { supCon } from './sup-con.js';

/** The definition: rows [VB] (0 where no positive) and the mean over anchors that have a positive. */
function definition(embeddings: Matrix, labels: number[], views: number, temperature: number): { rows: number[]; mean: number } {
  const z = normalizeRows(embeddings);
  const batchSize = embeddings.length / views;
  const label = (r: number) => labels[r % batchSize]!;
  const rows = z.map((zi, i) => {
    const s = z.map((zk) => dot(zi, zk) / temperature);
    const positives = s.filter((_, j) => j !== i && label(j) === label(i));
    return positives.length === 0 ? 0 : -mean(positives) + logSumExp(s.filter((_, k) => k !== i));
  });
  const anchored = rows.filter((_, i) => z.some((_, j) => j !== i && label(j) === label(i)));
  return { rows, mean: anchored.length === 0 ? 0 : mean(anchored) };
}

const embeddings = randomMatrix(51, 8, 3);
const labels = [0, 1, 0, 2];
const labels8 = [3, 1, 3, 2, 1, 3, 0, 5];

describe('supCon', () => {
  it('matches the definition written out directly, anchors without a positive left out of the mean', () => {
    expect(supCon.name).toBe('sup-con');
    const cases: [number[], number][] = [[labels8, 1], [labels, 2], [[7, 7, 7, 7, 7, 7, 7, 7], 1]];
    for (const [given, views] of cases) {
      const inputs = { embeddings: host(embeddings), labels: { values: given, shape: [given.length] } };
      const expected = definition(embeddings, given, views, 0.2);
      lossValues(supCon, inputs, { views, temperature: 0.2, reduction: 'none' }).forEach((v, i) => expect(v).toBeCloseTo(expected.rows[i]!, 12));
      expect(lossValues(supCon, inputs, { views, temperature: 0.2 })[0]).toBeCloseTo(expected.mean, 12);
    }
  });

  it('equals simclrInfoNce (positives all) when every sample has its own label', () => {
    const inputs = { embeddings: host(embeddings), labels: { values: [9, 8, 7, 6], shape: [4] } };
    const [expected] = lossValues(simclrInfoNce, { embeddings: host(embeddings) }, { views: 2, temperature: 0.3 });
    expect(lossValues(supCon, inputs, { views: 2, temperature: 0.3 })[0]).toBeCloseTo(expected!, 12);
  });

  it('is 0 with zero gradients when no anchor has a positive', () => {
    const b = createReferenceBackend();
    const { loss, gradients } = computeLossAndGradients(b, supCon, { embeddings: b.fromArray(embeddings.flat(), [8, 3]), labels: b.fromArray([0, 1, 2, 3, 4, 5, 6, 7], [8]) });
    expect(Array.from(b.readSync!(loss))).toEqual([0]);
    expect(Array.from(b.readSync!(gradients.embeddings!)).every((v) => v === 0)).toBe(true);
    expect(gradients.labels).toBeUndefined();
  });

  it('has gradients that agree with central finite differences', () => {
    const withLabels = (values: number[]) => ({ embeddings: host(embeddings), labels: { values, shape: [values.length] } });
    expectGradientsMatchFiniteDifferences(supCon, withLabels(labels8), { temperature: 0.3 });
    expectGradientsMatchFiniteDifferences(supCon, withLabels(labels), { views: 2, temperature: 0.3, reduction: 'sum' });
    const upstream = { values: [0.2, -0.7, 1.3, 0.5, -1, 2, 0.9, -0.4], shape: [8] };
    expectGradientsMatchFiniteDifferences(supCon, withLabels(labels8), { temperature: 0.4, reduction: 'none' }, upstream);
    expectGradientsMatchFiniteDifferences(supCon, withLabels(labels), { views: 2, normalize: false, temperature: 3 });
  });

  it('reduces consistently: sum is the sum of the rows, mean divides by the anchors with a positive', () => {
    const inputs = { embeddings: host(embeddings), labels: { values: labels8, shape: [8] } };
    const rows = lossValues(supCon, inputs, { reduction: 'none' });
    const total = rows.reduce((a, v) => a + v, 0);
    expect(lossValues(supCon, inputs, { reduction: 'sum' })[0]).toBeCloseTo(total, 12);
    expect(lossValues(supCon, inputs, {})[0]).toBeCloseTo(total / 5, 12); // labels 2, 0 and 5 are singletons: 5 anchors have a positive
  });

  it('stays finite in float64 and float32 at temperature 0.01 with near-identical and collapsed embeddings', () => {
    const center = randomMatrix(5, 1, 3)[0]!;
    const near = randomMatrix(6, 8, 3).map((row) => row.map((v, k) => center[k]! + 1e-4 * v));
    const collapsed = Array.from({ length: 8 }, () => center);
    for (const rowsIn of [near, collapsed]) {
      for (const b of bothPrecisions()) {
        const { loss, gradients } = computeLossAndGradients(b, supCon, { embeddings: b.fromArray(rowsIn.flat(), [8, 3]), labels: b.fromArray(labels, [4]) }, { views: 2, temperature: 0.01 });
        expectFinite(b.readSync!(loss));
        expectFinite(b.readSync!(gradients.embeddings!));
      }
    }
    // Collapsed: every similarity is 100; row i has 3 positives and 7 denominator terms: log 7.
    const inputs = { embeddings: host(collapsed), labels: { values: labels, shape: [4] } };
    expect(lossValues(supCon, inputs, { views: 2, temperature: 0.01 })[0]).toBeCloseTo(Math.log(7), 12);
  });

  it('scales every row by temperature / baseTemperature (SupContrast), and means over all anchors when asked', () => {
    const inputs = { embeddings: host(embeddings), labels: { values: labels8, shape: [8] } };
    const expected = definition(embeddings, labels8, 1, 0.2);
    const factor = 0.2 / 0.07;
    const rows = lossValues(supCon, inputs, { temperature: 0.2, baseTemperature: 0.07, reduction: 'none' });
    rows.forEach((v, i) => expect(v).toBeCloseTo(factor * expected.rows[i]!, 12));
    // labels 2, 0 and 5 are singletons: 5 of the 8 anchors have a positive.
    const total = expected.rows.reduce((a, v) => a + v, 0);
    expect(lossValues(supCon, inputs, { temperature: 0.2, baseTemperature: 0.07 })[0]).toBeCloseTo((factor * total) / 5, 12);
    expect(lossValues(supCon, inputs, { temperature: 0.2, meanOver: 'all-anchors' })[0]).toBeCloseTo(total / 8, 12);
    const both = { temperature: 0.2, baseTemperature: 0.07, meanOver: 'all-anchors' } as const;
    expect(lossValues(supCon, inputs, both)[0]).toBeCloseTo((factor * total) / 8, 12);
    // baseTemperature equal to the temperature is the default (factor 1); meanOver leaves sum alone.
    expect(lossValues(supCon, inputs, { temperature: 0.2, baseTemperature: 0.2 })[0]).toBeCloseTo(expected.mean, 12);
    expect(lossValues(supCon, inputs, { temperature: 0.2, meanOver: 'all-anchors', reduction: 'sum' })[0]).toBeCloseTo(total, 12);
  });

  it('has gradients that agree with central finite differences under baseTemperature and meanOver', () => {
    const withLabels = (values: number[]) => ({ embeddings: host(embeddings), labels: { values, shape: [values.length] } });
    expectGradientsMatchFiniteDifferences(supCon, withLabels(labels8), { temperature: 0.3, baseTemperature: 0.07 });
    expectGradientsMatchFiniteDifferences(supCon, withLabels(labels8), { temperature: 0.3, meanOver: 'all-anchors' });
    const options = { views: 2, temperature: 0.5, baseTemperature: 1.7, meanOver: 'all-anchors', normalize: false } as const;
    expectGradientsMatchFiniteDifferences(supCon, withLabels(labels), options);
  });

  describe('rejects bad input, naming the argument and leaking nothing', () => {
    const b = createReferenceBackend();
    const good = () => ({ embeddings: b.fromArray(embeddings.flat(), [8, 3]), labels: b.fromArray(labels8, [8]) });
    const cases: [string, () => Record<string, unknown>, Record<string, unknown>, string][] = [
      ['embeddings missing', () => ({ labels: good().labels }), {}, 'embeddings'],
      ['embeddings of rank 1', () => ({ ...good(), embeddings: b.fromArray(labels8, [8]) }), {}, 'embeddings'],
      ['NaN in embeddings', () => ({ ...good(), embeddings: b.fromArray([NaN, ...embeddings.flat().slice(1)], [8, 3]) }), {}, 'embeddings'],
      ['rows not divisible by views', good, { views: 3 }, 'embeddings'],
      ['labels missing', () => ({ embeddings: good().embeddings }), {}, 'labels'],
      ['labels of rank 2', () => ({ ...good(), labels: b.fromArray(labels8, [8, 1]) }), {}, 'labels'],
      ['labels of the wrong length', () => ({ ...good(), labels: b.fromArray(labels, [4]) }), {}, 'labels'],
      ['labels of the wrong length for the views', good, { views: 2 }, 'labels'],
      ['non-integer labels', () => ({ ...good(), labels: b.fromArray([0.5, ...labels8.slice(1)], [8]) }), {}, 'labels'],
      ['NaN labels', () => ({ ...good(), labels: b.fromArray([...labels8.slice(1), NaN], [8]) }), {}, 'labels'],
      ['views 0', good, { views: 0 }, 'options.views'],
      ['temperature not a number', good, { temperature: '0.1' }, 'options.temperature'],
      ['unknown reduction', good, { reduction: 'batchmean' }, 'options.reduction'],
      ['baseTemperature 0', good, { baseTemperature: 0 }, 'options.baseTemperature'],
      ['baseTemperature negative', good, { baseTemperature: -0.07 }, 'options.baseTemperature'],
      ['baseTemperature infinite', good, { baseTemperature: Infinity }, 'options.baseTemperature'],
      ['baseTemperature a string', good, { baseTemperature: '0.07' }, 'options.baseTemperature'],
      ['unknown meanOver', good, { meanOver: 'anchors' }, 'options.meanOver'],
      ['unknown option', good, { base_temperature: 0.07 }, 'options.base_temperature'],
    ];
    it.each(cases)('%s', (_, build, options, argument) => {
      const given = build();
      expectInputError(b, () => computeLossAndGradients(b, supCon, given as never, options as never), argument);
    });
  });
});

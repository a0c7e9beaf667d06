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
import { ntXent } from './nt-xent.js';
import { simclrInfoNce, simclrInfoNceLogits } from './simclr-info-nce.js';

/** The definition: rows view-major, `P(r)` the other views of sample `r mod B`, denominator every `c != r`. */
function definitionRows(embeddings: Matrix, views: number, temperature: number, positives: 'all' | 'first'): number[] {
  const f = normalizeRows(embeddings);
  const batchSize = f.length / views;
  return f.map((row, r) => {
    const s = f.map((key) => dot(row, key) / temperature);
    const others = s.filter((_, c) => c !== r);
    const positiveColumns = s.map((_, c) => c).filter((c) => c !== r && c % batchSize === r % batchSize);
    const positive = positives === 'all' ? mean(positiveColumns.map((c) => s[c]!)) : s[Math.min(...positiveColumns)]!;
    return -positive + logSumExp(others);
  });
}

/** The original `info_nce_loss`, transliterated: labels matrix, drop the diagonal, select positives then negatives. */
function originalLogits(features: Matrix, views: number, temperature: number): Matrix {
  const n = features.length;
  const batchSize = n / views;
  const sampleOf = Array.from({ length: n }, (_, i) => i % batchSize); // torch.cat([arange(B)] * n_views)
  const labels = sampleOf.map((li) => sampleOf.map((lj) => (li === lj ? 1 : 0)));
  const f = normalizeRows(features);
  const similarity = f.map((u) => f.map((v) => dot(u, v)));
  const offDiagonal = (m: Matrix) => m.map((row, i) => row.filter((_, j) => j !== i)); // m[~eye].view(n, -1)
  const [labelsOff, similarityOff] = [offDiagonal(labels), offDiagonal(similarity)];
  const positives = similarityOff.map((row, i) => row.filter((_, j) => labelsOff[i]![j] === 1));
  const negatives = similarityOff.map((row, i) => row.filter((_, j) => labelsOff[i]![j] === 0));
  return positives.map((row, i) => [...row, ...negatives[i]!].map((v) => v / temperature));
}

const embeddings3 = randomMatrix(21, 6, 4); // V = 3, B = 2, or V = 2, B = 3

describe('simclrInfoNce', () => {
  it('matches the definition written out directly (views 2 and 3, positives all and first)', () => {
    for (const views of [2, 3]) {
      for (const positives of ['all', 'first'] as const) {
        const rows = lossValues(simclrInfoNce, { embeddings: host(embeddings3) }, { views, positives, temperature: 0.3, reduction: 'none' });
        const expected = definitionRows(embeddings3, views, 0.3, positives);
        rows.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
      }
    }
  });

  it("with positives 'first' is the original's cross-entropy of its logits with label 0", () => {
    for (const views of [2, 3]) {
      const logits = originalLogits(embeddings3, views, 0.07);
      const crossEntropy = mean(logits.map((row) => -row[0]! + logSumExp(row)));
      const [loss] = lossValues(simclrInfoNce, { embeddings: host(embeddings3) }, { views, positives: 'first' });
      expect(loss).toBeCloseTo(crossEntropy, 11);
    }
  });

  it('equals NT-Xent for two views, whichever positives', () => {
    const [expected] = lossValues(ntXent, { anchors: host(embeddings3.slice(0, 3)), positives: host(embeddings3.slice(3)) }, { temperature: 0.2 });
    for (const positives of ['all', 'first'] as const) {
      expect(lossValues(simclrInfoNce, { embeddings: host(embeddings3) }, { temperature: 0.2, positives })[0]).toBeCloseTo(expected!, 12);
    }
  });

  it('has gradients that agree with central finite differences', () => {
    const inputs = { embeddings: host(embeddings3) };
    expectGradientsMatchFiniteDifferences(simclrInfoNce, inputs, { temperature: 0.3 });
    expectGradientsMatchFiniteDifferences(simclrInfoNce, inputs, { views: 3, temperature: 0.4, positives: 'all', reduction: 'sum' });
    const upstream = { values: [0.5, -1, 2, 0.1, 1.5, -0.3], shape: [6] };
    expectGradientsMatchFiniteDifferences(simclrInfoNce, inputs, { views: 3, temperature: 0.4, positives: 'first', reduction: 'none' }, upstream);
    expectGradientsMatchFiniteDifferences(simclrInfoNce, inputs, { views: 3, normalize: false, temperature: 2 });
  });

  it('reduces consistently: sum is the sum of the rows, mean their average', () => {
    const inputs = { embeddings: host(embeddings3) };
    const rows = lossValues(simclrInfoNce, inputs, { views: 3, reduction: 'none' });
    expect(rows).toHaveLength(6);
    expect(lossValues(simclrInfoNce, inputs, { views: 3, reduction: 'sum' })[0]).toBeCloseTo(rows.reduce((a, v) => a + v, 0), 12);
    expect(lossValues(simclrInfoNce, inputs, { views: 3 })[0]).toBeCloseTo(mean(rows), 12);
  });

  it('stays finite in float64 and float32 at temperature 0.01 with near-identical and collapsed embeddings', () => {
    const base = randomMatrix(5, 1, 4)[0]!;
    const near = randomMatrix(6, 6, 4).map((row) => row.map((v, k) => base[k]! + 1e-4 * v));
    const collapsed = Array.from({ length: 6 }, () => base);
    for (const rowsIn of [near, collapsed]) {
      for (const positives of ['all', 'first'] as const) {
        for (const b of bothPrecisions()) {
          const { loss, gradients } = computeLossAndGradients(b, simclrInfoNce, { embeddings: b.fromArray(rowsIn.flat(), [6, 4]) }, { views: 3, temperature: 0.01, positives });
          expectFinite(b.readSync!(loss));
          expectFinite(b.readSync!(gradients.embeddings!));
        }
      }
    }
    // Collapsed: every similarity is 100, each row is -100 + log(5 exp(100)) = log 5.
    expect(lossValues(simclrInfoNce, { embeddings: host(collapsed) }, { views: 3, temperature: 0.01 })[0]).toBeCloseTo(Math.log(5), 12);
  });

  describe('rejects bad input, naming the argument and leaking nothing', () => {
    const b = createReferenceBackend();
    const good = () => ({ embeddings: b.fromArray(embeddings3.flat(), [6, 4]) });
    const cases: [string, () => Record<string, unknown>, Record<string, unknown>, string][] = [
      ['embeddings missing', () => ({}), {}, 'embeddings'],
      ['embeddings of rank 3', () => ({ embeddings: b.fromArray(embeddings3.flat(), [2, 3, 4]) }), {}, 'embeddings'],
      ['rows not divisible by views', good, { views: 4 }, 'embeddings'],
      ['fewer rows than views', () => ({ embeddings: b.fromArray([1, 2], [1, 2]) }), {}, 'embeddings'],
      ['NaN in embeddings', () => ({ embeddings: b.fromArray([...embeddings3.flat().slice(1), NaN], [6, 4]) }), {}, 'embeddings'],
      ['views 1', good, { views: 1 }, 'options.views'],
      ['views not an integer', good, { views: 2.5 }, 'options.views'],
      ['unknown positives', good, { positives: 'some' }, 'options.positives'],
      ['temperature negative', good, { temperature: -1 }, 'options.temperature'],
      ['temperature infinite', good, { temperature: Infinity }, 'options.temperature'],
      ['normalize not a boolean', good, { normalize: 1 }, 'options.normalize'],
      ['unknown reduction', good, { reduction: 'max' }, 'options.reduction'],
      ['unknown option', good, { nViews: 2 }, 'options.nViews'],
    ];
    it.each(cases)('%s', (_, make, options, argument) => {
      const given = make();
      expectInputError(b, () => computeLossAndGradients(b, simclrInfoNce, given as never, options as never), argument);
    });
    it.each(cases.filter(([, , options]) => !('positives' in options) && !('reduction' in options)))('logits: %s', (_, make, options, argument) => {
      const given = make();
      expectInputError(b, () => simclrInfoNceLogits(b, given as never, options as never), argument);
    });
    it('logits: reduction is not one of its options', () => {
      const given = good();
      expectInputError(b, () => simclrInfoNceLogits(b, given, { reduction: 'mean' } as never), 'options.reduction');
    });
  });
});

describe('simclrInfoNceLogits', () => {
  it.each([2, 3])('equals the original masking and concatenation for %i views', (views) => {
    const features = randomMatrix(30 + views, views * 3, 5);
    const b = createReferenceBackend();
    const before = b.liveCount();
    const input = b.fromArray(features.flat(), [views * 3, 5]);
    const { logits, labels } = simclrInfoNceLogits(b, { embeddings: input }, { views, temperature: 0.07 });
    const expected = originalLogits(features, views, 0.07);
    expect(b.shape(logits)).toEqual([views * 3, views * 3 - 1]);
    const values = b.readSync!(logits);
    expected.flat().forEach((v, i) => expect(values[i]).toBeCloseTo(v, 11));
    expect(labels).toEqual(new Int32Array(views * 3));
    expect(b.liveCount()).toBe(before + 2); // the input and the returned logits only
  });
});

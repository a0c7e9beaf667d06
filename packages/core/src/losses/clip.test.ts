import { describe, expect, it } from 'vitest';
import { computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { clip } from './clip.js';
import { infoNce } from './info-nce.js';
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

/** The definition: `S = c a p^T`, `c = min(logitScale, max)`, rows average the image and text cross-entropies. */
function definitionRows(images: Matrix, texts: Matrix, logitScale: number, maxLogitScale: number | null = 100): number[] {
  const c = maxLogitScale === null ? logitScale : Math.min(logitScale, maxLogitScale);
  const [a, p] = [normalizeRows(images), normalizeRows(texts)];
  const s = a.map((u) => p.map((v) => c * dot(u, v)));
  return s.map((row, i) => (-row[i]! + logSumExp(row) + -row[i]! + logSumExp(s.map((r) => r[i]!))) / 2);
}

const images = randomMatrix(61, 4, 3);
const texts = randomMatrix(62, 4, 3);
const scalar = (value: number) => ({ values: [value], shape: [] });
const inputs = (logitScale: number) => ({ anchors: host(images), positives: host(texts), logitScale: scalar(logitScale) });

describe('clip', () => {
  it('matches the definition written out directly, with and without the clamp', () => {
    expect(clip.name).toBe('clip');
    const cases: [number, number | null][] = [[14.25, 100], [3, 100], [150, 100], [150, null], [20, 10]];
    for (const [logitScale, maxLogitScale] of cases) {
      const expected = definitionRows(images, texts, logitScale, maxLogitScale);
      lossValues(clip, inputs(logitScale), { maxLogitScale, reduction: 'none' }).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 11));
      expect(lossValues(clip, inputs(logitScale), { maxLogitScale })[0]).toBeCloseTo(mean(expected), 11);
    }
  });

  it('equals symmetric in-batch InfoNCE at temperature 1 / logitScale', () => {
    const [expected] = lossValues(infoNce, { anchors: host(images), positives: host(texts) }, { temperature: 1 / 8, symmetric: true });
    expect(lossValues(clip, inputs(8), {})[0]).toBeCloseTo(expected!, 12);
  });

  it('has gradients that agree with central finite differences, logitScale included', () => {
    expectGradientsMatchFiniteDifferences(clip, inputs(5));
    expectGradientsMatchFiniteDifferences(clip, inputs(2.5), { reduction: 'none' }, { values: [0.3, -1, 2, 0.6], shape: [4] });
    expectGradientsMatchFiniteDifferences(clip, inputs(7), { normalize: false, maxLogitScale: null, reduction: 'sum' });
    expectGradientsMatchFiniteDifferences(clip, inputs(15), { maxLogitScale: null });
    expectGradientsMatchFiniteDifferences(clip, inputs(40), { maxLogitScale: 10 }); // clamped
  });

  it('gives logitScale a zero gradient when it is clamped, and only then', () => {
    const gradientOfScale = (logitScale: number, maxLogitScale: number | null) => {
      const b = createReferenceBackend();
      const { gradients } = computeLossAndGradients(b, clip, { anchors: b.fromArray(images.flat(), [4, 3]), positives: b.fromArray(texts.flat(), [4, 3]), logitScale: b.fromArray([logitScale], []) }, { maxLogitScale });
      expect(b.shape(gradients.logitScale!)).toEqual([]);
      return b.readSync!(gradients.logitScale!)[0]!;
    };
    expect(gradientOfScale(150, 100)).toBe(0);
    expect(gradientOfScale(12, 10)).toBe(0);
    expect(gradientOfScale(150, null)).not.toBe(0);
    expect(gradientOfScale(8, 10)).not.toBe(0);
    // Clamped: the anchors' gradient is the one at logitScale = maxLogitScale.
    const anchorsGradient = (logitScale: number) => {
      const b = createReferenceBackend();
      const { gradients } = computeLossAndGradients(b, clip, { anchors: b.fromArray(images.flat(), [4, 3]), positives: b.fromArray(texts.flat(), [4, 3]), logitScale: b.fromArray([logitScale], []) }, { maxLogitScale: 10 });
      return Array.from(b.readSync!(gradients.anchors!));
    };
    expect(anchorsGradient(40)).toEqual(anchorsGradient(10));
  });

  it('reduces consistently: sum is the sum of the rows, mean their average', () => {
    const rows = lossValues(clip, inputs(14.25), { reduction: 'none' });
    expect(rows).toHaveLength(4);
    expect(lossValues(clip, inputs(14.25), { reduction: 'sum' })[0]).toBeCloseTo(rows.reduce((a, v) => a + v, 0), 12);
    expect(lossValues(clip, inputs(14.25))[0]).toBeCloseTo(mean(rows), 12);
  });

  it('stays finite in float64 and float32 at logit scale 100 (temperature 0.01) with near-identical and collapsed embeddings', () => {
    const center = randomMatrix(5, 1, 3)[0]!;
    const near = (seed: number) => randomMatrix(seed, 4, 3).map((row) => row.map((v, k) => center[k]! + 1e-4 * v));
    const collapsed = Array.from({ length: 4 }, () => center);
    for (const [a, p] of [[near(1), near(2)], [collapsed, collapsed]]) {
      for (const b of bothPrecisions()) {
        const { loss, gradients } = computeLossAndGradients(b, clip, { anchors: b.fromArray(a!.flat(), [4, 3]), positives: b.fromArray(p!.flat(), [4, 3]), logitScale: b.fromArray([100], []) });
        expectFinite(b.readSync!(loss));
        for (const g of Object.values(gradients)) expectFinite(b.readSync!(g!));
      }
    }
    expect(lossValues(clip, { anchors: host(collapsed), positives: host(collapsed), logitScale: scalar(100) })[0]).toBeCloseTo(Math.log(4), 12);
  });

  describe('rejects bad input, naming the argument and leaking nothing', () => {
    const b = createReferenceBackend();
    const good = () => ({ anchors: b.fromArray(images.flat(), [4, 3]), positives: b.fromArray(texts.flat(), [4, 3]), logitScale: b.fromArray([14], []) });
    const withScale = (values: number[], shape: number[]) => () => ({ ...good(), logitScale: b.fromArray(values, shape) });
    const cases: [string, () => Record<string, unknown>, Record<string, unknown>, string][] = [
      ['anchors of rank 3', () => ({ ...good(), anchors: b.fromArray(images.flat(), [4, 3, 1]) }), {}, 'anchors'],
      ['positives of another shape', () => ({ ...good(), positives: b.fromArray(texts.flat(), [3, 4]) }), {}, 'positives'],
      ['logitScale missing', () => ({ anchors: good().anchors, positives: good().positives }), {}, 'logitScale'],
      ['logitScale a plain number', () => ({ ...good(), logitScale: 14 }), {}, 'logitScale'],
      ['logitScale of shape [1]', withScale([14], [1]), {}, 'logitScale'],
      ['logitScale 0', withScale([0], []), {}, 'logitScale'],
      ['logitScale negative', withScale([-2], []), {}, 'logitScale'],
      ['logitScale NaN', withScale([NaN], []), {}, 'logitScale'],
      ['logitScale infinite', withScale([Infinity], []), {}, 'logitScale'],
      ['maxLogitScale 0', good, { maxLogitScale: 0 }, 'options.maxLogitScale'],
      ['maxLogitScale a string', good, { maxLogitScale: '100' }, 'options.maxLogitScale'],
      ['unknown reduction', good, { reduction: 'avg' }, 'options.reduction'],
      ['temperature is not a CLIP option', good, { temperature: 0.07 }, 'options.temperature'],
    ];
    it.each(cases)('%s', (_, build, options, argument) => {
      const given = build();
      expectInputError(b, () => computeLossAndGradients(b, clip, given as never, options as never), argument);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { dcl } from './dcl.js';
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

/** The definition: `z = [a; p]`, `l_i = -S_{i,p(i)} + lse_{k != i, p(i)} S_ik`; all 2N rows, or the first N. */
function definitionRows(anchors: Matrix, positives: Matrix, temperature: number, symmetric: boolean, normalize = true): number[] {
  const z = [...anchors, ...positives];
  const unit = normalize ? normalizeRows(z) : z;
  const n = anchors.length;
  const rows = unit.map((zi, i) => {
    const s = unit.map((zk) => dot(zi, zk) / temperature);
    const positive = (i + n) % (2 * n);
    return -s[positive]! + logSumExp(s.filter((_, k) => k !== i && k !== positive));
  });
  return symmetric ? rows : rows.slice(0, n);
}

const anchors = randomMatrix(71, 3, 4);
const positives = randomMatrix(72, 3, 4);
const inputs = { anchors: host(anchors), positives: host(positives) };

describe('dcl', () => {
  it('matches the definition written out directly, symmetric and one-directional', () => {
    expect(dcl.name).toBe('dcl');
    for (const symmetric of [true, false]) {
      for (const normalize of [true, false]) {
        const temperature = normalize ? 0.2 : 3;
        const expected = definitionRows(anchors, positives, temperature, symmetric, normalize);
        const rows = lossValues(dcl, inputs, { temperature, symmetric, normalize, reduction: 'none' });
        expect(rows).toHaveLength(symmetric ? 6 : 3);
        rows.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
        expect(lossValues(dcl, inputs, { temperature, symmetric, normalize })[0]).toBeCloseTo(mean(expected), 12);
      }
    }
  });

  it('has gradients that agree with central finite differences', () => {
    expectGradientsMatchFiniteDifferences(dcl, inputs, { temperature: 0.3 });
    expectGradientsMatchFiniteDifferences(dcl, inputs, { temperature: 0.3, symmetric: false });
    expectGradientsMatchFiniteDifferences(dcl, inputs, { symmetric: false, reduction: 'none', temperature: 0.5 }, { values: [0.7, -1.4, 2], shape: [3] });
    const upstream = { values: [0.7, -1.4, 2, 0.1, 1, -0.5], shape: [6] };
    expectGradientsMatchFiniteDifferences(dcl, inputs, { reduction: 'none', temperature: 0.5 }, upstream);
    expectGradientsMatchFiniteDifferences(dcl, inputs, { normalize: false, temperature: 4, reduction: 'sum', symmetric: false });
  });

  it('reduces consistently: sum is the sum of the rows, mean their average', () => {
    for (const symmetric of [true, false]) {
      const rows = lossValues(dcl, inputs, { symmetric, reduction: 'none' });
      expect(lossValues(dcl, inputs, { symmetric, reduction: 'sum' })[0]).toBeCloseTo(rows.reduce((a, v) => a + v, 0), 12);
      expect(lossValues(dcl, inputs, { symmetric })[0]).toBeCloseTo(mean(rows), 12);
    }
  });

  it('stays finite in float64 and float32 at temperature 0.01 with near-identical and collapsed embeddings', () => {
    const center = randomMatrix(5, 1, 4)[0]!;
    const near = (seed: number) => randomMatrix(seed, 3, 4).map((row) => row.map((v, k) => center[k]! + 1e-4 * v));
    const collapsed = Array.from({ length: 3 }, () => center);
    for (const [a, p] of [[near(1), near(2)], [collapsed, collapsed]]) {
      for (const symmetric of [true, false]) {
        for (const b of bothPrecisions()) {
          const { loss, gradients } = computeLossAndGradients(b, dcl, { anchors: b.fromArray(a!.flat(), [3, 4]), positives: b.fromArray(p!.flat(), [3, 4]) }, { temperature: 0.01, symmetric });
          expectFinite(b.readSync!(loss));
          expectFinite(b.readSync!(gradients.anchors!));
          expectFinite(b.readSync!(gradients.positives!));
        }
      }
    }
    // Collapsed: every similarity is 100; 2N - 2 = 4 denominator terms: log 4.
    expect(lossValues(dcl, { anchors: host(collapsed), positives: host(collapsed) }, { temperature: 0.01 })[0]).toBeCloseTo(Math.log(4), 12);
  });

  describe('rejects bad input, naming the argument and leaking nothing', () => {
    const b = createReferenceBackend();
    const good = () => ({ anchors: b.fromArray(anchors.flat(), [3, 4]), positives: b.fromArray(positives.flat(), [3, 4]) });
    const cases: [string, () => Record<string, unknown>, Record<string, unknown>, string][] = [
      ['anchors missing', () => ({ positives: good().positives }), {}, 'anchors'],
      ['one pair (empty denominator)', () => ({ anchors: b.fromArray([1, 2], [1, 2]), positives: b.fromArray([2, 1], [1, 2]) }), {}, 'anchors'],
      ['dimension 0', () => ({ anchors: b.fromArray([], [3, 0]), positives: b.fromArray([], [3, 0]) }), {}, 'anchors'],
      ['positives missing', () => ({ anchors: good().anchors }), {}, 'positives'],
      ['positives of another dimension', () => ({ ...good(), positives: b.fromArray(positives.flat().slice(0, 9), [3, 3]) }), {}, 'positives'],
      ['NaN in positives', () => ({ ...good(), positives: b.fromArray([NaN, ...positives.flat().slice(1)], [3, 4]) }), {}, 'positives'],
      ['temperature -0.1', good, { temperature: -0.1 }, 'options.temperature'],
      ['symmetric not a boolean', good, { symmetric: 0 }, 'options.symmetric'],
      ['normalize not a boolean', good, { normalize: 'true' }, 'options.normalize'],
      ['unknown reduction', good, { reduction: 'none ' }, 'options.reduction'],
      ['unknown option', good, { weighting: 'vmf' }, 'options.weighting'],
    ];
    it.each(cases)('%s', (_, build, options, argument) => {
      const given = build();
      expectInputError(b, () => computeLossAndGradients(b, dcl, given as never, options as never), argument);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
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
  type HostTensor,
  type Matrix,
} from './loss-test-support.js';

const unit = (m: Matrix, normalize: boolean) => (normalize ? normalizeRows(m) : m);

/** The definition, in-batch: `l_i = -S_ii + lse_j S_ij`, `S = a p^T / T`; symmetric averages with `S^T`. */
function inBatchRows(anchors: Matrix, positives: Matrix, temperature: number, symmetric = false): number[] {
  const [a, p] = [normalizeRows(anchors), normalizeRows(positives)];
  const s = a.map((u) => p.map((v) => dot(u, v) / temperature));
  const rows = s.map((row, i) => -row[i]! + logSumExp(row));
  if (!symmetric) return rows;
  return rows.map((l, i) => (l + -s[i]![i]! + logSumExp(s.map((row) => row[i]!))) / 2);
}

/** The definition with explicit negatives: `x_i = [a_i.p_i, a_i.n_(i),1..M] / T`, `l_i = -x_i0 + lse(x_i)`. */
function explicitRows(anchors: Matrix, positives: Matrix, negatives: Matrix | Matrix[], temperature: number, normalize = true): number[] {
  const [a, p] = [unit(anchors, normalize), unit(positives, normalize)];
  return a.map((ai, i) => {
    const own = Array.isArray(negatives[0]![0]) ? (negatives as Matrix[])[i]! : (negatives as Matrix);
    const x = [dot(ai, p[i]!), ...unit(own, normalize).map((n) => dot(ai, n))].map((v) => v / temperature);
    return -x[0]! + logSumExp(x);
  });
}

const anchors = randomMatrix(41, 3, 4);
const positives = randomMatrix(42, 3, 4);
const queue = randomMatrix(43, 5, 4);
const paired = [randomMatrix(44, 2, 4), randomMatrix(45, 2, 4), randomMatrix(46, 2, 4)];
const pairedHost: HostTensor = { values: paired.flat(2), shape: [3, 2, 4] };
const base = { anchors: host(anchors), positives: host(positives) };

describe('infoNce', () => {
  it('matches the definition written out directly: in-batch, symmetric, unpaired and paired negatives', () => {
    expect(infoNce.name).toBe('info-nce');
    const check = (rows: number[], expected: number[]) => rows.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
    check(lossValues(infoNce, base, { temperature: 0.2, reduction: 'none' }), inBatchRows(anchors, positives, 0.2));
    check(lossValues(infoNce, base, { temperature: 0.2, symmetric: true, reduction: 'none' }), inBatchRows(anchors, positives, 0.2, true));
    check(lossValues(infoNce, { ...base, negatives: host(queue) }, { temperature: 0.2, reduction: 'none' }), explicitRows(anchors, positives, queue, 0.2));
    check(lossValues(infoNce, { ...base, negatives: pairedHost }, { temperature: 0.2, reduction: 'none' }), explicitRows(anchors, positives, paired, 0.2));
    check(lossValues(infoNce, { ...base, negatives: host(queue) }, { temperature: 3, normalize: false, reduction: 'none' }), explicitRows(anchors, positives, queue, 3, false));
  });

  it('has gradients that agree with central finite differences (anchors, positives, negatives)', () => {
    const upstream = { values: [0.4, -1.1, 1.7], shape: [3] };
    expectGradientsMatchFiniteDifferences(infoNce, base, { temperature: 0.2 });
    expectGradientsMatchFiniteDifferences(infoNce, base, { temperature: 0.3, symmetric: true, reduction: 'none' }, upstream);
    expectGradientsMatchFiniteDifferences(infoNce, { ...base, negatives: host(queue) }, { temperature: 0.2 });
    expectGradientsMatchFiniteDifferences(infoNce, { ...base, negatives: pairedHost }, { temperature: 0.25, reduction: 'none' }, upstream);
    expectGradientsMatchFiniteDifferences(infoNce, { ...base, negatives: pairedHost }, { temperature: 2, normalize: false, reduction: 'sum' });
    expectGradientsMatchFiniteDifferences(infoNce, { ...base, negatives: host(queue) }, { temperature: 2, normalize: false });
  });

  it('reduces consistently: sum is the sum of the rows, mean their average', () => {
    for (const inputs of [base, { ...base, negatives: host(queue) }, { ...base, negatives: pairedHost }]) {
      const rows = lossValues(infoNce, inputs, { reduction: 'none' });
      expect(rows).toHaveLength(3);
      expect(lossValues(infoNce, inputs, { reduction: 'sum' })[0]).toBeCloseTo(rows.reduce((a, v) => a + v, 0), 12);
      expect(lossValues(infoNce, inputs, {})[0]).toBeCloseTo(mean(rows), 12);
    }
  });

  it('stays finite in float64 and float32 at temperature 0.01 with near-identical and collapsed embeddings', () => {
    const center = randomMatrix(5, 1, 4)[0]!;
    const near = (seed: number, rows: number) => randomMatrix(seed, rows, 4).map((row) => row.map((v, k) => center[k]! + 1e-4 * v));
    const collapsed = (rows: number) => Array.from({ length: rows }, () => center);
    const cases = [
      { anchors: host(near(1, 3)), positives: host(near(2, 3)), negatives: host(near(3, 5)) },
      { anchors: host(near(1, 3)), positives: host(near(2, 3)), negatives: { values: near(4, 6).flat(), shape: [3, 2, 4] } },
      { anchors: host(collapsed(3)), positives: host(collapsed(3)), negatives: host(collapsed(5)) },
      { anchors: host(collapsed(3)), positives: host(collapsed(3)) },
    ];
    for (const inputs of cases) {
      for (const b of bothPrecisions()) {
        const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, b.fromArray(v.values, v.shape)]));
        const { loss, gradients } = computeLossAndGradients(b, infoNce, tensors, { temperature: 0.01 });
        expectFinite(b.readSync!(loss));
        for (const g of Object.values(gradients)) expectFinite(b.readSync!(g!));
      }
    }
    // Collapsed: every logit is 100; in-batch rows are log 3, with 5 negatives log 6.
    expect(lossValues(infoNce, { anchors: host(collapsed(3)), positives: host(collapsed(3)) }, { temperature: 0.01 })[0]).toBeCloseTo(Math.log(3), 12);
    expect(lossValues(infoNce, { anchors: host(collapsed(3)), positives: host(collapsed(3)), negatives: host(collapsed(5)) }, { temperature: 0.01 })[0]).toBeCloseTo(Math.log(6), 12);
  });

  it('keeps the digits of a tiny loss (log1p form)', () => {
    // Logits [20, -20]: l = log(1 + exp(-40)) = 4.25e-18, which -x0 + lse(x) rounds to 0 in float64.
    const [loss] = lossValues(infoNce, { anchors: host([[1, 0]]), positives: host([[1, 0]]), negatives: host([[-1, 0]]) }, { temperature: 0.05 });
    expect(Math.abs(loss! - Math.log1p(Math.exp(-40))) / Math.log1p(Math.exp(-40))).toBeLessThan(1e-12);
  });

  describe('rejects bad input, naming the argument and leaking nothing', () => {
    const b = createReferenceBackend();
    const make = (values: number[], shape: number[]) => b.fromArray(values, shape);
    const good = () => ({ anchors: make(anchors.flat(), [3, 4]), positives: make(positives.flat(), [3, 4]) });
    const cases: [string, () => Record<string, unknown>, Record<string, unknown>, string][] = [
      ['anchors missing', () => ({ positives: good().positives }), {}, 'anchors'],
      ['anchors not a tensor', () => ({ ...good(), anchors: anchors }), {}, 'anchors'],
      ['positives of another shape', () => ({ ...good(), positives: make(queue.flat(), [5, 4]) }), {}, 'positives'],
      ['Infinity in positives', () => ({ ...good(), positives: make([-Infinity, ...positives.flat().slice(1)], [3, 4]) }), {}, 'positives'],
      ['negatives of rank 1', () => ({ ...good(), negatives: make([1, 2, 3, 4], [4]) }), {}, 'negatives'],
      ['negatives of rank 4', () => ({ ...good(), negatives: make(paired.flat(2), [3, 2, 1, 4]) }), {}, 'negatives'],
      ['negatives of another dimension', () => ({ ...good(), negatives: make(queue.flat().slice(0, 15), [5, 3]) }), {}, 'negatives'],
      ['paired negatives for other rows', () => ({ ...good(), negatives: make(paired.flat(2).slice(0, 16), [2, 2, 4]) }), {}, 'negatives'],
      ['no negative (M = 0)', () => ({ ...good(), negatives: make([], [0, 4]) }), {}, 'negatives'],
      ['NaN in negatives', () => ({ ...good(), negatives: make([...queue.flat().slice(1), NaN], [5, 4]) }), {}, 'negatives'],
      ['symmetric with negatives', () => ({ ...good(), negatives: make(queue.flat(), [5, 4]) }), { symmetric: true }, 'options.symmetric'],
      ['temperature 0', good, { temperature: 0 }, 'options.temperature'],
      ['unknown reduction', good, { reduction: 'mean ' }, 'options.reduction'],
      ['unknown option', good, { negativeMode: 'paired' }, 'options.negativeMode'],
    ];
    it.each(cases)('%s', (_, build, options, argument) => {
      const given = build();
      expectInputError(b, () => computeLossAndGradients(b, infoNce, given as never, options as never), argument);
    });
  });
});

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
  normalizeRows,
  randomMatrix,
  type HostTensor,
  type Matrix,
} from './loss-test-support.js';

/** The definition written out: `w_im = exp(beta x_im) / mean_m exp(beta x_im)`, `l_i = -x_i0 + log(e^x_i0 + sum_m w_im e^x_im)`. */
function weightedRows(anchors: Matrix, positives: Matrix, negatives: Matrix | Matrix[], temperature: number, beta: number): number[] {
  const [a, p] = [normalizeRows(anchors), normalizeRows(positives)];
  return a.map((ai, i) => {
    const own = normalizeRows(Array.isArray(negatives[0]![0]) ? (negatives as Matrix[])[i]! : (negatives as Matrix));
    const x0 = dot(ai, p[i]!) / temperature;
    const x = own.map((n) => dot(ai, n) / temperature);
    const meanWeight = x.reduce((acc, v) => acc + Math.exp(beta * v), 0) / x.length;
    const weighted = x.reduce((acc, v) => acc + (Math.exp(beta * v) / meanWeight) * Math.exp(v), 0);
    return -x0 + Math.log(Math.exp(x0) + weighted);
  });
}

const anchors = randomMatrix(51, 3, 4);
const positives = randomMatrix(52, 3, 4);
const queue = randomMatrix(53, 5, 4);
const paired = [randomMatrix(54, 2, 4), randomMatrix(55, 2, 4), randomMatrix(56, 2, 4)];
const pairedHost: HostTensor = { values: paired.flat(2), shape: [3, 2, 4] };
const unpaired = { anchors: host(anchors), positives: host(positives), negatives: host(queue) };
const pairedInputs = { ...unpaired, negatives: pairedHost };

describe('infoNce hardness weighting (beta)', () => {
  it('matches the weighted definition written out directly, unpaired and paired', () => {
    for (const beta of [0.5, 1, 3]) {
      const rows = lossValues(infoNce, unpaired, { temperature: 0.2, beta, reduction: 'none' });
      weightedRows(anchors, positives, queue, 0.2, beta).forEach((v, i) => expect(rows[i]).toBeCloseTo(v, 12));
      const pairedRows = lossValues(infoNce, pairedInputs, { temperature: 0.5, beta, reduction: 'none' });
      weightedRows(anchors, positives, paired, 0.5, beta).forEach((v, i) => expect(pairedRows[i]).toBeCloseTo(v, 12));
    }
  });

  it('beta 0 is plain InfoNCE exactly (loss and every gradient, bit for bit); a tiny beta is within 1e-9 of it', () => {
    const b = createReferenceBackend();
    const tensors = Object.fromEntries(Object.entries(unpaired).map(([k, v]) => [k, b.fromArray(v.values, v.shape)]));
    const read = (options: object) => {
      const { loss, gradients } = computeLossAndGradients(b, infoNce, tensors, options);
      return [b.readSync!(loss), ...(['anchors', 'positives', 'negatives'] as const).map((k) => b.readSync!(gradients[k]!))].map((x) => Array.from(x));
    };
    const plain = read({ temperature: 0.2 });
    expect(read({ temperature: 0.2, beta: 0 })).toEqual(plain);
    const tiny = read({ temperature: 0.2, beta: 1e-12 });
    tiny.flat().forEach((v, k) => expect(Math.abs(v - plain.flat()[k]!)).toBeLessThan(1e-9));
  });

  it('weights of mean 1: when every negative of an anchor is the same vector the weights are all 1, for any beta', () => {
    const same = { ...unpaired, negatives: host(Array.from({ length: 4 }, () => queue[0]!)) };
    const plain = lossValues(infoNce, same, { temperature: 0.3, reduction: 'none' });
    lossValues(infoNce, same, { temperature: 0.3, beta: 2, reduction: 'none' }).forEach((v, i) => expect(v).toBeCloseTo(plain[i]!, 12));
  });

  it('a huge beta puts all weight M on the hardest negative: l_i -> -x_i0 + log(exp x_i0 + M exp max_m x_im), float32 too', () => {
    const limit = anchors.map((row, i) => {
      const [a, p, n] = [normalizeRows([row])[0]!, normalizeRows(positives)[i]!, normalizeRows(queue)];
      const x0 = dot(a, p) / 0.1;
      const hardest = Math.max(...n.map((v) => dot(a, v) / 0.1));
      return -x0 + Math.log(Math.exp(x0) + n.length * Math.exp(hardest));
    });
    for (const b of bothPrecisions()) {
      const tensors = Object.fromEntries(Object.entries(unpaired).map(([k, v]) => [k, b.fromArray(v.values, v.shape)]));
      const { loss } = computeLossAndGradients(b, infoNce, tensors, { temperature: 0.1, beta: 1e6, reduction: 'none' });
      const digits = b.capabilities.precision === 'float64' ? 10 : 5;
      Array.from(b.readSync!(loss)).forEach((v, i) => expect(v).toBeCloseTo(limit[i]!, digits));
    }
  });

  it('differentiates the weights: gradients agree with central finite differences', () => {
    const upstream = { values: [0.4, -1.1, 1.7], shape: [3] };
    expectGradientsMatchFiniteDifferences(infoNce, unpaired, { temperature: 0.2, beta: 1 });
    expectGradientsMatchFiniteDifferences(infoNce, unpaired, { temperature: 0.5, beta: 3, reduction: 'none' }, upstream);
    expectGradientsMatchFiniteDifferences(infoNce, pairedInputs, { temperature: 0.25, beta: 2, reduction: 'sum' });
    expectGradientsMatchFiniteDifferences(infoNce, unpaired, { temperature: 2, beta: 1, normalize: false });
  });

  it('stays finite in float64 and float32 at temperature 0.01 with beta 2 (weighted logits up to 300)', () => {
    const center = randomMatrix(5, 1, 4)[0]!;
    const near = (seed: number, rows: number) => randomMatrix(seed, rows, 4).map((row) => row.map((v, k) => center[k]! + 1e-4 * v));
    for (const inputs of [unpaired, pairedInputs, { anchors: host(near(1, 3)), positives: host(near(2, 3)), negatives: host(near(3, 5)) }]) {
      for (const b of bothPrecisions()) {
        const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, b.fromArray(v.values, v.shape)]));
        const { loss, gradients } = computeLossAndGradients(b, infoNce, tensors, { temperature: 0.01, beta: 2 });
        expectFinite(b.readSync!(loss));
        for (const g of Object.values(gradients)) expectFinite(b.readSync!(g!));
      }
    }
  });

  describe('rejects a bad beta, naming it', () => {
    const b = createReferenceBackend();
    const good = () => ({ anchors: b.fromArray(anchors.flat(), [3, 4]), positives: b.fromArray(positives.flat(), [3, 4]) });
    const withQueue = () => ({ ...good(), negatives: b.fromArray(queue.flat(), [5, 4]) });
    const cases: [string, () => Record<string, unknown>, Record<string, unknown>][] = [
      ['beta without negatives (in-batch)', good, { beta: 1 }],
      ['negative beta', withQueue, { beta: -0.5 }],
      ['NaN beta', withQueue, { beta: NaN }],
      ['Infinity beta', withQueue, { beta: Infinity }],
      ['beta as a string', withQueue, { beta: '1' }],
    ];
    it.each(cases)('%s', (_, build, options) => {
      const given = build();
      expectInputError(b, () => computeLossAndGradients(b, infoNce, given as never, options as never), 'options.beta');
    });
  });
});

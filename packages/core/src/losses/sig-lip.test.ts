import { describe, expect, it } from 'vitest';
import { computeLoss, computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import {
  createFloat32RoundingBackend,
  dot,
  expectFinite,
  expectGradientsMatchFiniteDifferences,
  expectInputError,
  host,
  lossValues,
  normalizeRows,
  randomMatrix,
  type Matrix,
} from './loss-test-support.js';
import { sigLip } from './sig-lip.js';

const softplus = (u: number) => Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));

/** SigLIP rows written from the definition: `l_i = sum_j softplus(-y_ij (t a_i.p_j + bias))`. */
function directSigLip(a: Matrix, p: Matrix, logTemperature: number, bias: number, normalize = true): number[] {
  const [na, np] = normalize ? [normalizeRows(a), normalizeRows(p)] : [a, p];
  const t = Math.exp(logTemperature);
  return na.map((row, i) => np.reduce((acc, key, j) => acc + softplus(-(i === j ? 1 : -1) * (t * dot(row, key) + bias)), 0));
}

const scalar = (value: number) => ({ values: [value], shape: [] });
const anchors = randomMatrix(11, 4, 3);
const positives = randomMatrix(12, 4, 3);
const inputs = (logTemperature: number, bias: number, a = anchors, p = positives) => ({
  anchors: host(a),
  positives: host(p),
  logTemperature: scalar(logTemperature),
  bias: scalar(bias),
});

describe('sigLip', () => {
  it('matches the definition written out directly, for every reduction and both normalisations', () => {
    for (const normalize of [true, false]) {
      const rows = directSigLip(anchors, positives, 0.7, -1.5, normalize);
      const total = rows.reduce((acc, v) => acc + v, 0);
      const none = lossValues(sigLip, inputs(0.7, -1.5), { normalize, reduction: 'none' });
      none.forEach((value, i) => expect(value).toBeCloseTo(rows[i]!, 12));
      expect(lossValues(sigLip, inputs(0.7, -1.5), { normalize, reduction: 'sum' })[0]).toBeCloseTo(total, 12);
      expect(lossValues(sigLip, inputs(0.7, -1.5), { normalize })[0]).toBeCloseTo(total / rows.length, 12);
    }
  });

  it('has gradients (anchors, positives, logTemperature, bias) that agree with central finite differences', () => {
    expectGradientsMatchFiniteDifferences(sigLip, inputs(1.2, -0.8));
    expectGradientsMatchFiniteDifferences(sigLip, inputs(0.3, 0.4), { normalize: false, reduction: 'sum' });
    const upstream = { values: [0.5, -1, 2, 0.25], shape: [4] };
    expectGradientsMatchFiniteDifferences(sigLip, inputs(0.9, -2), { reduction: 'none' }, upstream);
  });

  it('stays finite and exact with logits of magnitude ~1e3', () => {
    const b = createReferenceBackend();
    const logTemperature = Math.log(1000);
    const tensors = {
      anchors: b.fromArray(anchors.flat(), [4, 3]),
      positives: b.fromArray(positives.flat(), [4, 3]),
      logTemperature: b.fromArray([logTemperature], []),
      bias: b.fromArray([-3], []),
    };
    const { loss, gradients } = computeLossAndGradients(b, sigLip, tensors, { reduction: 'none' });
    const expected = directSigLip(anchors, positives, logTemperature, -3);
    Array.from(b.readSync!(loss)).forEach((value, i) => expect(Math.abs(value - expected[i]!)).toBeLessThan(1e-12 * expected[i]!));
    for (const gradient of Object.values(gradients)) expectFinite(b.readSync!(gradient!));
  });

  it('stays finite with logits ~1e3 when every op result is rounded to float32', () => {
    const b = createFloat32RoundingBackend();
    const tensors = {
      anchors: b.fromArray(anchors.flat(), [4, 3]),
      positives: b.fromArray(positives.flat(), [4, 3]),
      logTemperature: b.fromArray([Math.log(1000)], []),
      bias: b.fromArray([-3], []),
    };
    const { loss, gradients } = computeLossAndGradients(b, sigLip, tensors);
    const expected = directSigLip(anchors, positives, Math.log(1000), -3).reduce((acc, v) => acc + v, 0) / 4;
    expect(Math.abs(b.readSync!(loss)[0]! - expected)).toBeLessThan(1e-5 * expected);
    for (const gradient of Object.values(gradients)) expectFinite(b.readSync!(gradient!));
  });

  it('keeps the digits of tiny losses (log1p form)', () => {
    // Orthonormal pairs: L_ii = t - 50 = 50, L_ij = -50; every term is softplus(-50) = log1p(e^-50) ~ 1.9e-22,
    // which log(1 + exp(-50)) would round to 0.
    const identity = [[1, 0], [0, 1]];
    const logTemperature = Math.log(100);
    const [value] = lossValues(sigLip, inputs(logTemperature, -50, identity, identity), { reduction: 'sum' });
    const expected = directSigLip(identity, identity, logTemperature, -50).reduce((acc, v) => acc + v, 0);
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(value! - expected)).toBeLessThan(1e-13 * expected);
  });

  it('rejects bad input with a typed error naming the argument, leaking no tensor', () => {
    const b = createReferenceBackend();
    const a = b.fromArray(anchors.flat(), [4, 3]);
    const p = b.fromArray(positives.flat(), [4, 3]);
    const logTemperature = b.fromArray([0], []);
    const bias = b.fromArray([0], []);
    const good = { anchors: a, positives: p, logTemperature, bias };
    // Every bad tensor exists before the count is taken, so the count checks the loss's own tensors only.
    const cases: [string, Record<string, unknown>, Record<string, unknown>?][] = [
      ['anchors', { ...good, anchors: [[1, 2, 3]] }],
      ['anchors', { ...good, anchors: b.fromArray([1, 2, 3], [3]) }],
      ['anchors', { ...good, anchors: b.fromArray([1, NaN, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3], [4, 3]) }],
      ['positives', { ...good, positives: b.fromArray([1, 2, 3], [1, 3]) }],
      ['logTemperature', { ...good, logTemperature: b.fromArray([0], [1]) }],
      ['logTemperature', { ...good, logTemperature: b.fromArray([Infinity], []) }],
      ['bias', { anchors: a, positives: p, logTemperature }],
      ['bias', { ...good, bias: b.fromArray([NaN], []) }],
      ['options.reduction', good, { reduction: 'avg' }],
      ['options.normalize', good, { normalize: 'yes' }],
      ['options.temperature', good, { temperature: 0.1 }],
    ];
    for (const [argument, bad, options] of cases) {
      expectInputError(b, () => computeLoss(b, sigLip, bad as never, options as never), argument);
      expectInputError(b, () => computeLossAndGradients(b, sigLip, bad as never, options as never), argument);
    }
  });
});

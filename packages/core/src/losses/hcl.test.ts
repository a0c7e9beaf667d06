import { describe, expect, it } from 'vitest';
import { computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { hcl } from './hcl.js';
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
  type Matrix,
} from './loss-test-support.js';
import { ntXent } from './nt-xent.js';

/**
 * HCL as the paper's code states it, in plain exponentials (fine in float64 at these temperatures): per row,
 * `imp = neg^beta`, `R = sum(imp * neg) / mean(imp)`, `Ng = max((R - tauPlus M pos) / (1 - tauPlus), M e^(-1/T))`,
 * `l = -log(pos / (pos + Ng))`.
 */
function directHcl(a: Matrix, p: Matrix, temperature: number, beta: number, tauPlus: number): { rows: number[]; clamped: boolean[] } {
  const z = normalizeRows([...a, ...p]);
  const n = a.length;
  const m = 2 * n - 2;
  const clamped: boolean[] = [];
  const rows = z.map((zi, i) => {
    const partner = (i + n) % (2 * n);
    const negatives = z.filter((_, j) => j !== i && j !== partner).map((zj) => Math.exp(dot(zi, zj) / temperature));
    const positive = Math.exp(dot(zi, z[partner]!) / temperature);
    const importance = negatives.map((v) => v ** beta);
    const reweighted = importance.reduce((acc, w, j) => acc + w * negatives[j]!, 0) / (importance.reduce((acc, w) => acc + w, 0) / m);
    const debiased = (reweighted - tauPlus * m * positive) / (1 - tauPlus);
    const floor = m * Math.exp(-1 / temperature);
    clamped.push(debiased <= floor);
    return -Math.log(positive / (positive + Math.max(debiased, floor)));
  });
  return { rows, clamped };
}

const anchors = randomMatrix(61, 5, 4);
const positives = anchors.map((row, i) => row.map((v, k) => v + 0.6 * randomMatrix(62, 5, 4)[i]![k]!));
const inputs = (a = anchors, p = positives) => ({ anchors: host(a), positives: host(p) });

describe('hcl', () => {
  it('matches the paper code written out directly, for several beta and tauPlus, with and without the clamp', () => {
    expect(hcl.name).toBe('hcl');
    let clampedRows = 0;
    for (const [temperature, beta, tauPlus] of [[0.5, 1, 0.1], [0.5, 0, 0.1], [0.2, 2, 0], [1, 0.5, 0.5], [0.5, 1, 0.9]] as const) {
      const expected = directHcl(anchors, positives, temperature, beta, tauPlus);
      clampedRows += expected.clamped.filter(Boolean).length;
      const options = { temperature, beta, tauPlus };
      lossValues(hcl, inputs(), { ...options, reduction: 'none' }).forEach((v, i) => expect(v).toBeCloseTo(expected.rows[i]!, 12));
      const total = expected.rows.reduce((acc, v) => acc + v, 0);
      expect(lossValues(hcl, inputs(), { ...options, reduction: 'sum' })[0]).toBeCloseTo(total, 12);
      expect(lossValues(hcl, inputs(), options)[0]).toBeCloseTo(total / 10, 12);
    }
    expect(clampedRows).toBeGreaterThan(0); // the clamp is exercised (tauPlus 0.9)
    expect(clampedRows).toBeLessThan(50);
  });

  it('is NT-Xent with beta 0 and tauPlus 0', () => {
    for (const temperature of [0.1, 0.5]) {
      const [expected] = lossValues(ntXent, inputs(), { temperature });
      expect(lossValues(hcl, inputs(), { temperature, beta: 0, tauPlus: 0 })[0]).toBeCloseTo(expected!, 12);
    }
  });

  it('has gradients that agree with central finite differences', () => {
    expectGradientsMatchFiniteDifferences(hcl, inputs(), {});
    expectGradientsMatchFiniteDifferences(hcl, inputs(), { beta: 2, tauPlus: 0, temperature: 0.3, reduction: 'sum' });
    expectGradientsMatchFiniteDifferences(hcl, inputs(), { beta: 0, tauPlus: 0.3 });
    expectGradientsMatchFiniteDifferences(hcl, inputs(), { tauPlus: 0.9 }); // some rows clamped
    const upstream = { values: [0.5, -1, 2, 0.25, 1.5, -0.75, 1, 0.1, -2, 0.6], shape: [10] };
    expectGradientsMatchFiniteDifferences(hcl, inputs(), { beta: 0.5, reduction: 'none' }, upstream);
    expectGradientsMatchFiniteDifferences(hcl, inputs(), { normalize: false, temperature: 2 });
  });

  it('stays finite in float64 and float32 at temperature 0.01, near-identical and collapsed rows', () => {
    const center = randomMatrix(63, 1, 4)[0]!;
    const near = randomMatrix(64, 10, 4).map((row) => row.map((v, k) => center[k]! + 1e-4 * v));
    const collapsed = Array.from({ length: 10 }, () => center);
    for (const rows of [near, collapsed, [...anchors, ...positives]]) {
      for (const b of bothPrecisions()) {
        const tensors = { anchors: b.fromArray(rows.slice(0, 5).flat(), [5, 4]), positives: b.fromArray(rows.slice(5).flat(), [5, 4]) };
        const { loss, gradients } = computeLossAndGradients(b, hcl, tensors, { temperature: 0.01, beta: 2 });
        expectFinite(b.readSync!(loss));
        expectFinite(b.readSync!(gradients.anchors!));
        expectFinite(b.readSync!(gradients.positives!));
      }
    }
    // Collapsed: every similarity is 1 / T, so R = M e^(1/T), D = (1 - tauPlus) M e^(1/T), Ng = M e^(1/T) and
    // l = log(1 + M), with M = 8 negatives.
    expect(lossValues(hcl, inputs(collapsed.slice(0, 5), collapsed.slice(5)), { temperature: 0.1 })[0]).toBeCloseTo(Math.log(9), 12);
  });

  it('rejects bad input with a typed error naming the argument, leaking no tensor', () => {
    const b = createReferenceBackend();
    const good = { anchors: b.fromArray(anchors.flat(), [5, 4]), positives: b.fromArray(positives.flat(), [5, 4]) };
    const cases: [string, Record<string, unknown>, Record<string, unknown>?][] = [
      ['anchors', { ...good, anchors: b.fromArray([1, 2], [2]) }],
      ['positives', { ...good, positives: b.fromArray(positives.flat(), [4, 5]) }],
      ['anchors', { anchors: b.fromArray([1, 2, 3, 4], [1, 4]), positives: b.fromArray([1, 2, 3, 4], [1, 4]) }],
      ['options.temperature', good, { temperature: 0 }],
      ['options.beta', good, { beta: -1 }],
      ['options.beta', good, { beta: NaN }],
      ['options.tauPlus', good, { tauPlus: 1 }],
      ['options.tauPlus', good, { tauPlus: -0.1 }],
      ['options.tauPlus', good, { tauPlus: '0.1' }],
      ['options.reduction', good, { reduction: 'max' }],
      ['options.tau_plus', good, { tau_plus: 0.1 }],
    ];
    for (const [argument, bad, options] of cases) {
      expectInputError(b, () => computeLossAndGradients(b, hcl, bad as never, options as never), argument);
    }
  });
});

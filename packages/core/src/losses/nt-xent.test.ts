import { describe, expect, it } from 'vitest';
import { computeLoss, computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { ntXent } from './nt-xent.js';

/** NT-Xent written directly from its definition in plain JavaScript (no tensor interface). */
function directNtXent(a: number[][], p: number[][], temperature: number): number {
  const z = [...a, ...p].map((row) => {
    const norm = Math.hypot(...row);
    return row.map((v) => v / norm);
  });
  const n = a.length;
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const s = z.map((row) => row.reduce((acc, v, k) => acc + v * z[i]![k]!, 0) / temperature);
    const denominator = s.reduce((acc, v, k) => (k === i ? acc : acc + Math.exp(v)), 0);
    total += -s[(i + n) % (2 * n)]! + Math.log(denominator);
  }
  return total / (2 * n);
}

describe('ntXent', () => {
  const anchors = [[1, 2, 0.5], [0.3, -1, 2], [2, 0, 1]];
  const positives = [[1.1, 1.7, 0.2], [0.1, -1.2, 2.2], [-1, 0.4, 1]];

  it('matches the definition written out directly', () => {
    const b = createReferenceBackend();
    const loss = computeLoss(b, ntXent, { anchors: b.fromArray(anchors.flat(), [3, 3]), positives: b.fromArray(positives.flat(), [3, 3]) }, { temperature: 0.2 });
    expect(b.readSync!(loss)[0]).toBeCloseTo(directNtXent(anchors, positives, 0.2), 12);
  });

  it('has gradients that agree with central finite differences', () => {
    const b = createReferenceBackend();
    const at = (a: number[][]) =>
      b.readSync!(computeLoss(b, ntXent, { anchors: b.fromArray(a.flat(), [3, 3]), positives: b.fromArray(positives.flat(), [3, 3]) }, { temperature: 0.2 }))[0]!;
    const { gradients } = computeLossAndGradients(b, ntXent, { anchors: b.fromArray(anchors.flat(), [3, 3]), positives: b.fromArray(positives.flat(), [3, 3]) }, { temperature: 0.2 });
    const analytic = b.readSync!(gradients.anchors!);
    const h = 1e-6;
    anchors.flat().forEach((_, index) => {
      const shift = (delta: number) => anchors.map((row, r) => row.map((v, c) => (r * 3 + c === index ? v + delta : v)));
      const numeric = (at(shift(h)) - at(shift(-h))) / (2 * h);
      expect(analytic[index]).toBeCloseTo(numeric, 6);
    });
  });
});

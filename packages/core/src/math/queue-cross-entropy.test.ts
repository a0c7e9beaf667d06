import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { expectClose, rows } from './fused-cross-view.test-support.js';
import { queueCrossEntropyBackward, queueCrossEntropyForward } from './queue-cross-entropy.js';

const b = createReferenceBackend();
const read = (x: ReturnType<typeof b.fill>) => Array.from(b.readSync!(x));
const dot = (x: number[], y: number[]) => x.reduce((sum, v, k) => sum + v * y[k]!, 0);
const row = (x: number[], i: number, width: number) => x.slice(i * width, (i + 1) * width);

/**
 * The stated math in float64, term by term from logit gaps (no cancellation): `l_i = log1p(sum_m exp(x_im - x_i0))`
 * with `x_i0 = scale a_i . p_i`, `x_im = scale a_i . n_m`; `q_im = exp(x_im - x_i0) / (1 + sum)`;
 * `d a_i = w_i scale sum_m q_im (n_m - p_i)`, `d p_i = -w_i scale (sum_m q_im) a_i`, `d n_m = scale sum_i w_i q_im a_i`.
 */
function expected(a: number[], p: number[], negatives: number[], n: number, m: number, width: number, scale: number, w: number[]) {
  const losses: number[] = [];
  const da = new Array<number>(n * width).fill(0);
  const dp = new Array<number>(n * width).fill(0);
  const dn = new Array<number>(m * width).fill(0);
  for (let i = 0; i < n; i += 1) {
    const ai = row(a, i, width);
    const pi = row(p, i, width);
    const terms = Array.from({ length: m }, (_, j) => Math.exp(scale * dot(ai, row(negatives, j, width).map((v, k) => v - pi[k]!))));
    const sum = terms.reduce((s, t) => s + t, 0);
    losses.push(Math.log1p(sum));
    const q = terms.map((t) => t / (1 + sum));
    for (let k = 0; k < width; k += 1) {
      da[i * width + k] = w[i]! * scale * q.reduce((s, qj, j) => s + qj * (negatives[j * width + k]! - pi[k]!), 0);
      dp[i * width + k] = -w[i]! * scale * (sum / (1 + sum)) * ai[k]!;
      q.forEach((qj, j) => { dn[j * width + k] = dn[j * width + k]! + scale * w[i]! * qj * ai[k]!; });
    }
  }
  return { losses, da, dp, dn };
}

describe('queueCrossEntropy (InfoNCE with a shared negatives matrix), float64 reference backend', () => {
  it.each([
    ['unit rows, temperature 0.1 (constant shift)', 10, true, 0],
    ['unit rows, temperature 0.01 (row maxima)', 100, true, 0],
    ['raw rows, scale 3 (row maxima)', 3, false, 0],
    ['positive within 1e-3 of its anchor, temperature 0.05 (a dominating positive, loss ~1e-9)', 20, true, 1e-3],
  ] as const)('%s: loss and all three gradients equal the stated math', (_name, scale, unit, jitter) => {
    const [n, m, width] = [5, 7, 4];
    const a = rows(n, width, 3, unit);
    const p = jitter ? a.map((x, i) => x + jitter * Math.sin(i)) : rows(n, width, 5, unit);
    const negatives = rows(m, width, 9, unit);
    const w = Array.from({ length: n }, (_, i) => 0.5 + i / 4);
    const forward = queueCrossEntropyForward(b, b.fromArray(a, [n, width]), b.fromArray(p, [n, width]), b.fromArray(negatives, [m, width]), scale, unit);
    const grads = queueCrossEntropyBackward(b, forward.saved, b.fromArray(w, [n]));
    const truth = expected(a, p, negatives, n, m, width, scale, w);
    const losses = read(forward.rowLosses);
    losses.forEach((x, i) => expect(Math.abs(x - truth.losses[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(truth.losses[i]!, 1e-300) + 1e-300));
    expectClose(read(grads.anchors), truth.da, 1e-10);
    expectClose(read(grads.positives), truth.dp, 1e-10);
    expectClose(read(grads.negatives), truth.dn, 1e-10);
  });
});

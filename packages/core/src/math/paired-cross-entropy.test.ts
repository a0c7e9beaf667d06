import { describe, expect, it } from 'vitest';
import { createFloat32RoundingBackend } from '../losses/loss-test-support.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectClose, rows } from './fused-cross-view.test-support.js';
import { pairedCrossEntropyBackward, pairedCrossEntropyForward } from './paired-cross-entropy.js';

const dot = (x: number[], y: number[]) => x.reduce((sum, v, k) => sum + v * y[k]!, 0);
const row = (x: number[], i: number, width: number) => x.slice(i * width, (i + 1) * width);

/**
 * The stated math in float64, term by term from logit gaps (no cancellation): `u_im = x_im / max(||x_im||, 1e-12)`
 * (or `x_im` unnormalised), `l_i = log1p(sum_m exp(g_im))` with `g_im = scale a_i . (u_im - p_i)`;
 * `q_im = exp(g_im) / (1 + sum)`; `d a_i = w_i scale sum_m q_im (u_im - p_i)`, `d p_i = -w_i scale (sum_m q_im) a_i`,
 * `d u_im = w_i scale q_im a_i`, then `d x_im = (d u_im - u_im (u_im . d u_im)) / ||x_im||` above the clamp,
 * `d u_im / 1e-12` at or below it (PyTorch's `F.normalize`).
 */
function expected(a: number[], p: number[], x: number[], n: number, m: number, width: number, scale: number, normalize: boolean, w: number[]) {
  const losses: number[] = [];
  const [da, dp, dx] = [new Array<number>(n * width).fill(0), new Array<number>(n * width).fill(0), new Array<number>(n * m * width).fill(0)];
  for (let i = 0; i < n; i += 1) {
    const [ai, pi] = [row(a, i, width), row(p, i, width)];
    const raw = Array.from({ length: m }, (_, j) => row(x, i * m + j, width));
    const norms = raw.map((r) => Math.hypot(...r));
    const units = raw.map((r, j) => (normalize ? r.map((v) => v / Math.max(norms[j]!, 1e-12)) : r));
    const terms = units.map((u) => Math.exp(scale * dot(ai, u.map((v, k) => v - pi[k]!))));
    const sum = terms.reduce((s, t) => s + t, 0);
    losses.push(Math.log1p(sum));
    const q = terms.map((t) => t / (1 + sum));
    for (let k = 0; k < width; k += 1) {
      da[i * width + k] = w[i]! * scale * q.reduce((s, qj, j) => s + qj * (units[j]![k]! - pi[k]!), 0);
      dp[i * width + k] = -w[i]! * scale * (sum / (1 + sum)) * ai[k]!;
    }
    units.forEach((u, j) => {
      const du = ai.map((v) => w[i]! * scale * q[j]! * v);
      const along = dot(u, du);
      const dxj = !normalize ? du : norms[j]! > 1e-12 ? du.map((v, k) => (v - u[k]! * along) / norms[j]!) : du.map((v) => v / 1e-12);
      dxj.forEach((v, k) => (dx[(i * m + j) * width + k] = v));
    });
  }
  return { losses, da, dp, dx };
}

function run<T>(b: TensorBackend<T>, a: number[], p: number[], x: number[], [n, m, width]: number[], scale: number, normalize: boolean, w: number[]) {
  const forward = pairedCrossEntropyForward(b, b.fromArray(a, [n!, width!]), b.fromArray(p, [n!, width!]), b.fromArray(x, [n!, m!, width!]), scale, normalize);
  const grads = pairedCrossEntropyBackward(b, forward.saved, b.fromArray(w, [n!]));
  const read = (t: T) => Array.from(b.readSync!(t));
  return { losses: read(forward.rowLosses), da: read(grads.anchors), dp: read(grads.positives), dx: read(grads.negatives) };
}

const [n, m, width] = [5, 3, 4];
const weights = Array.from({ length: n }, (_, i) => 0.5 + i / 4);

describe('pairedCrossEntropy (InfoNCE with paired negatives [n, m, D]), float64 reference backend', () => {
  it.each([
    ['normalised negatives, temperature 0.1 (constant shift)', 10, true, 0],
    ['normalised negatives, temperature 0.01 (row maxima)', 100, true, 0],
    ['raw rows, scale 3 (row maxima)', 3, false, 0],
    ['positive within 1e-3 of its anchor, temperature 0.05 (a dominating positive, loss ~6e-9)', 20, true, 1e-3],
  ] as const)('%s: loss and all three gradients equal the stated math', (_name, scale, normalize, jitter) => {
    const a = rows(n, width, 3, normalize);
    const p = jitter ? a.map((v, i) => v + jitter * Math.sin(i)) : rows(n, width, 5, normalize);
    // Raw negatives of assorted norms; with a dominating positive they are orthogonal to their anchor (cosine 0, so
    // each logit is `scale` below the positive's: loss about m exp(-20) = 6e-9).
    const raw = rows(n * m, width, 9, false).map((v, i) => v * (0.4 + (Math.floor(i / width) % 7)));
    const x = jitter ? raw.map((v, i) => v - dot(row(raw, Math.floor(i / width), width), row(a, Math.floor(i / width / m), width)) * a[Math.floor(i / width / m) * width + (i % width)]!) : raw;
    const actual = run(createReferenceBackend(), a, p, x, [n, m, width], scale, normalize, weights);
    const truth = expected(a, p, x, n, m, width, scale, normalize, weights);
    actual.losses.forEach((v, i) => expect(Math.abs(v - truth.losses[i]!)).toBeLessThanOrEqual(1e-12 * truth.losses[i]! + 1e-300));
    if (jitter) expect(Math.max(...truth.losses)).toBeLessThan(1e-8);
    expectClose(actual.da, truth.da, 1e-10);
    expectClose(actual.dx, truth.dx, 1e-10);
    // Every entry of the positives' gradient to its own digits: it comes from the negatives' mass, not `softmax - 1`.
    actual.dp.forEach((v, i) => expect(Math.abs(v - truth.dp[i]!)).toBeLessThanOrEqual(1e-10 * Math.abs(truth.dp[i]!) + 1e-300));
  });

  it('has gradients that agree with central finite differences of its own loss (negatives through the normalisation)', () => {
    const b = createReferenceBackend();
    const a = rows(n, width, 3, true);
    const p = rows(n, width, 5, true);
    const x = rows(n * m, width, 9, false);
    const total = (xs: number[]) => run(b, a, p, xs, [n, m, width], 10, true, weights).losses.reduce((s, v, i) => s + v * weights[i]!, 0);
    const { dx } = run(b, a, p, x, [n, m, width], 10, true, weights);
    const h = 1e-6;
    x.forEach((_, index) => {
      const shifted = (delta: number) => x.map((v, i) => (i === index ? v + delta : v));
      const numeric = (total(shifted(h)) - total(shifted(-h))) / (2 * h);
      expect(Math.abs(dx[index]! - numeric)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
    });
  });
});

describe('pairedCrossEntropy on float32 storage: negatives of any finite magnitude', () => {
  // Row magnitudes whose squared norms overflow (1e20, 1e30, 1e38), rows below the clamp (norm 1e-12) whose squares
  // underflow (1e-25, 1e-30, 1e-40: subnormal entries), a zero row, one just below the clamp and one just above it:
  // every value finite and equal to the stated math.
  const magnitudes = [1e38, 1e30, 1e20, 1, 1e-25, 1e-30, 1e-40, 0, 1e-13 / 2, 1e-11, 0.5, 2, 1e30, 1e-30, 1];
  it.each([
    ['temperature 0.1 (constant shift)', 10],
    ['temperature 0.01 (row maxima)', 100],
  ] as const)('%s', (_name, scale) => {
    const a = rows(n, width, 3, true).map(Math.fround);
    const p = rows(n, width, 5, true).map(Math.fround);
    const x = rows(n * m, width, 9, false).map((v, i) => Math.fround(v * magnitudes[Math.floor(i / width)]!));
    const actual = run(createFloat32RoundingBackend(), a, p, x, [n, m, width], scale, true, weights);
    const truth = expected(a, p, x, n, m, width, scale, true, weights);
    for (const values of Object.values(actual)) for (const v of values) expect(Number.isFinite(v)).toBe(true);
    actual.losses.forEach((v, i) => expect(Math.abs(v - truth.losses[i]!)).toBeLessThanOrEqual(2e-5 * Math.max(1, truth.losses[i]!)));
    expectClose(actual.da, truth.da, 2e-5);
    expectClose(actual.dp, truth.dp, 2e-5);
    // Each negative row against its own scale (the gradients of huge rows are tiny and of tiny rows huge), down to
    // 1e-36: below float32's normal range (1.2e-38) a true gradient rounds to a subnormal or 0.
    for (let r = 0; r < n * m; r += 1) {
      const truthRow = row(truth.dx, r, width);
      const largest = Math.max(...truthRow.map(Math.abs));
      row(actual.dx, r, width).forEach((v, k) => expect(Math.abs(v - truthRow[k]!), `row ${r}`).toBeLessThanOrEqual(2e-5 * largest + 1e-36));
    }
  });
});

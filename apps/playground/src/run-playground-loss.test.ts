import { createReferenceBackend } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { sampleEmbeddings, type EmbeddingSample } from './embedding-sample.js';
import { findPlaygroundLoss, playgroundLosses } from './playground-losses.js';
import { runPlaygroundLoss } from './run-playground-loss.js';

/** NT-Xent written directly from its definition (docs/losses/nt-xent.md, "Exact definition"), float64. */
function plainNtXent(anchors: ArrayLike<number>, positives: ArrayLike<number>, n: number, d: number, temperature: number): number {
  const rows: number[][] = [];
  for (const source of [anchors, positives]) {
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: d }, (_, k) => source[i * d + k]!);
      const norm = Math.max(Math.hypot(...row), 1e-12);
      rows.push(row.map((v) => v / norm));
    }
  }
  const s = (i: number, k: number) => rows[i]!.reduce((acc, v, c) => acc + v * rows[k]![c]!, 0) / temperature;
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    let lse = 0;
    for (let k = 0; k < 2 * n; k++) if (k !== i) lse += Math.exp(s(i, k));
    total += -s(i, (i + n) % (2 * n)) + Math.log(lse);
  }
  return total / (2 * n);
}

const sample: EmbeddingSample = sampleEmbeddings({ batchSize: 4, dimension: 3, noise: 0.5, seed: 11 });

describe('runPlaygroundLoss on the reference backend', () => {
  it.each(playgroundLosses.map((loss) => [loss.name, loss] as const))('%s: finite loss and gradient norms, no leaks', async (_, loss) => {
    const backend = createReferenceBackend();
    const run = await runPlaygroundLoss(backend, loss, sample, 0.2);
    expect(Number.isFinite(run.loss)).toBe(true);
    expect(Object.keys(run.gradientNorms).length).toBeGreaterThan(0);
    for (const norm of Object.values(run.gradientNorms)) expect(Number.isFinite(norm)).toBe(true);
    expect(run.leakedTensors).toBe(0);
    expect(backend.liveCount()).toBe(0);
  });

  it('NT-Xent: the loss equals the definition and the anchors gradient norm equals finite differences', async () => {
    const temperature = 0.3;
    const run = await runPlaygroundLoss(createReferenceBackend(), findPlaygroundLoss('ntXent'), sample, temperature);
    const { anchors, positives, batchSize: n, dimension: d } = sample;
    expect(run.loss).toBeCloseTo(plainNtXent(anchors, positives, n, d, temperature), 10);
    const h = 1e-6;
    let squared = 0;
    for (let k = 0; k < anchors.length; k++) {
      const up = Float64Array.from(anchors);
      const down = Float64Array.from(anchors);
      up[k] = up[k]! + h;
      down[k] = down[k]! - h;
      squared += ((plainNtXent(up, positives, n, d, temperature) - plainNtXent(down, positives, n, d, temperature)) / (2 * h)) ** 2;
    }
    expect(run.gradientNorms['anchors']).toBeCloseTo(Math.sqrt(squared), 6);
  });

  it('falls back to NT-Xent for an unknown loss name', () => {
    expect(findPlaygroundLoss('no-such-loss').name).toBe('ntXent');
  });
});

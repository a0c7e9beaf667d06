import { computeLoss, computeLossAndGradients, ntXent } from '@contrastive/core';
import { it } from 'vitest';
import { randomValues } from '../test/compare.js';
import { createNodeBackend } from '../test/node-gpu.js';

it('profile', { timeout: 600000 }, async () => {
  const pairs = 1024, dimension = 128;
  for (const fused of [true, false]) {
    const b = await createNodeBackend({ fused });
    const a = b.fromArray(randomValues(pairs * dimension, 1), [pairs, dimension]);
    const p = b.fromArray(randomValues(pairs * dimension, 2), [pairs, dimension]);
    await b.read(computeLoss(b, ntXent, { anchors: a, positives: p }));
    let t = performance.now();
    await b.read(computeLoss(b, ntXent, { anchors: a, positives: p }));
    const f = performance.now() - t;
    t = performance.now();
    const r = computeLossAndGradients(b, ntXent, { anchors: a, positives: p });
    await b.read(r.gradients.anchors!);
    console.log({ fused, forward: f, both: performance.now() - t });
    const m = b.fromArray(randomValues(2048 * 128, 3), [2048, 128]);
    t = performance.now();
    await b.read(b.matmul(m, m, { transposeB: true }));
    console.log({ matmul: performance.now() - t });
    b.destroy();
  }
});

import { computeLossAndGradients, ntXent } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { chunkedNtXent } from '../test/chunked-nt-xent-reference.js';
import { expectClose, randomValues } from '../test/compare.js';
import { createNodeBackend } from '../test/node-gpu.js';

/**
 * NT-Xent forward + backward at N = 16384 pairs, D = 128 on the fused path: the [32768, 32768] float32 similarity
 * matrix alone would be 4 GiB, far above the 128 MiB binding limit. Slow on a software adapter (minutes), so it
 * runs only with CONTRASTIVE_WEBGPU_SCALE=1 (CONTRASTIVE_WEBGPU_SCALE_PAIRS overrides N for a quicker run).
 * The reference is float64 JavaScript streamed in row blocks: the full loss, and gradient rows at 32 samples.
 */
const enabled = process.env.CONTRASTIVE_WEBGPU_SCALE === '1';
const pairs = Number(process.env.CONTRASTIVE_WEBGPU_SCALE_PAIRS ?? 16384);
const dimension = 128;
const temperature = 0.5;

const gate = enabled ? '' : ' (skipped: the scale check runs in .ci/run, or set CONTRASTIVE_WEBGPU_SCALE=1)';
describe.skipIf(!enabled)(`NT-Xent at N = ${pairs} pairs, D = ${dimension} (fused, Dawn)${gate}`, () => {
  it('matches the chunked float64 reference without ever allocating N x N', { timeout: 3_600_000 }, async () => {
    const backend = await createNodeBackend();
    const anchorValues = Float32Array.from(randomValues(pairs * dimension, 17));
    const positiveValues = Float32Array.from(randomValues(pairs * dimension, 23));
    const started = performance.now();
    const anchors = backend.fromArray(anchorValues, [pairs, dimension]);
    const positives = backend.fromArray(positiveValues, [pairs, dimension]);
    const { loss, gradients } = computeLossAndGradients(backend, ntXent, { anchors, positives }, { temperature, reduction: 'sum' });
    const lossValue = (await backend.read(loss))[0]!;
    const anchorGradient = await backend.read(gradients.anchors!);
    const positiveGradient = await backend.read(gradients.positives!);
    const seconds = (performance.now() - started) / 1000;
    const stats = backend.poolStats();
    console.log(JSON.stringify({ pairs, dimension, device: backend.adapterInfo, seconds, largestBufferBytes: stats.largestBufferBytes, peakAllocatedBytes: stats.peakAllocatedBytes }));

    const rows = 2 * pairs;
    expect(stats.largestBufferBytes).toBeLessThanOrEqual(BufferBytesOf(rows, dimension));
    // Peak memory is a handful of [rows, D] buffers (normalisation intermediates, gradients): O(N D), not O(N^2).
    expect(stats.peakAllocatedBytes).toBeLessThan(32 * BufferBytesOf(rows, dimension));

    const referenceStarted = performance.now();
    const reference = chunkedNtXent(anchorValues, positiveValues, pairs, dimension, temperature);
    console.log(JSON.stringify({ referenceSeconds: (performance.now() - referenceStarted) / 1000 }));
    expect(Math.abs(lossValue - reference.loss) / reference.loss).toBeLessThan(1e-4);
    for (let sample = 0; sample < 32; sample++) {
      const row = Math.floor(((sample + 0.5) / 32) * rows);
      const source = row < pairs ? anchorGradient : positiveGradient;
      const offset = (row % pairs) * dimension;
      const expected = reference.gradientRow(row);
      const scale = Math.max(...expected.map(Math.abs));
      expectClose(source.subarray(offset, offset + dimension), expected, 1e-3, 1e-3 * scale);
    }
    for (const t of [loss, gradients.anchors!, gradients.positives!, anchors, positives]) backend.dispose(t);
    expect(backend.liveCount()).toBe(0);
    backend.destroy();
  });
});

/** Bytes of the pool's rounded buffer for a [rows, dimension] float32 matrix (the largest the fused path needs). */
function BufferBytesOf(rows: number, columns: number): number {
  return Math.ceil((rows * columns * 4) / 2 ** 20) * 2 ** 20;
}

import { describe, expect, it } from 'vitest';
import { dawnRunner } from './webgpu-dawn-runner.js';
import type { WebGpuPairCell } from './webgpu-cell.js';

/**
 * The Dawn runner end to end on this machine's adapter (Dawn from the `webgpu` package; Mesa's lavapipe where there
 * is no GPU): each probe and cell in its own process, as `pnpm bench:webgpu` runs them. Small N, no timings checked.
 */
const options = { dawnOptions: [], powerPreference: 'high-performance', budgetSeconds: 1 } as const;
const adapter = await dawnRunner(options).probe();
const gate = adapter.ok ? '' : ` (skipped: no Dawn adapter here: ${adapter.error})`;
const dawnLoads = adapter.ok || !adapter.error.includes('loading Dawn');

describe('the Dawn runner', () => {
  it.skipIf(!dawnLoads)(`records why there is no adapter instead of failing: a backend Dawn does not have on this OS${dawnLoads ? '' : gate}`, { timeout: 120_000 }, async () => {
    const report = await dawnRunner({ ...options, dawnOptions: ['backend=d3d12'] }).probe();
    expect(report).toEqual({ ok: false, error: expect.stringMatching(/requestAdapter\(.*\) returned null/) });
  });

  it.skipIf(!adapter.ok)(`runs NT-Xent on the fused and the composed path in interleaved rounds; the fused keeps fewer buffer bytes${gate}`, { timeout: 240_000 }, async () => {
    expect(adapter).toMatchObject({ ok: true, vendor: expect.any(String), description: expect.any(String) });
    const cell: WebGpuPairCell = { runner: 'webgpu-dawn', loss: 'nt-xent', pairs: 128, dimension: 16, temperature: 0.5 };
    const { fused, composed } = await dawnRunner(options).measure(cell, ['fused', 'composed']);
    if (fused?.status !== 'ok' || composed?.status !== 'ok') throw new Error(`a path failed: ${JSON.stringify([fused, composed])}`);
    expect(fused.interleaved && composed.interleaved).toBe(true);
    expect(fused.runs).toBe(composed.runs);
    expect(fused.fusedCallsPerStep).toBeGreaterThan(0);
    expect(composed.fusedCallsPerStep).toBe(0);
    expect(fused.lossValue).toBeCloseTo(composed.lossValue, 4);
    expect(fused.runs).toBe(fused.timesMs.length);
    // The composed path keeps [256, 256] similarity-sized buffers; the fused one nothing of size N x N.
    expect(fused.peakBufferBytes).toBeLessThan(composed.peakBufferBytes);
    expect(composed.largestBufferBytes).toBeGreaterThanOrEqual(256 * 256 * 4);
    expect(fused.largestBufferBytes).toBeLessThan(256 * 256 * 4);
  });
});

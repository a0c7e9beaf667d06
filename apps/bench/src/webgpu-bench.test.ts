import { describe, expect, it } from 'vitest';
import { parseWebGpuBenchOptions, webGpuBackendsOnly } from './webgpu-bench-options.js';
import { predictedMs, skipReason, webGpuCells } from './webgpu-bench-plan.js';
import { describeAdapterReport, pathRatios, renderWebGpuMarkdown, type WebGpuBenchResults } from './webgpu-bench-results.js';
import type { WebGpuCell, WebGpuMeasurement, WebGpuRow } from './webgpu-cell.js';
import { machineInfo } from './machine-info.js';
import { measureOrSplit } from './webgpu-dawn-runner.js';

const measured = (medianMs: number, peakBufferBytes: number): WebGpuMeasurement => ({
  warmupMs: medianMs, runs: 3, timesMs: [medianMs, medianMs, medianMs], medianMs, lossValue: 7.5, fusedCallsPerStep: 0,
  peakBufferBytes, largestBufferBytes: peakBufferBytes / 4, inputBufferBytes: 2 ** 20, createdBuffers: 40, interleaved: true,
});
const cellOf = (path: WebGpuCell['path'], pairs: number): WebGpuCell => ({ runner: 'webgpu-dawn', loss: 'nt-xent', path, pairs, dimension: 128, temperature: 0.5 });

describe('pnpm bench:webgpu options', () => {
  it('defaults to Dawn, NT-Xent and CLIP, N up to 2048, D = 128, writing out/webgpu.*; --record writes results/', () => {
    expect(parseWebGpuBenchOptions([])).toMatchObject({ runners: ['webgpu-dawn'], losses: ['nt-xent', 'clip'], sizes: [256, 512, 1024, 2048], dimensions: [128], outputDirectory: 'out', name: 'webgpu', record: false, powerPreference: 'high-performance' });
    expect(parseWebGpuBenchOptions(['--record'])).toMatchObject({ outputDirectory: 'results', record: true });
    const options = parseWebGpuBenchOptions(['--backends', 'webgpu-dawn,webgpu-chromium', '--losses=clip', '--n', '64,32', '--temperature', 'default,0.01', '--dawn-options', 'backend=vulkan,adapter=NVIDIA', '--power', 'low-power']);
    expect(options).toMatchObject({ runners: ['webgpu-dawn', 'webgpu-chromium'], losses: ['clip'], sizes: [64, 32], temperatures: [undefined, 0.01], dawnOptions: ['backend=vulkan', 'adapter=NVIDIA'], powerPreference: 'low-power' });
  });

  it('rejects what it cannot run, naming the flag', () => {
    expect(() => parseWebGpuBenchOptions(['--backends', 'ort-node'])).toThrow(/--backends/);
    expect(() => parseWebGpuBenchOptions(['--losses', 'sig-lip'])).toThrow(/--losses/);
    expect(() => parseWebGpuBenchOptions(['--n', '0'])).toThrow(/--n/);
    expect(() => parseWebGpuBenchOptions(['--temperature', '-1'])).toThrow(/--temperature/);
    expect(() => parseWebGpuBenchOptions(['--name', '../x'])).toThrow(/--name/);
    expect(() => parseWebGpuBenchOptions(['--quick'])).toThrow(/unknown flag/);
  });
});

describe('pnpm bench --backends webgpu-dawn', () => {
  it('hands the run to the WebGPU bench, and refuses to mix it with the main grid\'s backends', () => {
    expect(webGpuBackendsOnly(['--backends', 'webgpu-dawn', '--n', '256'])).toBe(true);
    expect(webGpuBackendsOnly(['--backends=webgpu-chromium,webgpu-dawn'])).toBe(true);
    expect(webGpuBackendsOnly(['--backends', 'ort-node'])).toBe(false);
    expect(webGpuBackendsOnly(['--quick'])).toBe(false);
    expect(() => webGpuBackendsOnly(['--backends', 'ort-node,webgpu-dawn'])).toThrow(/webgpu-dawn run in their own bench .* run ort-node separately/);
  });
});

describe('the plan', () => {
  it('runs every N (both paths in one cell), smallest N first, each loss at its default temperature once', () => {
    const cells = webGpuCells(parseWebGpuBenchOptions(['--n', '512,256', '--temperature', 'default,0.5', '--losses', 'nt-xent']));
    expect(cells.map((c) => `${c.pairs} ${c.temperature}`)).toEqual(['256 0.5', '512 0.5']);
    expect(webGpuCells(parseWebGpuBenchOptions(['--n', '256', '--losses', 'clip']))[0]!.temperature).toBe(0.07);
  });

  it('skips a cell whose run, predicted as N^2 from the same path\'s previous N, is over the budget', () => {
    const done: WebGpuRow[] = [{ ...cellOf('fused', 512), status: 'ok', ...measured(2000, 1) }, { ...cellOf('composed', 512), status: 'failed', reason: 'out of memory' }];
    expect(predictedMs(cellOf('fused', 1024), done)).toBe(8000);
    expect(skipReason(cellOf('fused', 1024), done, 10)).toBeUndefined();
    expect(skipReason(cellOf('fused', 2048), done, 10)).toMatch(/predicted at 32\.0 s .* over --budget 10 s/);
    expect(skipReason(cellOf('composed', 2048), done, 10)).toBeUndefined(); // nothing measured to predict from
  });
});

describe('measureOrSplit', () => {
  it('measures the paths together, and each alone (one after the other) when the process running both died', async () => {
    const attempts: string[][] = [];
    const outcomes = await measureOrSplit(['fused', 'composed'], async (paths) => {
      attempts.push([...paths]);
      if (paths.includes('composed')) return 'Dawn aborted (killed by SIGABRT)';
      return { fused: { status: 'ok', ...measured(5, 1), interleaved: false } };
    });
    expect(attempts).toEqual([['fused', 'composed'], ['fused'], ['composed']]);
    expect(outcomes.fused).toMatchObject({ status: 'ok', interleaved: false });
    expect(outcomes.composed).toEqual({ status: 'failed', reason: 'Dawn aborted (killed by SIGABRT)' });
  });
});

describe('results', () => {
  const rows: WebGpuRow[] = [
    { ...cellOf('fused', 1024), status: 'ok', ...measured(300, 16 * 2 ** 20), timesMs: [300, 400, 200] },
    { ...cellOf('composed', 1024), status: 'ok', ...measured(600, 320 * 2 ** 20), timesMs: [600, 1000, 800] },
    { ...cellOf('fused', 4096), status: 'ok', ...measured(4000, 64 * 2 ** 20) },
    { ...cellOf('composed', 4096), status: 'failed', reason: 'WebGpuOutOfMemoryError: a [8192, 8192] tensor is over the 128 MiB binding limit' },
  ];

  it('gives fused / composed for time and peak bytes where both paths measured', () => {
    expect(pathRatios(rows)).toEqual([{ runner: 'webgpu-dawn', loss: 'nt-xent', pairs: 1024, dimension: 128, temperature: 0.5, timeRatio: 0.5, roundTimeRatio: 0.4, peakBytesRatio: 0.05 }]);
    const alone = rows.map((r) => (r.status === 'ok' ? { ...r, interleaved: false } : r));
    expect(pathRatios(alone)[0]!.roundTimeRatio).toBeUndefined();
  });

  it('renders the adapter, or why there was none, the ratios and every row with its reason', () => {
    const results: WebGpuBenchResults = {
      generatedAt: '2026-12-01T00:00:00.000Z', command: 'pnpm bench:webgpu', machine: machineInfo(), dawnVersion: '0.6.2',
      adapters: {
        'webgpu-dawn': { ok: true, vendor: 'nvidia', architecture: 'hopper', device: 'H200', description: 'NVIDIA H200', isFallbackAdapter: false, features: [], maxStorageBufferBindingSize: 2 ** 31, maxBufferSize: 2 ** 32 },
        'webgpu-chromium': { ok: false, error: 'requestAdapter({}) returned null (no usable driver)' },
      },
      rows, ratios: pathRatios(rows), notes: ['a note'],
    };
    const markdown = renderWebGpuMarkdown(results);
    expect(markdown).toContain('`webgpu-dawn`: nvidia / hopper / H200 / NVIDIA H200; maxStorageBufferBindingSize 2.00 GiB');
    expect(markdown).toContain('`webgpu-chromium`: no adapter: requestAdapter({}) returned null (no usable driver)');
    expect(markdown).toContain('| webgpu-dawn | nt-xent | 1024 | 128 | 0.5 | 0.50x | 0.40x | 0.050x |');
    expect(markdown).toContain('over the 128 MiB binding limit');
    expect(describeAdapterReport(undefined)).toBe('not probed');
  });
});

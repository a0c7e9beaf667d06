import { describe, expect, it } from 'vitest';
import { planCells, plannedFused } from './bench-plan.js';
import { largeTemperature } from './large-cells.js';
import { outputDirectoryFor, parseBenchOptions, recordDirectory, scratchDirectory } from './cli-options.js';
import { jemallocConf, pytorchSetup } from './pytorch-runner.js';

describe('where a run writes', () => {
  it('ad-hoc runs (--quick included) go to the ignored out/; only --record writes the committed results/', () => {
    expect(scratchDirectory).toBe('out');
    expect(recordDirectory).toBe('results');
    expect(parseBenchOptions(['--quick'])).toMatchObject({ outputDirectory: 'out', name: 'quick', record: false });
    expect(parseBenchOptions([])).toMatchObject({ outputDirectory: 'out', name: 'latest' });
    expect(parseBenchOptions(['--record'])).toMatchObject({ outputDirectory: 'results', name: 'latest', record: true });
    expect(parseBenchOptions(['--checks-only', '--record']).outputDirectory).toBe('results');
    expect(parseBenchOptions(['--out', '/tmp/x']).outputDirectory).toBe('/tmp/x');
    expect(outputDirectoryFor(true, 'elsewhere')).toBe('elsewhere');
    expect(outputDirectoryFor(false, undefined)).toBe('out');
  });
});

describe('--temperature', () => {
  it('takes numbers > 0 and "default"; every cell carries its temperature', () => {
    expect(parseBenchOptions([]).temperatures).toEqual([undefined]);
    expect(parseBenchOptions(['--temperature', '0.01']).temperatures).toEqual([0.01]);
    expect(parseBenchOptions(['--temperature=default,0.01']).temperatures).toEqual([undefined, 0.01]);
    expect(() => parseBenchOptions(['--temperature', '0'])).toThrow(/--temperature/);
    expect(() => parseBenchOptions(['--temperature', 'cold'])).toThrow(/--temperature/);
    const options = parseBenchOptions(['--n', '256', '--d', '128', '--losses', 'nt-xent,info-nce', '--backends', 'ort-node,pytorch,pytorch-stock', '--temperature', 'default,0.01,0.1']);
    const { cells } = planCells(options);
    // info-nce's default is 0.1: its default and 0.1 are one cell per backend.
    expect(cells.map((c) => `${c.loss}@${c.temperature}`).sort()).toEqual([
      ...['0.01', '0.01', '0.01', '0.1', '0.1', '0.1'].map((t) => `info-nce@${t}`),
      ...['0.01', '0.01', '0.01', '0.1', '0.1', '0.1', '0.5', '0.5', '0.5'].map((t) => `nt-xent@${t}`),
    ]);
    expect(cells.filter((c) => c.kind === 'pytorch').map((c) => c.kind === 'pytorch' && c.allocator)).toContain('stock');
  });

  it('NT-Xent is planned fused down to T = 0.001 (row-maximum shifts); below it, with the composed memory: N = 16384 on ORT is skipped, not run', () => {
    expect(plannedFused({ loss: 'nt-xent', temperature: 0.5 })).toBe(true);
    expect(plannedFused({ loss: 'nt-xent', temperature: 0.01 })).toBe(true);
    expect(plannedFused({ loss: 'nt-xent', temperature: 0.0005 })).toBe(false);
    expect(plannedFused({ loss: 'clip', temperature: 0.5 })).toBe(false);
    expect(largeTemperature([0.0005, 0.1])).toBe(0.1);
    expect(largeTemperature([0.0005])).toBe(0.5);
    const { cells, skipped } = planCells(parseBenchOptions(['--n', '16384', '--d', '128', '--losses', 'nt-xent', '--backends', 'ort-node', '--temperature', '0.1,0.0005']));
    expect(cells.map((c) => c.temperature)).toEqual([0.1]);
    expect(skipped.map((s) => [s.temperature, s.reason])).toEqual([[0.0005, expect.stringMatching(/does not bound memory/)]]);
  });
});

describe('PyTorch setup', () => {
  const exists = (present: readonly string[]) => (path: string) => present.includes(path);

  it('tuned: jemalloc preloaded and retaining memory, OpenBLAS first on the library path', () => {
    const setup = pytorchSetup('tuned', {}, exists(['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3']));
    expect(setup.missing).toBeUndefined();
    expect(setup.env).toMatchObject({ LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', MALLOC_CONF: jemallocConf, LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-pthread', OMP_NUM_THREADS: '2' });
    expect(jemallocConf).toBe('retain:true,dirty_decay_ms:-1,muzzy_decay_ms:-1');
  });

  it('stock: the same BLAS, no preload; tuned without jemalloc says what to install', () => {
    const present = exists(['/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3']);
    const stock = pytorchSetup('stock', {}, present);
    expect(stock.env['LD_PRELOAD']).toBeUndefined();
    expect(stock.env['LD_LIBRARY_PATH']).toBe('/usr/lib/x86_64-linux-gnu/openblas-openmp');
    expect(pytorchSetup('tuned', {}, present).missing).toMatch(/libjemalloc2/);
    expect(pytorchSetup('tuned', { BENCH_JEMALLOC: '/opt/j.so' }, present).env['LD_PRELOAD']).toBe('/opt/j.so');
    expect(pytorchSetup('stock', {}, exists([])).description).toMatch(/no Debian OpenBLAS build found/);
  });
});

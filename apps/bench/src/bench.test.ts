import { describe, expect, it } from 'vitest';
import { computeLoss, createReferenceBackend, ntXent } from '@contrastive/core';
import { largeCell, largeClipCell } from './large-cells.js';
import { blockRowsFor, checksBackend, checksCells, ortFusedBlockRows, liveMatrices, planCells } from './bench-plan.js';
import { checkCosts, compare, floorFor, type Row } from './bench-results.js';
import { lossNames, parseBenchOptions } from './cli-options.js';
import { formatBytes, formatMs } from './format.js';
import { renderMarkdown, targetSummary } from './render-markdown.js';
import { decadeTicks, renderChecksSvg, renderSvg } from './render-svg.js';
import { summarizeFailure } from './child-process.js';
import { flopCount, floorMilliseconds, median, medianPairedDifference, runsWithin, warmupRuns } from './statistics.js';
import { timeInterleaved } from './measure.js';

const row = (backend: string, medianMs: number, extra: Partial<Row> = {}): Row => ({
  backend, ours: !backend.startsWith('naive') && backend !== 'pytorch', loss: 'nt-xent', pairs: 4096, dimension: 128, status: 'ok', medianMs, runs: 3, ...extra,
});

describe('statistics', () => {
  it('median of odd and even counts, order-independent', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow();
  });

  it('flop count: NT-Xent 16 N^2 D (R = 2N, one symmetric backward product), CLIP 6 N^2 D', () => {
    // N = 4096, D = 128: forward 2 * 8192^2 * 128 = 17,179,869,184; backward the same.
    const ntXent = flopCount('nt-xent', 4096, 128);
    expect(ntXent.forward).toBe(2 * 8192 * 8192 * 128);
    expect(ntXent.backward).toBe(ntXent.forward);
    expect(ntXent.total).toBe(16 * 4096 * 4096 * 128);
    expect(flopCount('sup-con', 4096, 128).total).toBe(ntXent.total);
    const clip = flopCount('clip', 1000, 10);
    expect(clip.forward).toBe(2 * 1000 * 1000 * 10);
    expect(clip.total).toBe(6 * 1000 * 1000 * 10);
  });

  it('floor = forward flops / forward rate + backward flops / backward rate, in ms', () => {
    const flops = flopCount('nt-xent', 4096, 128);
    expect(floorMilliseconds(flops, 100e9, 200e9)).toBeCloseTo((17179869184 / 100e9 + 17179869184 / 200e9) * 1000, 9);
  });

  it('runs fit the budget, between 1 and 5', () => {
    expect(runsWithin(10_000, 1000)).toBe(5);
    expect(runsWithin(10_000, 3000)).toBe(3);
    expect(runsWithin(10_000, 60_000)).toBe(1);
    expect(warmupRuns(90_000, 1000)).toBe(3);
    expect(warmupRuns(90_000, 4000)).toBe(1);
    expect(warmupRuns(0, 0)).toBe(1);
    expect(runsWithin(10_000, 0)).toBe(5);
  });
});

describe('options and plan', () => {
  it('parses flags and rejects unknown ones', () => {
    const options = parseBenchOptions(['--quick', '--losses', 'clip', '--backends=ort-node,pytorch', '--d', '64']);
    expect(options.sizes).toEqual([256, 1024]);
    expect(options.losses).toEqual(['clip']);
    expect(options.backends).toEqual(['ort-node', 'pytorch']);
    expect(options.dimensions).toEqual([64]);
    expect(parseBenchOptions(['--n', '512']).sizes).toEqual([512]);
    expect(() => parseBenchOptions(['--losses', 'triplet'])).toThrow(/--losses/);
    expect(() => parseBenchOptions(['--fast'])).toThrow(/unknown flag/);
  });

  it('block rows keep liveMatrices block-sized float32 matrices under the byte limit', () => {
    const rows = 131072;
    const block = blockRowsFor(rows, 2 ** 30);
    expect(liveMatrices * block * rows * 4).toBeLessThanOrEqual(2 ** 30);
    expect(liveMatrices * 2 * block * rows * 4).toBeGreaterThan(2 ** 30);
    expect(blockRowsFor(16, 2 ** 30)).toBe(16);
  });

  it('every requested cell is either planned or skipped with a reason', () => {
    const options = parseBenchOptions(['--n', '256,16384', '--d', '128', '--backends', 'reference,tfjs-cpu,pytorch,naive-tfjs-wasm']);
    const { cells, skipped } = planCells(options);
    // reference and tfjs-cpu: every loss x 2 sizes; pytorch: every loss; the naive forms: NT-Xent only.
    expect(cells.filter((c) => c.kind === 'loss').length + skipped.filter((s) => s.backend === 'reference' || s.backend === 'tfjs-cpu').length).toBe(lossNames.length * 2 * 2);
    expect(cells.filter((c) => c.kind === 'pytorch').length + skipped.filter((s) => s.backend === 'pytorch').length).toBe(lossNames.length * 2);
    expect(skipped.every((s) => s.reason.length > 0)).toBe(true);
    expect(skipped.find((s) => s.backend === 'pytorch' && s.pairs === 16384)?.reason).toMatch(/GiB/);
  });

  it('NT-Xent on ONNX Runtime is planned on the fused kernel, in symmetric block pairs (T >= 1/40) or row blocks above 256 MiB, never through withChunking', () => {
    const { cells } = planCells(parseBenchOptions(['--n', '4096,16384', '--d', '128', '--losses', 'nt-xent', '--backends', 'ort-node']));
    expect(cells.map((c) => [c.pairs, c.kind === 'loss' && c.blockRows, c.kind === 'loss' && c.note])).toEqual([
      [4096, undefined, undefined],
      [16384, undefined, expect.stringMatching(/symmetric block pairs of 2048 rows/)],
    ]);
    // Below temperature 1/40 (row maxima) the pairs do not apply: row blocks.
    const cold = planCells(parseBenchOptions(['--n', '16384', '--d', '128', '--losses', 'nt-xent', '--backends', 'ort-node', '--temperature', '0.01']));
    expect(cold.cells.map((c) => c.kind === 'loss' && c.note)).toEqual([expect.stringMatching(/row blocks of 2048/)]);
    // 8192 rows: one 8192 x 8192 float32 block is exactly 256 MiB.
    expect(ortFusedBlockRows(8192)).toBe(8192);
    // --large: 16 MiB bounds square blocks to sqrt(2^22) = 2048 rows, 131072 / 2048 = 64 blocks per side (the pairs'
    // limit); below temperature 1/40 row blocks of 2^26 / (4 x 131072) = 128 rows.
    const large = largeCell();
    expect(large).toMatchObject({ kind: 'loss', engine: 'ort-node', pairs: 65536, dimension: 128, maxBlockBytes: 2 ** 24, memoryPattern: false });
    expect(large.kind === 'loss' && large.note).toMatch(/symmetric block pairs of 2048 rows \(maxBlockBytes 16 MiB, 64 blocks per side/);
    const coldLarge = largeCell(0.01);
    expect(coldLarge).toMatchObject({ maxBlockBytes: 2 ** 26 });
    expect(coldLarge.kind === 'loss' && coldLarge.note).toMatch(/row blocks of 128 \(maxBlockBytes 64 MiB/);
    expect(ortFusedBlockRows(131072, 2 ** 26)).toBe(128);
    // CLIP at N = 65536: 64 MiB row blocks of 2^26 / (4 x 65536) = 256 rows.
    const clipLarge = largeClipCell();
    expect(clipLarge).toMatchObject({ kind: 'loss', engine: 'ort-node', loss: 'clip', pairs: 65536, dimension: 128, temperature: 0.07, memoryPattern: false });
    expect(clipLarge.kind === 'loss' && clipLarge.note).toMatch(/row blocks of 256 \(64 MiB each/);
  });
});

describe('results', () => {
  const rates = { 'ort-node': [{ rows: 8192, dimension: 128, forwardFlopsPerSecond: 100e9, backwardFlopsPerSecond: 50e9, forwardMs: 0, backwardMs: 0, runs: 3 }], 'tfjs-wasm': [{ rows: 8192, dimension: 128, forwardFlopsPerSecond: 20e9, backwardFlopsPerSecond: 80e9, forwardMs: 0, backwardMs: 0, runs: 3 }] };

  it('the floor takes the faster engine per product shape', () => {
    const floor = floorFor('nt-xent', 4096, 128, rates)!;
    expect(floor.forwardEngine).toBe('ort-node');
    expect(floor.backwardEngine).toBe('tfjs-wasm');
    expect(floor.floorMs).toBeCloseTo((17179869184 / 100e9 + 17179869184 / 80e9) * 1000, 6);
    expect(floorFor('nt-xent', 4096, 512, rates)).toBeUndefined();
  });

  it('ratios: ours / PyTorch, naive (SimCLR form) / ours, ours / floor', () => {
    const rows = [row('ort-node', 500), row('tfjs-wasm', 4000), row('pytorch', 2000), row('naive-tfjs-wasm (simclr-info-nce)', 8000), row('naive-tfjs-wasm (origin-contrastive-loss)', 100), row('ort-web-wasm', 0, { status: 'failed', medianMs: undefined })];
    const [c] = compare(rows, [floorFor('nt-xent', 4096, 128, rates)!]);
    expect(c!.fastest).toEqual({ backend: 'ort-node', medianMs: 500 });
    expect(c!.vsPytorch).toBe(0.25);
    expect(c!.naiveOverFastest).toBe(16);
    expect(c!.naiveOverSameBackend).toBe(2);
    expect(c!.vsFloor).toBeCloseTo(500 / c!.floorMs!, 12);
    expect(targetSummary([c!])).toMatch(/0\.25x \| met/);
  });

  it('when the SimCLR form crashes, the naive target is judged against the origin form on the same backend', () => {
    const failed = { status: 'failed' as const, medianMs: undefined };
    const rows = [row('ort-node', 100), row('tfjs-wasm', 1000), row('naive-tfjs-wasm (simclr-info-nce)', 0, failed), row('naive-tfjs-wasm (origin-contrastive-loss)', 4000)];
    const [c] = compare(rows, []);
    expect(c!.naive).toBeUndefined();
    expect(c!.originOverSameBackend).toBe(4);
    expect(targetSummary([c!])).toMatch(/same backend 4\.00x \| met \(vs the lighter origin form/);
    const slow = compare([row('ort-node', 100), row('tfjs-wasm', 2000), row('naive-tfjs-wasm (origin-contrastive-loss)', 4000)], []);
    expect(targetSummary(slow)).toMatch(/\| missed \(vs the lighter origin form/);
  });
});

describe('rendering', () => {
  it('formats times and sizes', () => {
    expect(formatMs(1.234)).toBe('1.23 ms');
    expect(formatMs(2345)).toBe('2.35 s');
    expect(formatMs(undefined)).toBe('–');
    expect(formatBytes(3 * 2 ** 30)).toBe('3.00 GiB');
    expect(formatBytes(5 * 2 ** 20)).toBe('5 MiB');
  });

  it('markdown has the target table, every row, and escapes pipes', () => {
    const rows = [row('ort-node', 500), row('pytorch', 2000), row('tfjs-wasm', 0, { status: 'skipped', medianMs: undefined, reason: 'a | b' })];
    const md = renderMarkdown({
      generatedAt: 'now', command: 'pnpm bench', pytorch: { available: true, detail: '1.13' }, matmulRates: {}, rows, floors: [], comparisons: compare(rows, []), notes: ['n'],
      machine: { cpuModel: 'cpu', cpuCount: 2, totalMemoryBytes: 2 ** 30, platform: 'linux', node: 'v20', loadAverageAtStart: [1, 2, 3], versions: {}, blas: 'openblas' },
    });
    expect(md).toContain('## Targets (issue 7)');
    expect(md).toContain('| nt-xent | 4096 | 128 | – | ort-node | 500 ms (3)');
    expect(md).toContain('skipped: a \\| b');
  });

  it('decade ticks cover the range', () => {
    expect(decadeTicks(3, 450)).toEqual([1, 10, 100, 1000]);
    expect(decadeTicks(10, 10)).toEqual([10, 100]);
  });

  it('SVG: one polyline per backend and panel, points ordered by N, skipped rows left out', () => {
    const rows = [row('ort-node', 100, { pairs: 1024 }), row('ort-node', 10, { pairs: 256 }), row('pytorch', 50, { pairs: 256 }), row('tfjs-wasm', 0, { status: 'skipped', medianMs: undefined })];
    const svg = renderSvg(rows, 'title <x>');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('title &lt;x&gt;');
    expect(svg.match(/<polyline/g)?.length).toBe(2);
    expect(svg).not.toContain('tfjs-wasm');
    const points = svg.match(/<polyline points="([^"]+)"/)![1]!.split(' ').map((p) => Number(p.split(',')[0]));
    expect(points[0]).toBeLessThan(points[1]!);
  });

  it('a crash is summarised by its error line, without emscripten module source', () => {
    const stderr = `${'x'.repeat(5000)}\nRuntimeError: memory access out of bounds\n    at foo (bar.js:1)\nNode.js v20\n`;
    expect(summarizeFailure(stderr, 1, null)).toBe('RuntimeError: memory access out of bounds (exit code 1)');
    expect(summarizeFailure('', null, 'SIGKILL')).toBe('killed by SIGKILL');
  });
});

describe('call-check pairs', () => {
  it('--checks-only plans the three pairs (NT-Xent, D = 128) and writes results/checks.*', () => {
    const options = parseBenchOptions(['--checks-only']);
    expect(options).toMatchObject({ checksOnly: true, name: 'checks' });
    expect(checksCells(options).map((c) => [c.kind, c.kind === 'checks' && c.engine, c.loss, c.pairs, c.dimension])).toEqual([
      ['checks', 'ort-node', 'nt-xent', 4096, 128],
      ['checks', 'reference', 'nt-xent', 256, 128],
      ['checks', 'tfjs-wasm', 'nt-xent', 1024, 128],
    ]);
    expect(checksCells(parseBenchOptions(['--checks-only', '--backends', 'ort-node'])).map((c) => c.pairs)).toEqual([4096]);
    expect(() => parseBenchOptions(['--checks-only', '--large'])).toThrow(/do not combine/);
    expect(parseBenchOptions([]).checksOnly).toBe(false);
  });

  it('a full run adds the pairs its grid covers', () => {
    expect(checksCells(parseBenchOptions([])).length).toBe(3);
    expect(checksCells(parseBenchOptions(['--quick'])).map((c) => c.pairs)).toEqual([256, 1024]);
    expect(checksCells(parseBenchOptions(['--d', '512']))).toEqual([]);
    expect(checksCells(parseBenchOptions(['--losses', 'clip']))).toEqual([]);
    expect(checksBackend('ort-node', 'on')).toBe('ort-node runner (checks on)');
    expect(checksBackend('reference', 'off')).toBe('reference (checks off)');
  });

  it('interleaved timing: warm-ups per variant, then rounds in alternating order', async () => {
    const calls: string[] = [];
    const { timings, rounds } = await timeInterleaved({ on: () => calls.push('on'), off: () => calls.push('off') }, 1e9, 4);
    expect(rounds).toBe(4);
    expect(calls).toEqual(['on', 'on', 'on', 'off', 'off', 'off', 'on', 'off', 'off', 'on', 'on', 'off', 'off', 'on']);
    expect(timings.on.timesMs.length).toBe(4);
    expect(timings.off.runs).toBe(4);
  });

  it('pairs on/off rows, with the paired difference; check rows stay out of the targets', () => {
    expect(medianPairedDifference([10, 12, 30], [9, 10, 11])).toBe(2);
    expect(medianPairedDifference([], [])).toBeUndefined();
    const on = row('ort-node runner (checks on)', 150, { checks: 'on', timesMs: [150, 149, 152], checkMs: 6 });
    const off = row('ort-node runner (checks off)', 140, { checks: 'off', timesMs: [141, 140, 139], checkMs: 0.01 });
    const [cost] = checkCosts([on, off, row('ort-node', 138)]);
    expect(cost).toMatchObject({ backend: 'ort-node runner', onMs: 150, offMs: 140, differenceMs: 10, pairedDifferenceMs: 9, checkOnMs: 6, checkOffMs: 0.01 });
    expect(checkCosts([on])).toEqual([]);
    const [c] = compare([on, off, row('ort-node', 200)], []);
    expect(c!.fastest).toEqual({ backend: 'ort-node', medianMs: 200 });
  });

  it('a --checks-only run renders the checks table and every row, without targets', () => {
    const rows = [row('reference (checks on)', 210, { pairs: 256, checks: 'on', timesMs: [210], checkMs: 0.5 }), row('reference (checks off)', 200, { pairs: 256, checks: 'off', timesMs: [200], checkMs: 0.01 })];
    const md = renderMarkdown({
      generatedAt: 'now', command: 'pnpm bench --checks-only', pytorch: { available: false, detail: 'not run' }, matmulRates: {}, rows, floors: [], comparisons: compare(rows, []),
      checkCosts: checkCosts(rows), scope: 'checks', notes: ['n'],
      machine: { cpuModel: 'cpu', cpuCount: 2, totalMemoryBytes: 2 ** 30, platform: 'linux', node: 'v20', loadAverageAtStart: [1, 2, 3], versions: {}, blas: 'openblas' },
    });
    expect(md).toContain('## Cost of the call checks');
    expect(md).toContain('| reference | nt-xent | 256 | 128 | 210 ms (3) | 200 ms (3) | +10.0 ms (5.0%) | +10.0 ms (5.0%) | 0.50 ms / 0.01 ms | 0.3% |');
    expect(md).not.toContain('## Targets');
    expect(md).toContain('| nt-xent | 256 | 128 | – | reference (checks on) |');
  });

  it('the checks chart: three labelled bars per pair', () => {
    const svg = renderChecksSvg([{ backend: 'ort-node runner', loss: 'nt-xent', pairs: 4096, dimension: 128, onMs: 150, offMs: 140, runs: 21, differenceMs: 10, checkOnMs: 4.5, checkOffMs: 0.01 }], 't');
    expect(svg.match(/<rect x="210"/g)?.length).toBe(3);
    expect(svg).toContain('ort-node runner, nt-xent N=4096 D=128');
    expect(svg).toContain('4.50 ms');
  });

});

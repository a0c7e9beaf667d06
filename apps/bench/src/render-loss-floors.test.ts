import { describe, expect, it } from 'vitest';
import { compare, type Floor, type Row } from './bench-results.js';
import { lossFloorGroups, lossFloorSection } from './render-loss-floors.js';
import { renderSvg } from './render-svg.js';
import { flopCount } from './statistics.js';

const row = (loss: Row['loss'], backend: string, medianMs: number, temperature = 0.1): Row => ({
  backend, ours: !backend.startsWith('pytorch'), loss, pairs: 4096, dimension: 128, temperature, status: 'ok', medianMs, runs: 3,
});
const floor = (loss: Row['loss'], floorMs: number): Floor => ({
  loss, pairs: 4096, dimension: 128, flops: flopCount(loss, 4096, 128), measuredRows: 4096, forwardEngine: 'ort-node', backwardEngine: 'ort-node', forwardFlopsPerSecond: 1, backwardFlopsPerSecond: 1, floorMs,
});

describe('every loss against its floor', () => {
  const rows = [
    row('nt-xent', 'ort-node', 120), row('nt-xent', 'pytorch', 600), row('nt-xent', 'pytorch-stock', 6000),
    row('clip', 'ort-node', 300), row('clip', 'pytorch', 200),
    row('dcl', 'ort-node', 900), row('dcl', 'ort-node', 80, 0.01), row('nt-xent', 'ort-node', 110, 0.5),
  ];
  const comparisons = compare(rows, [floor('nt-xent', 100), floor('clip', 50), floor('dcl', 100)]);

  it('groups by (N, D, default or given temperature), slowest against its floor first, with PyTorch tuned and stock', () => {
    const groups = lossFloorGroups(comparisons);
    // dcl's default is 0.1, NT-Xent's 0.5: both in the default group; CLIP (default 0.07) and NT-Xent at 0.1 are not.
    expect(groups.map((g) => [g.temperature, g.comparisons.map((c) => c.loss)])).toEqual([
      ['default', ['dcl', 'nt-xent']],
      [0.1, ['clip', 'nt-xent']],
      [0.01, ['dcl']],
    ]);
    expect(groups[1]!.comparisons.map((c) => [c.loss, c.vsFloor])).toEqual([['clip', 6], ['nt-xent', 1.2]]);
    expect(groups[1]!.comparisons.find((c) => c.loss === 'nt-xent')).toMatchObject({ pytorchMs: 600, pytorchStockMs: 6000, vsPytorch: 0.2 });
  });

  it('the section names the slowest loss and judges each against 1.5x its floor and PyTorch', () => {
    const md = lossFloorSection(comparisons).join('\n');
    expect(md).toContain('### N = 4096, D = 128, T = 0.1: slowest: **clip** at 6.00x its floor');
    expect(md).toContain("### N = 4096, D = 128, each loss's default T: slowest: **dcl** at 9.00x its floor");
    expect(md).toContain('| nt-xent | 0.1 | ort-node | 120 ms | 100 ms (fwd 2(2N)^2D + bwd 2(2N)^2D = 16N^2D) | 1.20x | – | 600 ms | 0.20x | 6.00 s | met |');
    expect(md).toContain('| clip | 0.1 | ort-node | 300 ms | 50.0 ms (fwd 2N^2D + bwd 4N^2D = 6N^2D) | 6.00x | – | 200 ms | 1.50x | – | missed (over 1.5x the floor, slower than PyTorch) |');
    expect(md).toContain('| nt-xent | 0.5 | ort-node | 110 ms |');
    expect(md).toContain('### N = 4096, D = 128, T = 0.01: slowest: **dcl** at 0.80x its floor');
    expect(lossFloorSection([])).toEqual([]);
  });

  it('judges on the paired ratio where the fastest row has one, and names it in the headline', () => {
    const pairedFloor = { rounds: 11, medianRatio: 1.4, medianFloorMs: 80, medianLossMs: 112, rows: 8192, dimension: 128 };
    // The run's fastest rates give a 100 ms floor: 180 ms reads 1.8x; timed beside its products the loss is 1.4x.
    const withPaired = compare([{ ...row('nt-xent', 'ort-node', 180, 0.5), pairedFloor }, row('nt-xent', 'pytorch', 600, 0.5), row('dcl', 'ort-node', 130), row('dcl', 'pytorch', 600)], [floor('nt-xent', 100), floor('dcl', 100)]);
    expect(withPaired.find((c) => c.loss === 'nt-xent')!.pairedFloor).toEqual(pairedFloor);
    const md = lossFloorSection(withPaired).join('\n');
    expect(md).toContain('| nt-xent | 0.5 | ort-node | 180 ms | 100 ms (fwd 2(2N)^2D + bwd 2(2N)^2D = 16N^2D) | 1.80x | 1.40x (11) | 600 ms | 0.30x | – | met |');
    // Sorted by the judged ratio: NT-Xent's paired 1.4x before DCL's unpaired 1.3x.
    expect(md).toContain("slowest: **nt-xent** at 1.40x its floor (paired)");
    expect(md).toContain('| dcl | 0.1 | ort-node | 130 ms | 100 ms (fwd 2(2N)^2D + bwd 2(2N)^2D = 16N^2D) | 1.30x | – | 600 ms | 0.22x | – | met |');
  });

  it('shows and judges the paired ratio of InfoNCE with paired negatives, under its batched-dot formula', () => {
    // Strict floor 40 ms (the sampled batched-dot rate): 100 ms reads 2.50x; beside its own products it is 1.30x.
    const pairedFloor = { rounds: 11, medianRatio: 1.3, medianFloorMs: 70, medianLossMs: 91, rows: 4096, dimension: 128 };
    const paired = compare([{ ...row('info-nce-paired', 'ort-node', 100), pairedFloor }, row('info-nce-paired', 'pytorch', 150)], [floor('info-nce-paired', 40)]);
    const md = lossFloorSection(paired).join('\n');
    expect(md).toContain(`| info-nce-paired | 0.1 | ort-node | 100 ms | 40.0 ms (${flopCount('info-nce-paired', 4096, 128).formula}) | 2.50x | 1.30x (11) | 150 ms | 0.67x | – | met |`);
    expect(md).toContain("each loss's default T: slowest: **info-nce-paired** at 1.30x its floor (paired)");
  });

  it('the chart has one panel per loss, D and temperature, titled with T', () => {
    const svg = renderSvg(rows, 't');
    expect(svg).toContain('dcl, D=128, T=0.1');
    expect(svg).toContain('dcl, D=128, T=0.01');
  });
});

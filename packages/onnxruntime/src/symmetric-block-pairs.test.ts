import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ntXent, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { constantShiftWorkingMatrices } from './constant-shift-kernel.js';
import { exportOnnx, traceLoss } from './export-onnx.js';
import { expectGradientClose, expectLossClose, gaussians, referenceLossAndGradients } from './loss-samples.test-support.js';
import { createOnnxLossRunner, type HostTensor } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';
import { maskedPairs, maximumSymmetricBlocks, pairChunks, squareBlockRows, symmetricBlocksFit, symmetricChunkBlocks } from './symmetric-block-pairs.js';

const ntXentLoss = ntXent as unknown as LossDefinition<string, object>;
/** Blocks of at most `side` rows: one block is side x side float32. */
const squareBlocks = (side: number) => side * side * 4;

interface GraphNodes { readonly node: readonly { op_type: string; attribute: readonly { g?: GraphNodes }[] }[] }

/** Op counts over the graph and its loop bodies. */
const opCounts = (temperature: number, pairs: number, maxBlockBytes: number) => {
  const shapes = { anchors: [pairs, 8], positives: [pairs, 8] };
  const counts = new Map<string, number>();
  const visit = (graph: GraphNodes): void => {
    for (const node of graph.node) {
      counts.set(node.op_type, (counts.get(node.op_type) ?? 0) + 1);
      for (const attribute of node.attribute) if (attribute.g) visit(attribute.g);
    }
  };
  visit(traceLoss(ntXentLoss, ntXentLoss.resolveOptions({ temperature }), shapes, { maxBlockBytes }).model.graph as GraphNodes);
  return counts;
};

describe('symmetric block pairs: schedule and graph', () => {
  it('covers each pair I <= J once in chunks of consecutive J, the diagonal\'s second update in the spare slot', () => {
    // 5 blocks in chunks of 2: row block 0 takes J = 0-1, 2-3, 4; row 1: 1-2, 3-4; row 2: 2-3, 4; row 3: 3-4; row 4: 4.
    const chunks = pairChunks(5, 2);
    expect(chunks.rowBlocks).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 4]);
    expect(chunks.columnBlocks).toEqual([0, 1, 2, 3, 4, 5, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 4, 5]);
    expect(chunks.lengths).toEqual([2, 2, 1, 2, 2, 2, 1, 2, 1]);
    // Slots per chunk: I, then each J (5 = spare for J = I and for unused entries).
    expect(chunks.slots.slice(0, 9)).toEqual([0, 5, 1, 0, 2, 3, 0, 4, 5]);
    expect(chunks.slots.slice(-3)).toEqual([4, 5, 5]);
    const pairs = chunks.rowBlocks.flatMap((i, c) => Array.from({ length: chunks.lengths[c]! }, (_, k) => `${i},${chunks.columnBlocks[2 * c + k]!}`));
    expect(pairs).toHaveLength(15);
    expect(new Set(pairs).size).toBe(15);
    expect(pairs.every((pair) => Number(pair.split(',')[0]) <= Number(pair.split(',')[1]))).toBe(true);
    expect([1, 4, 5, 32, 64].map(symmetricChunkBlocks)).toEqual([1, 1, 2, 8, 16]);
  });

  it('schedules a subset of the pairs (the masked or the plain ones), chunked per row block', () => {
    const odd = pairChunks(5, 2, (i, j) => (i + j) % 2 === 1);
    // Row 0: J = 1, 3; row 1: 2, 4; row 2: 3; row 3: 4; row 4: none.
    expect(odd.rowBlocks).toEqual([0, 1, 2, 3]);
    expect(odd.columnBlocks).toEqual([1, 3, 2, 4, 3, 5, 4, 5]);
    expect(odd.lengths).toEqual([2, 2, 1, 1]);
    expect(odd.slots).toEqual([0, 1, 3, 1, 2, 4, 2, 3, 5, 3, 4, 5]);
  });

  it('finds the pairs holding an excluded entry: NT-Xent\'s diagonal blocks and those of the positives\' offset', () => {
    // 2N = 8 rows (N = 4), each row excluding itself and its positive i +- 4, in blocks of 2: the diagonal pairs
    // (I, I) and (I, I + 2).
    const zeroed = Array.from({ length: 8 }, (_, i) => [i, (i + 4) % 8]).flat();
    expect([...maskedPairs(zeroed, 8, 2)].sort()).toEqual(['0,0', '0,2', '1,1', '1,3', '2,2', '3,3']);
    // Blocks of 3 (the last padded): row 2's positive 6 is in block 2, row 3's self in block 1, and so on.
    expect([...maskedPairs(zeroed, 8, 3)].sort()).toEqual(['0,0', '0,1', '0,2', '1,1', '1,2', '2,2']);
  });

  it('runs up to 64 blocks per side: the --large cell\'s 32 blocks of 4096 rows take the pairs', () => {
    expect(maximumSymmetricBlocks).toBe(64);
    // 131072 rows at 64 MiB: side sqrt(2^24) = 4096, 32 blocks; at 1 MiB: 512 rows, 256 blocks.
    expect(symmetricBlocksFit(131072, 2 ** 26)).toBe(true);
    expect(symmetricBlocksFit(131072, 2 ** 20)).toBe(false);
    // 65 blocks of 64 rows (4160 rows) do not fit, 64 do.
    expect(symmetricBlocksFit(64 * 64, squareBlocks(64))).toBe(true);
    expect(symmetricBlocksFit(65 * 64, squareBlocks(64))).toBe(false);
  });

  it('takes the pairs (per pass a Loop over row blocks around one over J >= I) for the constant shift once blocked, row blocks for the row shift', () => {
    // 2N = 302 rows, five blocks of 61: per pass and per schedule (the masked pairs, the plain ones) one outer and
    // one inner Loop, one ScatterND update per row block; only the masked blocks zero entries (ScatterElements).
    const constant = opCounts(0.5, 151, squareBlocks(64));
    expect(constant.get('ScatterND')).toBe(4);
    expect(constant.get('Loop')).toBe(8);
    expect(constant.get('ScatterElements')).toBe(2);
    const rowShift = opCounts(0.01, 151, squareBlocks(64));
    expect(rowShift.has('ScatterND')).toBe(false);
    expect(rowShift.get('Loop')).toBe(2);
    expect(opCounts(0.5, 150, 300 * 300 * 4).has('Loop')).toBe(false);
  });

  it('counts four [B, B + 1] blocks for the resource guard where they exceed the row blocks\' three [B, n]', () => {
    // 256 MiB: [8192, 8193] blocks.
    const rows = 131072;
    expect(squareBlockRows(rows, 2 ** 28)).toBe(8192);
    expect(squareBlockRows(32768, 2 ** 28)).toBe(2048);
    expect(squareBlockRows(131072, 2 ** 26)).toBe(4096);
    expect(squareBlockRows(302, squareBlocks(64))).toBe(61);
    expect(constantShiftWorkingMatrices(2 ** 28, true, rows)).toBeCloseTo((4 * 8192 * 8193) / rows ** 2, 12);
    expect(constantShiftWorkingMatrices(2 ** 28, true, 8192)).toBe(3);
    // The --large bounds: 32 blocks of 4096 at 64 MiB (row blocks would be 3 x [128, n]), 64 of 2048 at 16 MiB.
    expect(constantShiftWorkingMatrices(2 ** 26, true, rows)).toBeCloseTo((4 * 4096 * 4097) / rows ** 2, 12);
    expect(constantShiftWorkingMatrices(2 ** 24, true, rows)).toBeCloseTo((4 * 2048 * 2049) / rows ** 2, 12);
    // Beyond 64 blocks per side (256 blocks of 512 at 1 MiB): three [2, n] row blocks.
    expect(constantShiftWorkingMatrices(2 ** 20, true, rows)).toBeCloseTo((3 * 2) / rows, 12);
  });
});

const python = '/usr/bin/python3';
const checker = spawnSync(python, ['-c', 'import onnx, onnx.checker'], { encoding: 'utf8' }).status === 0;
const checkerTitle = `exports a graph the independent onnx.checker accepts (full_check)${checker ? '' : ` [skipped: ${python} cannot import onnx]`}`;

describe('symmetric block pairs: export', () => {
  it.skipIf(!checker)(checkerTitle, () => {
    const directory = mkdtempSync(join(tmpdir(), 'contrastive-pairs-'));
    try {
      const path = join(directory, 'nt-xent-pairs.onnx');
      writeFileSync(path, exportOnnx(ntXentLoss, { temperature: 0.5 }, { anchors: [151, 8], positives: [151, 8] }, { maxBlockBytes: squareBlocks(64) }));
      const script = 'import sys, onnx\nonnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)\nprint("ok")';
      const result = spawnSync(python, ['-c', script, path], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('ok');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

/** Unit rows along one axis each, slightly perturbed, positives equal to their anchors: the positive dominates. */
function nearlyOrthogonal(rows: number, dimension: number, seed: number): HostTensor {
  const noise = gaussians(rows * dimension, seed, 1e-3);
  return { values: noise.map((v, i) => (i % dimension === Math.floor(i / dimension) % dimension ? 1 + v : v)), shape: [rows, dimension] };
}

describe.each(nodeRuntimes)('symmetric block pairs on %s', (_, runtime) => {
  const whole = createOnnxLossRunner(runtime);
  // 302 rows in five blocks of 61: the last has 58 rows and 3 padding rows.
  const pairs = createOnnxLossRunner({ ...runtime, maxBlockBytes: squareBlocks(64) });
  afterAll(() => Promise.all([whole.release(), pairs.release()]));
  const inputs = { anchors: { values: gaussians(151 * 16, 21), shape: [151, 16] }, positives: { values: gaussians(151 * 16, 22), shape: [151, 16] } };

  it.each([0.5, 0.07, 0.01])('NT-Xent, 151 pairs, T = %s: blocks equal the whole matrix and the float64 reference', async (temperature) => {
    const options = { temperature, reduction: 'none' };
    const [blocked, unblocked] = [await pairs.run(ntXentLoss, inputs, options), await whole.run(ntXentLoss, inputs, options)];
    const expected = referenceLossAndGradients(ntXentLoss, inputs, options);
    expectLossClose(blocked.loss, expected.loss);
    expectLossClose(blocked.loss, unblocked.loss);
    for (const name of ['anchors', 'positives']) {
      expectGradientClose(blocked.gradients[name]!, expected.gradients[name]!, name);
      expectGradientClose(blocked.gradients[name]!, unblocked.gradients[name]!, name);
    }
  });

  it('keeps relative precision in blocks of 3 rows (one padding row) when the positive dominates (loss near 1e-8)', async () => {
    const tiny = createOnnxLossRunner({ ...runtime, maxBlockBytes: squareBlocks(3) });
    const anchors = nearlyOrthogonal(4, 8, 6);
    const options = { temperature: 0.05, reduction: 'none' };
    const actual = await tiny.run(ntXentLoss, { anchors, positives: anchors }, options);
    const expected = referenceLossAndGradients(ntXentLoss, { anchors, positives: anchors }, options);
    await tiny.release();
    for (let i = 0; i < expected.loss.length; i++) {
      expect(expected.loss[i]!).toBeLessThan(1e-6);
      expect(Math.abs(actual.loss[i]! - expected.loss[i]!)).toBeLessThanOrEqual(1e-4 * expected.loss[i]!);
    }
    for (const name of ['anchors', 'positives']) expectGradientClose(actual.gradients[name]!, expected.gradients[name]!, name);
  });
});

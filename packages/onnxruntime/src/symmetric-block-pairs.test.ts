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
import { squareBlockRows, symmetricBlockPairs } from './symmetric-block-pairs.js';

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
  it('lists each pair I <= J once, the diagonal\'s second slot the spare one', () => {
    const schedule = symmetricBlockPairs(300, 64);
    expect(schedule.blocks).toBe(5);
    expect(schedule.rowStarts).toHaveLength(15);
    expect(schedule.rowStarts.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(schedule.columnStarts.slice(0, 5)).toEqual([0, 64, 128, 192, 256]);
    expect(schedule.targets.slice(0, 4)).toEqual([0, 5, 0, 1]);
    expect(schedule.targets.slice(-2)).toEqual([4, 5]);
  });

  it('takes the pairs (two Loops with ScatterND) for the constant shift once blocked, row blocks for the row shift', () => {
    // 2N = 302 rows, five blocks of 61.
    const constant = opCounts(0.5, 151, squareBlocks(64));
    expect(constant.get('ScatterND')).toBe(2);
    expect(constant.get('Loop')).toBe(2);
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

/**
 * The fused cross-view kernel over row blocks (decision 0012): CLIP, in-batch InfoNCE and the contrastive loss with
 * a `maxBlockBytes` small enough that n = 300 runs as four blocks of 64 rows plus a tail of 44 (written out in the
 * graph) or as 18 blocks of 16 rows in a Loop plus a tail of 12, checked against the float64 reference backend (the
 * loss and every gradient, the logit scale's included). With the preset line shift the backward runs over tiles
 * (decision 0017): written out at these sizes, in nested Loops (row blocks, and column blocks in each) for n = 41
 * with tiles of 2 x 2.
 */
import { clip, contrastiveLoss, ContrastiveResourceError, infoNce, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { crossViewBlockRows } from './cross-view-blocks.js';
import { crossViewTile } from './cross-view-preset-tiles.js';
import { traceLoss } from './export-onnx.js';
import { expectRunnerMatchesReference, float32Tolerance, gaussians, referenceLossAndGradients, relativeToLargest } from './loss-samples.test-support.js';
import { createOnnxLossRunner, type HostTensor } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';

const clipLoss = clip as unknown as LossDefinition<string, object>;
const infoNceLoss = infoNce as unknown as LossDefinition<string, object>;
const contrastive = contrastiveLoss as unknown as LossDefinition<string, object>;
const n = 300;
const dimension = 16;
// [64, 300] float32 blocks: 300 = 4 x 64 + 44, unrolled; [16, 300] blocks: 300 = 18 x 16 + 12, in a Loop.
const maxBlockBytes = 64 * n * 4;
const loopBlockBytes = 16 * n * 4;
const schedules = [['5 unrolled blocks', maxBlockBytes], ['a Loop of 18 blocks and a tail', loopBlockBytes]] as const;

const views = (rows: number, seed: number, jitter?: number, columns = dimension) => {
  const anchors = gaussians(rows * columns, seed);
  const noise = gaussians(rows * columns, seed + 1, jitter ?? 1);
  const positives = jitter === undefined ? noise : anchors.map((value, i) => Math.fround(value + noise[i]!));
  return { anchors: { values: anchors, shape: [rows, columns] }, positives: { values: positives, shape: [rows, columns] } };
};
const withScale = (inputs: ReturnType<typeof views>, logitScale: number) => ({ ...inputs, logitScale: { values: [logitScale], shape: [] } });

describe('cross-view row blocks: the schedule', () => {
  it('blocks of the most rows whose [B, n] block fits maxBlockBytes and 64 MiB, never fewer than 2', () => {
    expect(crossViewBlockRows(n, maxBlockBytes)).toBe(64);
    expect(crossViewBlockRows(65536, 2 ** 28)).toBe(256);
    expect(crossViewBlockRows(16384, 2 ** 28)).toBe(1024);
    expect(crossViewBlockRows(16384, 2 ** 24)).toBe(256);
    expect(crossViewBlockRows(n, 4)).toBe(2);
  });
  it('tiles: columns the largest power of two up to 2 sqrt(F) for F floats per block, rows F / columns, both at least 2', () => {
    expect(crossViewTile(65536, 2 ** 28)).toEqual({ rows: 2048, columns: 8192 });
    expect(crossViewTile(65536, 2 ** 24)).toEqual({ rows: 1024, columns: 4096 });
    // 19200 floats: 2 sqrt(F) = 277, so 256 columns and 75 rows; 4800 floats: 128 columns, 37 rows.
    expect(crossViewTile(n, maxBlockBytes)).toEqual({ rows: 75, columns: 256 });
    expect(crossViewTile(n, loopBlockBytes)).toEqual({ rows: 37, columns: 128 });
    expect(crossViewTile(41, 4)).toEqual({ rows: 2, columns: 2 });
    expect(crossViewTile(41, 1)).toEqual({ rows: 2, columns: 2 });
    // A batch no wider than a tile keeps the row blocks.
    expect(crossViewTile(8192, 2 ** 28).columns).toBe(8192);
  });
  const traceClip = (bytes: number, options: object = {}) =>
    traceLoss(clipLoss, clipLoss.resolveOptions(options), { anchors: [n, 8], positives: [n, 8], logitScale: [] }, { maxBlockBytes: bytes }).model.graph;
  const count = (graph: ReturnType<typeof traceClip>, opType: string) => graph.node.filter((node) => node.op_type === opType).length;
  it('CLIP: blocks written out up to 16 per pass, Loops beyond; the tiles of a row block in a Loop', () => {
    const counts = (bytes: number, options?: object) => [count(traceClip(bytes, options), 'Gemm'), count(traceClip(bytes, options), 'Loop')];
    // Whole, preset line shift (decision 0014): the Gemm of s - h, the inner-size-2 Gemm of X and G^T a (alpha^T E
    // is a MatMul), with the maxima fallbacks in two Loops of 0 or 1 trips.
    expect(counts(n * n * 4)).toEqual([3, 2]);
    // Blocks with the preset (decision 0015): per forward block the Gemm of s - h; the backward over tiles (0017),
    // per tile the Gemm of s - h, the inner-size-2 Gemm and the Gemm for G^T a, and from a row block's second tile
    // on the Gemm adding G p to the row's anchors (the first is a MatMul); the same two fallback Loops.
    // 5 forward blocks; tiles of 75 x 256: 4 row blocks of 2 tiles (256 + 44 columns).
    expect(counts(maxBlockBytes)).toEqual([5 + 4 * (3 + 4), 2]);
    // The forward's Loop and its tail; tiles of 37 x 128: 9 row blocks (8 x 37 + 4) of 3 tiles (128 + 128 + 44), the
    // first before a Loop over the full ones (its Gemms in the body), the tail after it.
    expect(counts(loopBlockBytes)).toEqual([1 + 9 * (3 + 4), 1 + 9 + 2]);
    // Blocks with maxima (rows not normalised): the forward's Gemm, the backward's Gemm for the logits and for G^T a.
    expect(counts(maxBlockBytes, { normalize: false })).toEqual([5 * 3, 0]);
    expect(counts(loopBlockBytes, { normalize: false })).toEqual([3, 2]);
  });
  it.each([
    ['maxima', { normalize: false }, loopBlockBytes, [[[], [n, 2], [16, 3]], [[], [n, 8], [16, 8]]]],
    // 64 B: forward blocks of 2 rows; tiles of 2 x 8, 150 row blocks of 37 tiles and a tail of 4 columns. Written
    // out in the graph: the forward's Loop, the first row block's Loop over its tiles (carried: the row's anchors;
    // scanned: each tile's keys), and the Loop over the other row blocks (carried: the keys' sum; scanned: anchors).
    ['the preset line shift', {}, 64, [[[], [1, n], [2, 1]], [[], [2, 8], [8, 8]], [[], [n, 8], [2, 8]]]],
  ] as const)('CLIP in a Loop with %s: each Loop carries only its sums and scans the block rows', (_, options, bytes, shapes) => {
    const graph = traceClip(bytes, options);
    // Two outputs (final carried value, stacked rows): no packed [2n, D] accumulator copied by ScatterND. The block
    // Loops' trip counts are constants; a fallback's (onlyWhen, a Cast of its flag) may carry two values too.
    const fallback = (loop: (typeof graph.node)[number]) => graph.node.some((node) => node.op_type === 'Cast' && node.output[0] === loop.input[0]);
    const loops = graph.node.filter((node) => node.op_type === 'Loop' && node.output.length === 2 && !fallback(node));
    expect(loops).toHaveLength(shapes.length);
    const bodies = loops.map((loop) => loop.attribute.find((attribute) => attribute.name === 'body')!.g!);
    expect(bodies.map((body) => body.output.map((output) => output.type.tensor_type.shape.dim.map((dim) => dim.dim_value)))).toEqual(shapes);
    expect(bodies.flatMap((body) => body.node).filter((node) => node.op_type === 'ScatterND')).toEqual([]);
  });
});

describe.each(nodeRuntimes.flatMap(([name, runtime]) => schedules.map(([schedule, bytes]) => [`${name}, ${schedule}`, runtime, bytes] as const)))('cross-view row blocks on %s', (_, runtime, bytes) => {
  const runner = createOnnxLossRunner({ ...runtime, maxBlockBytes: bytes });
  afterAll(() => runner.release());

  it.each([0.07, 0.01])('CLIP matches the float64 reference at T = %s (logit scale 1/T): loss and all three gradients', async (temperature) => {
    const inputs = withScale(views(n, 3), 1 / temperature);
    await expectRunnerMatchesReference(runner, clipLoss, inputs, { reduction: 'none' });
    await expectRunnerMatchesReference(runner, clipLoss, inputs, {});
    await expectRunnerMatchesReference(runner, clipLoss, inputs, { normalize: false, maxLogitScale: null, reduction: 'sum' });
  }, 60_000);

  it.each([0.5, 0.1, 0.01])('in-batch InfoNCE and the contrastive loss match the float64 reference at T = %s', async (temperature) => {
    const inputs = views(n, 7);
    await expectRunnerMatchesReference(runner, infoNceLoss, inputs, { temperature, reduction: 'none' });
    await expectRunnerMatchesReference(runner, infoNceLoss, inputs, { temperature, symmetric: true });
    await expectRunnerMatchesReference(runner, infoNceLoss, inputs, { temperature, normalize: false });
    await expectRunnerMatchesReference(runner, contrastive, inputs, { temperature, reduction: 'none' });
    await expectRunnerMatchesReference(runner, contrastive, inputs, { temperature, symmetric: true });
  }, 60_000);
});

describe.each(nodeRuntimes)('cross-view tiles in nested Loops on %s', (_, runtime) => {
  // n = 41, 4 B: tiles of 2 x 2, 20 row blocks (a Loop) and a tail of 1, each of 20 column blocks (a Loop in the
  // Loop's body) and a tail of 1; the diagonal's position in a tile is known only at run time.
  const runner = createOnnxLossRunner({ ...runtime, maxBlockBytes: 4 });
  afterAll(() => runner.release());

  it.each([0.07, 0.01])('CLIP and symmetric InfoNCE match the float64 reference at T = %s', async (temperature) => {
    const inputs = views(41, 13);
    await expectRunnerMatchesReference(runner, clipLoss, withScale(inputs, 1 / temperature), { reduction: 'none' });
    await expectRunnerMatchesReference(runner, infoNceLoss, inputs, { temperature, symmetric: true });
  }, 60_000);
});

describe('cross-view row blocks on onnxruntime-node: a dominating positive keeps its digits', () => {
  const [, runtime] = nodeRuntimes[0]!;
  const runner = createOnnxLossRunner({ ...runtime, maxBlockBytes: loopBlockBytes });
  afterAll(() => runner.release());

  // Texts within 1% of their images: losses of ~1e-12 (D = 128, T = 0.026) and ~1e-9 (D = 16, T = 0.01), far below
  // float32's 1e-7 of `softmax - 1`; the column sums come rescaled from running maxima and still keep the float32
  // tier relative to the loss itself. (At D = 128, T = 0.01 the loss is ~1e-30 and the unblocked kernel misses the
  // tier too: float32 inputs, not the schedule.)
  it.each([[1 / 0.026, 128], [1 / 0.01, 16]])('CLIP, logit scale %s, D = %s: loss relative to itself, gradients to their largest entry', async (logitScale, columns) => {
    const inputs: Record<string, HostTensor> = withScale(views(n, 11, 0.01, columns), logitScale);
    const actual = await runner.run(clipLoss, inputs, { maxLogitScale: null });
    const expected = referenceLossAndGradients(clipLoss, inputs, { maxLogitScale: null });
    expect(expected.loss[0]!).toBeLessThan(1e-5);
    expect(expected.loss[0]!).toBeGreaterThan(0);
    expect(Math.abs(actual.loss[0]! - expected.loss[0]!)).toBeLessThanOrEqual(float32Tolerance.loss * expected.loss[0]!);
    for (const name of ['anchors', 'positives', 'logitScale']) {
      expect(relativeToLargest(actual.gradients[name]!, expected.gradients[name]!), name).toBeLessThanOrEqual(float32Tolerance.gradient);
    }
  }, 60_000);
});

describe('cross-view row blocks: the resource guard counts [B, n] blocks', () => {
  const [, runtime] = nodeRuntimes[0]!;
  // n = 256 in blocks of 64: two directions 5 x 64 x 256 x 4 = 327680 B, one direction 3 x 64 x 256 x 4 = 196608 B.
  const rows = 256;
  const options = { ...runtime, maxBlockBytes: 64 * rows * 4 };
  const fits = createOnnxLossRunner({ ...options, memoryBudgetBytes: 327_680 });
  const tight = createOnnxLossRunner({ ...options, memoryBudgetBytes: 327_679 });
  afterAll(() => Promise.all([fits.release(), tight.release()]));

  const requiredBytes = async (promise: Promise<{ loss: ArrayLike<number> }>) => {
    try {
      const { loss } = await promise;
      expect(loss.length > 0 && Array.from(loss).every(Number.isFinite)).toBe(true);
      return 'ran';
    } catch (error) {
      expect(error).toBeInstanceOf(ContrastiveResourceError);
      return (error as ContrastiveResourceError).requiredBytes;
    }
  };

  it('CLIP needs 327680 B (5 blocks of [64, 256]), one-direction InfoNCE 196608 B (3 blocks)', async () => {
    const inputs = withScale(views(rows, 5), 1 / 0.07);
    expect(await requiredBytes(fits.run(clip, inputs))).toBe('ran');
    expect(await requiredBytes(tight.run(clip, inputs))).toBe(327_680);
    const oneDirection = createOnnxLossRunner({ ...options, memoryBudgetBytes: 196_607 });
    expect(await requiredBytes(oneDirection.run(infoNce, views(rows, 5), { temperature: 0.1 }))).toBe(196_608);
    await oneDirection.release();
  }, 60_000);
});

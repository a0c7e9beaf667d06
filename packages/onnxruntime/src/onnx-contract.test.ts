/**
 * The call contract on ONNX Runtime's host-array entry points (the runner and `exportOnnx`): the same typed errors
 * as `computeLoss`, checked in float32, the precision the graph computes in. The eager backend runs the
 * conformance contract suite (`onnxruntime-node.conformance.test.ts`).
 */
import { clip, ContrastiveInputError, ntXent, supCon, uniformity } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import { createOnnxLossRunner } from './onnx-loss-runner.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';

const pair = { anchors: { values: [1, 0, 0.5, 0.2, 1, 0], shape: [2, 3] }, positives: { values: [0.9, 0.1, 0.4, 0.1, 1.1, 0.1], shape: [2, 3] } };

async function rejection(promise: Promise<unknown>): Promise<ContrastiveInputError> {
  const error = await promise.then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ContrastiveInputError);
  return error as ContrastiveInputError;
}

describe.each(nodeRuntimes)('the runner keeps the contract on %s', (_, runtime) => {
  const runner = createOnnxLossRunner(runtime);
  afterAll(() => runner.release());

  it('rejects CLIP logitScale <= 0 (it used to give 0.693 with a NaN gradient)', async () => {
    for (const value of [0, -1]) {
      const error = await rejection(runner.run(clip, { ...pair, logitScale: { values: [value], shape: [] } }));
      expect(error.argument).toBe('logitScale');
    }
  });

  it('rejects non-integer SupCon labels and labels that collide in float32', async () => {
    const embeddings = { values: [1, 0, 0, 1, 1, 1, 0, 2], shape: [4, 2] };
    for (const values of [[0, 0.5, 0, 1], [2 ** 24, 2 ** 24 + 1, 0, 1]]) {
      const error = await rejection(runner.run(supCon, { embeddings, labels: { values, shape: [4] } }));
      expect(error.argument).toBe('labels');
    }
  });

  it('rejects values that become Infinity in float32 (1e39), which used to turn every loss into NaN', async () => {
    const error = await rejection(runner.run(ntXent, { ...pair, anchors: { values: [1e39, 0, 0, 1, 1, 1], shape: [2, 3] } }));
    expect(error.message).toBe('anchors: expected finite values in float32, got 1e+39 at flat index 0 (overflows float32, largest 3.40e+38)');
  });

  it('rejects misuse by name: no loss, BigInt or string values, a scale that is 0 in float32, a bad budget', async () => {
    expect((await rejection(runner.run(null as never, pair))).argument).toBe('loss');
    const bigints = { values: new BigInt64Array(6) as unknown as number[], shape: [2, 3] };
    expect((await rejection(runner.run(ntXent, { ...pair, anchors: bigints }))).argument).toBe('anchors');
    const strings = { values: ['1', '0', '0', '1', '1', '1'] as unknown as number[], shape: [2, 3] };
    expect((await rejection(runner.run(ntXent, { ...pair, anchors: strings }))).argument).toBe('anchors');
    const tiny = await rejection(runner.run(clip, { ...pair, logitScale: { values: [1e-46], shape: [] } }, { maxLogitScale: null }));
    expect(tiny.message).toBe('logitScale: expected a value > 0 in float32, got 1e-46');
    expect(() => createOnnxLossRunner({ ...runtime, memoryBudgetBytes: Number.NaN })).toThrow('options.memoryBudgetBytes');
  });

  it('copies shapes at the call: reusing the arrays before the run starts changes nothing', async () => {
    const shape = [2, 3];
    const promise = runner.run(ntXent, { anchors: { values: pair.anchors.values, shape }, positives: pair.positives });
    shape[0] = 3;
    expect((await promise).loss.length).toBe(1);
  });

  it('rejects a temperature whose reciprocal overflows float32', async () => {
    const error = await rejection(runner.run(ntXent, pair, { temperature: 1e-39 }));
    expect(error.argument).toBe('options.temperature');
  });
});

describe('exportOnnx estimates memory before tracing', () => {
  it('throws ContrastiveResourceError at once for shapes beyond the budget', () => {
    expect(() => exportOnnx(uniformity, {}, { embeddings: [50000, 128] })).toThrow(/uniformity on onnxruntime \(50000 x 50000 similarities/);
  });
  it('still exports the blocked NT-Xent and CLIP graphs, whose memory grows as n x block', () => {
    expect(exportOnnx(ntXent, {}, { anchors: [16384, 16], positives: [16384, 16] }).length).toBeGreaterThan(0);
    expect(exportOnnx(clip, {}, { anchors: [16384, 16], positives: [16384, 16], logitScale: [] }).length).toBeGreaterThan(0);
  });
});

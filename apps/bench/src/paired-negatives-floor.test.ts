import { createTracingBackend } from '@contrastive/onnxruntime';
import { describe, expect, it } from 'vitest';
import { loadOrt } from './ort-setup.js';
import { ortPairedNegativesFloorStep, pairedNegativesFloorGraph, pairedNegativesFloorModel } from './paired-negatives-floor.js';

const shape = { rows: 3, dimension: 4, negatives: 2 };
const [n, d, m] = [shape.rows, shape.dimension, shape.negatives];
const outputShapes = { positiveLogits: [n], negativeLogits: [n, m], anchorsGrad: [n, d], positivesGrad: [n, d], negativesGrad: [n, m, d] };

// Small integers: every product and sum below is exact in float32.
const values = (count: number, offset: number) => Float32Array.from({ length: count }, (_, i) => ((i * 7 + offset) % 5) - 2);
const inputs = { anchors: values(n * d, 0), positives: values(n * d, 1), negatives: values(n * m * d, 2), positiveWeights: values(n, 3), negativeWeights: values(n * m, 4) };

/** The stated math on plain arrays: the dots, `g0 p + sum_m G k`, `G a` per negative, `g0 a`. */
function expected(): Record<keyof typeof outputShapes, number[]> {
  const { anchors: a, positives: p, negatives: k, positiveWeights: g0, negativeWeights: g } = inputs;
  const at = (x: Float32Array, row: number, j: number) => x[row * d + j]!;
  const kAt = (row: number, neg: number, j: number) => k[(row * m + neg) * d + j]!;
  const rowsOf = (f: (row: number, j: number) => number) => Array.from({ length: n * d }, (_, i) => f(Math.floor(i / d), i % d));
  const dot = (f: (j: number) => number) => Array.from({ length: d }, (_, j) => f(j)).reduce((s, x) => s + x, 0);
  return {
    positiveLogits: Array.from({ length: n }, (_, row) => dot((j) => at(a, row, j) * at(p, row, j))),
    negativeLogits: Array.from({ length: n * m }, (_, i) => dot((j) => at(a, Math.floor(i / m), j) * kAt(Math.floor(i / m), i % m, j))),
    anchorsGrad: rowsOf((row, j) => g0[row]! * at(p, row, j) + Array.from({ length: m }, (_, neg) => g[row * m + neg]! * kAt(row, neg, j)).reduce((s, x) => s + x, 0)),
    negativesGrad: Array.from({ length: n * m * d }, (_, i) => g[Math.floor(i / d)]! * at(a, Math.floor(i / (m * d)), i % d)),
    positivesGrad: rowsOf((row, j) => g0[row]! * at(a, row, j)),
  };
}

describe('the paired-negatives floor graph', () => {
  it('holds the five products as distinct outputs of the stated shapes, fed five inputs', () => {
    const graph = pairedNegativesFloorGraph(createTracingBackend(), shape);
    // In this order: the 32 MiB negatives' gradient last, as the loss's outputs.
    expect(graph.outputs.map((o) => [o.name, o.tensor.shape])).toEqual(Object.entries(outputShapes));
    expect(graph.inputs.map((i) => [i.name, i.shape])).toEqual([['anchors', [n, d]], ['positives', [n, d]], ['negatives', [n, m, d]], ['positiveWeights', [n, 1]], ['negativeWeights', [n, m]]]);
    expect(new Set(graph.outputs.map((o) => o.tensor)).size).toBe(5);
  });

  it('computes the dots, the anchors\' and positives\' gradients and the negatives\' outer product on onnxruntime-node', async () => {
    const { ort, sessionOptions } = await loadOrt('ort-node');
    const { bytes, inputShapes } = pairedNegativesFloorModel(shape);
    const session = await ort.InferenceSession.create(bytes, sessionOptions);
    const feeds = Object.fromEntries(Object.entries(inputs).map(([name, data]) => [name, new ort.Tensor('float32', data, inputShapes[name]!)]));
    const outputs = await session.run(feeds);
    await session.release();
    const want = expected();
    for (const name of Object.keys(outputShapes) as (keyof typeof outputShapes)[]) {
      expect([name, Array.from(outputs[name]!.data as Float32Array)]).toEqual([name, want[name]]);
    }
  });

  it('runs as one step whose outputs have the stated shapes', async () => {
    const floor = await ortPairedNegativesFloorStep(shape);
    const outputs = await floor.run();
    await floor.release();
    expect(Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, t.dims]))).toEqual(outputShapes);
  });
});

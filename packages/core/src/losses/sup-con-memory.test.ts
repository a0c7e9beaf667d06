import { describe, expect, it } from 'vitest';
import { computeLossAndGradients, disposeAll } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { createNegativeQueue } from '../training/negative-queue.js';
import {
  bothPrecisions,
  dot,
  expectFinite,
  expectGradientsMatchFiniteDifferences,
  expectInputError,
  host,
  lossValues,
  logSumExp,
  mean,
  normalizeRows,
  randomMatrix,
  type Matrix,
} from './loss-test-support.js';
import { supCon } from './sup-con.js';

/** The definition with memory: anchors are the batch rows; candidates are the other batch rows and every memory row. */
function memoryRows(embeddings: Matrix, labels: number[], views: number, memory: Matrix, memoryLabels: number[], temperature: number): number[] {
  const [z, m] = [normalizeRows(embeddings), normalizeRows(memory)];
  const batchSize = embeddings.length / views;
  const keyLabels = [...z.map((_, r) => labels[r % batchSize]!), ...memoryLabels];
  const keys = [...z, ...m];
  return z.map((zi, i) => {
    const s = keys.map((k) => dot(zi, k) / temperature);
    const candidates = s.filter((_, k) => k !== i);
    const positives = s.filter((_, k) => k !== i && keyLabels[k] === keyLabels[i]);
    return positives.length === 0 ? 0 : -mean(positives) + logSumExp(candidates);
  });
}

const embeddings = randomMatrix(61, 8, 3);
const labels = [0, 1, 0, 2];
const memory = randomMatrix(62, 5, 3);
const memoryLabels = [2, 1, 7, 0, 1];
const inputs = { embeddings: host(embeddings), labels: { values: labels, shape: [4] }, memory: host(memory), memoryLabels: { values: memoryLabels, shape: [5] } };
const ones = (n: number) => Array.from({ length: n }, () => 1);

describe('supCon with a labelled memory (Cross-Batch Memory)', () => {
  it('matches the definition written out directly: memory rows are candidates, positives by label, never anchors', () => {
    const rows = lossValues(supCon, inputs, { views: 2, temperature: 0.2, reduction: 'none' });
    expect(rows).toHaveLength(8);
    memoryRows(embeddings, labels, 2, memory, memoryLabels, 0.2).forEach((v, i) => expect(rows[i]).toBeCloseTo(v, 12));
    // Label 7 has no batch row: it only adds a negative. Mean over the anchors with a positive (here all 8).
    expect(lossValues(supCon, inputs, { views: 2, temperature: 0.2 })[0]).toBeCloseTo(mean(rows), 12);
  });

  it('gives a batch row without an in-batch positive a positive from memory', () => {
    const single = { ...inputs, embeddings: host(embeddings.slice(0, 4)) };
    const rows = lossValues(supCon, single, { temperature: 0.5, reduction: 'none' });
    // labels [0, 1, 0, 2], 1 view: rows 1 (label 1) and 3 (label 2) have positives only in memory.
    memoryRows(embeddings.slice(0, 4), labels, 1, memory, memoryLabels, 0.5).forEach((v, i) => expect(rows[i]).toBeCloseTo(v, 12));
    expect(rows[1]).toBeGreaterThan(0);
    expect(rows[3]).toBeGreaterThan(0);
  });

  it('equals the batch rows of SupCon over [batch; memory] (1 view), losses and the detached gradient', () => {
    const b = createReferenceBackend();
    const batch = b.fromArray(embeddings.flat(), [8, 3]);
    const withMemory = computeLossAndGradients(
      b, supCon,
      { embeddings: batch, labels: b.fromArray([...labels, ...labels], [8]), memory: b.fromArray(memory.flat(), [5, 3]), memoryLabels: b.fromArray(memoryLabels, [5]) },
      { temperature: 0.3, reduction: 'none' },
    );
    // Concatenated: memory rows become anchors too; zero their upstream so only the batch rows' losses count.
    const stacked = b.fromArray([...embeddings.flat(), ...memory.flat()], [13, 3]);
    const concatenated = computeLossAndGradients(
      b, supCon, { embeddings: stacked, labels: b.fromArray([...labels, ...labels, ...memoryLabels], [13]) },
      { temperature: 0.3, reduction: 'none' }, b.fromArray([...ones(8), 0, 0, 0, 0, 0], [13]),
    );
    const rows = Array.from(b.readSync!(withMemory.loss));
    Array.from(b.readSync!(concatenated.loss)).slice(0, 8).forEach((v, i) => expect(rows[i]).toBeCloseTo(v, 12));
    const gradient = Array.from(b.readSync!(withMemory.gradients.embeddings!));
    Array.from(b.readSync!(concatenated.gradients.embeddings!)).slice(0, 24).forEach((v, i) => expect(gradient[i]).toBeCloseTo(v, 12));
    expect(Object.keys(withMemory.gradients)).toEqual(['embeddings']);
    disposeAll(b, [withMemory, concatenated, batch, stacked]);
  });

  it('has embedding gradients that agree with central finite differences', () => {
    expectGradientsMatchFiniteDifferences(supCon, inputs, { views: 2, temperature: 0.3 });
    expectGradientsMatchFiniteDifferences(supCon, inputs, { views: 2, temperature: 0.5, baseTemperature: 0.07, meanOver: 'all-anchors' });
    const upstream = { values: [0.4, -1.1, 1.7, 0.2, 1, -0.5, 0.9, 2], shape: [8] };
    expectGradientsMatchFiniteDifferences(supCon, inputs, { views: 2, temperature: 2, normalize: false, reduction: 'none' }, upstream);
  });

  it('works with a labelled createNegativeQueue', () => {
    const b = createReferenceBackend();
    const queue = createNegativeQueue(b, { capacity: 4, dimension: 3, labelled: true });
    const past = b.fromArray(memory.flat().slice(0, 9), [3, 3]);
    const pastLabels = b.fromArray(memoryLabels.slice(0, 3), [3]);
    queue.enqueue(past, pastLabels);
    const batch = { embeddings: b.fromArray(embeddings.flat(), [8, 3]), labels: b.fromArray(labels, [4]) };
    const { loss } = computeLossAndGradients(b, supCon, { ...batch, memory: queue.negatives(), memoryLabels: queue.labels() }, { views: 2 });
    const expected = mean(memoryRows(embeddings, labels, 2, memory.slice(0, 3), memoryLabels.slice(0, 3), 0.07));
    expect(b.readSync!(loss)[0]).toBeCloseTo(expected, 12);
    disposeAll(b, [loss, batch, past, pastLabels]);
    queue.dispose();
  });

  it('stays finite in float64 and float32 at temperature 0.01 with near-identical rows', () => {
    const center = randomMatrix(5, 1, 3)[0]!;
    const near = (seed: number, rows: number) => randomMatrix(seed, rows, 3).map((row) => row.map((v, k) => center[k]! + 1e-4 * v));
    for (const b of bothPrecisions()) {
      const tensors = { embeddings: b.fromArray(near(1, 8).flat(), [8, 3]), labels: b.fromArray(labels, [4]), memory: b.fromArray(near(2, 5).flat(), [5, 3]), memoryLabels: b.fromArray(memoryLabels, [5]) };
      const { loss, gradients } = computeLossAndGradients(b, supCon, tensors, { views: 2, temperature: 0.01 });
      expectFinite(b.readSync!(loss));
      expectFinite(b.readSync!(gradients.embeddings!));
    }
  });

  describe('rejects bad memory, naming the argument and leaking nothing', () => {
    const b = createReferenceBackend();
    const good = () => ({ embeddings: b.fromArray(embeddings.flat(), [8, 3]), labels: b.fromArray(labels, [4]) });
    const mem = (values: number[], shape: number[]) => b.fromArray(values, shape);
    const cases: [string, () => Record<string, unknown>, string][] = [
      ['memory without memoryLabels', () => ({ ...good(), memory: mem(memory.flat(), [5, 3]) }), 'memoryLabels'],
      ['memoryLabels without memory', () => ({ ...good(), memoryLabels: mem(memoryLabels, [5]) }), 'memory'],
      ['memory of another dimension', () => ({ ...good(), memory: mem(memory.flat().slice(0, 10), [5, 2]), memoryLabels: mem(memoryLabels, [5]) }), 'memory'],
      ['memory of rank 1', () => ({ ...good(), memory: mem([1, 2, 3], [3]), memoryLabels: mem([0], [1]) }), 'memory'],
      ['memory with no row', () => ({ ...good(), memory: mem([], [0, 3]), memoryLabels: mem([], [0]) }), 'memory'],
      ['memoryLabels of another length', () => ({ ...good(), memory: mem(memory.flat(), [5, 3]), memoryLabels: mem([0, 1], [2]) }), 'memoryLabels'],
      ['NaN in memory', () => ({ ...good(), memory: mem([NaN, ...memory.flat().slice(1)], [5, 3]), memoryLabels: mem(memoryLabels, [5]) }), 'memory'],
      ['fractional memoryLabels', () => ({ ...good(), memory: mem(memory.flat(), [5, 3]), memoryLabels: mem([0, 1, 0.5, 2, 1], [5]) }), 'memoryLabels'],
    ];
    it.each(cases)('%s', (_, build, argument) => {
      const given = build();
      expectInputError(b, () => computeLossAndGradients(b, supCon, given as never, { views: 2 }), argument);
    });
  });
});

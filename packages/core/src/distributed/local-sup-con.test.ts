import { describe, expect, it } from 'vitest';
import { computeLossAndGradients } from '../loss-definition.js';
import { expectInputError, randomMatrix } from '../losses/loss-test-support.js';
import { supCon, type SupConOptions } from '../losses/sup-con.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { combineGradients, runWorker, splitRows } from './data-parallel.test-support.js';
import { localSupCon } from './local-sup-con.js';

const rows = 10;
const dimension = 4;
const embeddings = randomMatrix(71, rows, dimension);
// Labels 2 and 3 occur once: 8 of the 10 anchors have a positive, so the two means differ.
const labels = [0, 1, 2, 0, 1, 3, 0, 4, 4, 1];

function fullBatch(options: Partial<SupConOptions>) {
  const b = createReferenceBackend();
  const run = computeLossAndGradients(b, supCon, { embeddings: b.fromArray(embeddings.flat(), [rows, dimension]), labels: b.fromArray(labels, [rows]) }, options);
  return { loss: b.readSync!(run.loss)[0]!, gradient: Array.from(b.readSync!(run.gradients.embeddings!)) };
}

function workers(count: number, options: Record<string, unknown>) {
  const blocks = splitRows(rows, count);
  const results = blocks.map(({ offset, count: size }) =>
    runWorker({
      loss: 'local-sup-con',
      local: { embeddings: embeddings.slice(offset, offset + size), labels: labels.slice(offset, offset + size) },
      gathered: { gatheredEmbeddings: embeddings, gatheredLabels: labels },
      options: { ...options, rowOffset: offset },
    }),
  );
  const combined = combineGradients(results, blocks, { embeddings: 'gatheredEmbeddings' }, dimension);
  return { loss: results.reduce((acc, r) => acc + r.loss, 0), gradient: combined.embeddings! };
}

describe('localSupCon baseTemperature and meanOver', () => {
  const optionSets: Partial<SupConOptions>[] = [
    { temperature: 0.1, baseTemperature: 0.07, meanOver: 'all-anchors' },
    { temperature: 0.5, baseTemperature: 0.2 },
    { temperature: 0.1, meanOver: 'all-anchors' },
    { temperature: 0.3, baseTemperature: 0.07, reduction: 'sum' },
  ];
  it.each(optionSets.flatMap((options) => [2, 3].map((count) => [count, options] as const)))(
    '%i workers add up to supCon with the same options %o',
    (count, options) => {
      const expected = fullBatch(options);
      const actual = workers(count, options);
      expect(actual.loss).toBeCloseTo(expected.loss, 12);
      actual.gradient.forEach((v, i) => expect(v).toBeCloseTo(expected.gradient[i]!, 12));
    },
  );

  it('the options change the loss as stated: factor temperature / baseTemperature; mean over 10 rows instead of 8', () => {
    const plain = workers(2, { temperature: 0.1 }).loss;
    expect(workers(2, { temperature: 0.1, baseTemperature: 0.05 }).loss).toBeCloseTo(2 * plain, 12);
    expect(workers(2, { temperature: 0.1, meanOver: 'all-anchors' }).loss).toBeCloseTo((plain * 8) / 10, 12);
  });

  describe('rejects bad options, naming them', () => {
    const b = createReferenceBackend();
    const inputs = () => ({
      embeddings: b.fromArray(embeddings.slice(0, 5).flat(), [5, dimension]),
      labels: b.fromArray(labels.slice(0, 5), [5]),
      gatheredEmbeddings: b.fromArray(embeddings.flat(), [rows, dimension]),
      gatheredLabels: b.fromArray(labels, [rows]),
    });
    it.each([
      [{ baseTemperature: 0 }, 'options.baseTemperature'],
      [{ baseTemperature: Infinity }, 'options.baseTemperature'],
      [{ meanOver: 'every-anchor' }, 'options.meanOver'],
    ] as const)('%o', (options, argument) => {
      const given = inputs();
      expectInputError(b, () => computeLossAndGradients(b, localSupCon, given, options as never), argument);
    });
  });
});

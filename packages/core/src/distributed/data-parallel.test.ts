import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { computeLossAndGradients } from '../loss-definition.js';
import { clip } from '../losses/clip.js';
import { ntXent } from '../losses/nt-xent.js';
import { supCon } from '../losses/sup-con.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { combineGradients, runWorker, splitRows, type Matrix, type WorkerResult, type WorkerTask } from './data-parallel.test-support.js';

const rows = 10;
const dimension = 4;
let state = 7;
const random = () => ((state = (state * 1103515245 + 12345) % 2147483648), state / 2147483648 - 0.5);
const matrix = (): Matrix => Array.from({ length: rows }, () => Array.from({ length: dimension }, random));
const anchors = matrix();
const positives = matrix();
const labels = [0, 1, 2, 0, 1, 3, 0, 4, 4, 1];

/** Full-batch loss and gradients on one worker, by input name. */
function fullBatch(loss: 'nt-xent' | 'clip' | 'sup-con') {
  const b = createReferenceBackend();
  const m = (x: Matrix) => b.fromArray(x.flat(), [x.length, dimension]);
  const run =
    loss === 'nt-xent'
      ? computeLossAndGradients(b, ntXent, { anchors: m(anchors), positives: m(positives) }, { temperature: 0.2 })
      : loss === 'clip'
        ? computeLossAndGradients(b, clip, { anchors: m(anchors), positives: m(positives), logitScale: b.fill([], 14) })
        : computeLossAndGradients(b, supCon, { embeddings: m(anchors), labels: b.fromArray(labels, [rows]) }, { temperature: 0.1 });
  const gradients = Object.fromEntries(Object.entries(run.gradients).map(([k, t]) => [k, Array.from(b.readSync!(t as never))]));
  return { loss: b.readSync!(run.loss)[0]!, gradients };
}

function tasks(loss: 'nt-xent' | 'clip' | 'sup-con', workers: number): WorkerTask[] {
  return splitRows(rows, workers).map<WorkerTask>(({ offset, count }) => {
    const take = <X>(x: X[]) => x.slice(offset, offset + count);
    if (loss === 'nt-xent') {
      return { loss: 'local-nt-xent', local: { anchors: take(anchors), positives: take(positives) }, gathered: { gatheredAnchors: anchors, gatheredPositives: positives }, options: { temperature: 0.2, rowOffset: offset } };
    }
    if (loss === 'clip') {
      return { loss: 'local-clip', local: { anchors: take(anchors), positives: take(positives), logitScale: 14 }, gathered: { gatheredAnchors: anchors, gatheredPositives: positives }, options: { rowOffset: offset } };
    }
    return { loss: 'local-sup-con', local: { embeddings: take(anchors), labels: take(labels) }, gathered: { gatheredEmbeddings: anchors, gatheredLabels: labels }, options: { temperature: 0.1, rowOffset: offset } };
  });
}

const gatheredPairs = {
  'nt-xent': { anchors: 'gatheredAnchors', positives: 'gatheredPositives' },
  clip: { anchors: 'gatheredAnchors', positives: 'gatheredPositives' },
  'sup-con': { embeddings: 'gatheredEmbeddings' },
} as const;

function expectMatchesFullBatch(loss: 'nt-xent' | 'clip' | 'sup-con', workers: number, results: WorkerResult[]) {
  const expected = fullBatch(loss);
  expect(results.reduce((acc, r) => acc + r.loss, 0)).toBeCloseTo(expected.loss, 12);
  const combined = combineGradients(results, splitRows(rows, workers), gatheredPairs[loss], dimension);
  for (const [name, values] of Object.entries(combined)) {
    values.forEach((v, i) => expect(v).toBeCloseTo(expected.gradients[name]![i]!, 12));
  }
  if (loss === 'clip') {
    const scale = results.reduce((acc, r) => acc + r.gradients.logitScale![0]!, 0);
    expect(scale).toBeCloseTo(expected.gradients.logitScale![0]!, 12);
  }
}

describe.each(['nt-xent', 'clip', 'sup-con'] as const)('%s local-loss form', (loss) => {
  it.each([2, 4])('%i workers in one process reproduce the full-batch loss and gradients', (workers) => {
    expectMatchesFullBatch(loss, workers, tasks(loss, workers).map(runWorker));
  });

  it.each([2, 4])('%i worker_threads reproduce the full-batch loss and gradients', async (workers) => {
    const entry = new URL('./local-loss-worker.test-support.mjs', import.meta.url);
    const results = await Promise.all(
      tasks(loss, workers).map(
        (task) =>
          new Promise<WorkerResult>((resolve, reject) => {
            const worker = new Worker(entry);
            worker.once('message', (result: WorkerResult) => void worker.terminate().then(() => resolve(result)));
            worker.once('error', reject);
            worker.postMessage(task);
          }),
      ),
    );
    expectMatchesFullBatch(loss, workers, results);
  }, 60_000);
});

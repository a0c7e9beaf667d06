import { describe, expect, it } from 'vitest';
import { ContrastiveInputError } from '../errors.js';
import { computeLossAndGradients, disposeAll } from '../loss-definition.js';
import { infoNce } from '../losses/info-nce.js';
import { createReferenceBackend, type ReferenceTensor } from '../reference/reference-backend.js';
import { createNegativeQueue } from './negative-queue.js';

const backend = createReferenceBackend();
const rows = (values: number[][]) => backend.fromArray(values.flat(), [values.length, values[0]!.length]);
const read = (x: ReferenceTensor) => Array.from(backend.readSync!(x));

function argumentOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContrastiveInputError);
    return (error as ContrastiveInputError).argument;
  }
  throw new Error('did not throw');
}

describe('createNegativeQueue (reference backend)', () => {
  it('holds the newest keys first and drops the oldest beyond its capacity', () => {
    const queue = createNegativeQueue(backend, { capacity: 5, dimension: 2 });
    expect(queue.size).toBe(0);
    const first = rows([[1, 1], [2, 2], [3, 3]]);
    queue.enqueue(first);
    backend.dispose(first); // the queue holds its own copy
    expect(queue.size).toBe(3);
    expect(read(queue.negatives())).toEqual([1, 1, 2, 2, 3, 3]);
    const second = rows([[4, 4], [5, 5], [6, 6]]);
    queue.enqueue(second);
    expect(backend.shape(queue.negatives())).toEqual([5, 2]);
    expect(read(queue.negatives())).toEqual([4, 4, 5, 5, 6, 6, 1, 1, 2, 2]);
    const third = rows([[7, 7], [8, 8], [9, 9], [10, 10], [11, 11]]);
    queue.enqueue(third);
    expect(read(queue.negatives())).toEqual([7, 7, 8, 8, 9, 9, 10, 10, 11, 11]);
    disposeAll(backend, [second, third]);
    queue.dispose();
  });

  it('keeps a label per key in the same order', () => {
    const queue = createNegativeQueue(backend, { capacity: 4, dimension: 1, labelled: true });
    const [k1, l1, k2, l2] = [rows([[0.5], [1.5]]), backend.fromArray([7, 8], [2]), rows([[2.5], [3.5], [4.5]]), backend.fromArray([9, 7, 9], [3])];
    queue.enqueue(k1, l1);
    queue.enqueue(k2, l2);
    expect(read(queue.negatives())).toEqual([2.5, 3.5, 4.5, 0.5]);
    expect(read(queue.labels())).toEqual([9, 7, 9, 7]);
    disposeAll(backend, [k1, l1, k2, l2]);
    queue.dispose();
  });

  it('releases every tensor it created: one buffer alive while in use, none after dispose', () => {
    const before = backend.liveCount();
    const queue = createNegativeQueue(backend, { capacity: 6, dimension: 3, labelled: true });
    for (let step = 0; step < 5; step++) {
      const keys = backend.fill([4, 3], step);
      const labels = backend.fill([4], step);
      queue.enqueue(keys, labels);
      disposeAll(backend, [keys, labels]);
      expect(backend.liveCount()).toBe(before + 2);
    }
    queue.dispose();
    expect(backend.liveCount()).toBe(before);
  });

  it('serves InfoNCE as unpaired negatives: the loss of -x_0 + log sum_j exp(x_j), x = cosine / temperature', () => {
    const queue = createNegativeQueue(backend, { capacity: 3, dimension: 2 });
    const keys = rows([[1, 0], [0, 1], [-1, 0]]);
    queue.enqueue(keys);
    // anchors (1, 0) and (0, 2) with positives (2, 0) and (0, 1): every positive cosine is 1.
    const [anchors, positives] = [rows([[1, 0], [0, 2]]), rows([[2, 0], [0, 1]])];
    const { loss, gradients } = computeLossAndGradients(backend, infoNce, { anchors, positives, negatives: queue.negatives() }, { temperature: 0.5 });
    // Row 1: x = [1, 1, 0, -1] / 0.5; row 2: x = [1, 0, 1, 0] / 0.5.
    const row = (x: number[]) => -x[0]! + Math.log(x.reduce((sum, v) => sum + Math.exp(v), 0));
    const expected = (row([2, 2, 0, -2]) + row([2, 0, 2, 0])) / 2;
    expect(read(loss)[0]).toBeCloseTo(expected, 12);
    expect(backend.shape(gradients.negatives!)).toEqual([3, 2]);
    disposeAll(backend, [loss, gradients, keys, anchors, positives]);
    queue.dispose();
  });

  it('rejects bad options, keys and labels with ContrastiveInputError, leaving the queue as it was', () => {
    for (const [options, argument] of [
      [{ capacity: 0, dimension: 2 }, 'options.capacity'],
      [{ capacity: 2.5, dimension: 2 }, 'options.capacity'],
      [{ capacity: 4, dimension: -1 }, 'options.dimension'],
      [{ capacity: 4, dimension: 2, labelled: 'yes' }, 'options.labelled'],
    ] as const) {
      expect(argumentOf(() => createNegativeQueue(backend, options as never))).toBe(argument);
    }
    const queue = createNegativeQueue(backend, { capacity: 2, dimension: 2 });
    expect(argumentOf(() => queue.negatives())).toBe('queue');
    const [wide, many, fine] = [backend.fill([1, 3], 1), backend.fill([3, 2], 1), backend.fill([1, 2], 1)];
    expect(argumentOf(() => queue.enqueue(wide))).toBe('keys');
    expect(argumentOf(() => queue.enqueue(many))).toBe('keys');
    expect(argumentOf(() => queue.enqueue([[1, 2]] as never))).toBe('keys');
    expect(argumentOf(() => queue.enqueue(fine, fine))).toBe('labels');
    expect(argumentOf(() => queue.labels())).toBe('queue');
    expect(queue.size).toBe(0);
    const labelled = createNegativeQueue(backend, { capacity: 2, dimension: 2, labelled: true });
    expect(argumentOf(() => labelled.enqueue(fine))).toBe('labels');
    const twoLabels = backend.fill([2], 0);
    expect(argumentOf(() => labelled.enqueue(fine, twoLabels))).toBe('labels');
    queue.dispose();
    expect(argumentOf(() => queue.enqueue(fine))).toBe('queue');
    disposeAll(backend, [wide, many, fine, twoLabels]);
    labelled.dispose();
  });

  it('names the cause when an enclosing scope disposed its buffer', () => {
    const queue = createNegativeQueue(backend, { capacity: 4, dimension: 2 });
    const keys = backend.fill([2, 2], 1);
    backend.scope(() => queue.enqueue(keys));
    expect(() => queue.negatives()).toThrow(/call enqueue outside scope/);
    expect(argumentOf(() => queue.enqueue(keys))).toBe('queue');
    backend.dispose(keys);
    queue.dispose();
  });
});

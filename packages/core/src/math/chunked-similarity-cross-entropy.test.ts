import { describe, expect, it } from 'vitest';
import { computeLossAndGradients } from '../loss-definition.js';
import { ntXent } from '../losses/nt-xent.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { withChunking } from './chunked-similarity-cross-entropy.js';

function randomMatrix(rows: number, columns: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: rows * columns }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
}

describe('withChunking', () => {
  it.each([1, 3, 7, 64])('gives the unchunked NT-Xent loss and gradients with blocks of %i rows', async (blockRows) => {
    const plain = createReferenceBackend();
    const chunked = withChunking(plain, { blockRows });
    const run = (b: typeof plain) => {
      const inputs = { anchors: b.fromArray(randomMatrix(5, 4, 1), [5, 4]), positives: b.fromArray(randomMatrix(5, 4, 2), [5, 4]) };
      const result = computeLossAndGradients(b, ntXent, inputs, { temperature: 0.1 });
      return [result.loss, result.gradients.anchors!, result.gradients.positives!].map((t) => Array.from(b.readSync!(t)));
    };
    const expected = run(plain);
    const actual = run(chunked);
    actual.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 12)));
  });

  it('keeps no block intermediates alive after the call', () => {
    const plain = createReferenceBackend();
    const chunked = withChunking(plain, { blockRows: 2 });
    const anchors = chunked.fromArray(randomMatrix(6, 3, 3), [6, 3]);
    const positives = chunked.fromArray(randomMatrix(6, 3, 4), [6, 3]);
    const before = plain.liveCount();
    const result = computeLossAndGradients(chunked, ntXent, { anchors, positives });
    expect(plain.liveCount()).toBe(before + 3);
    for (const t of [result.loss, result.gradients.anchors!, result.gradients.positives!]) chunked.dispose(t);
    expect(plain.liveCount()).toBe(before);
  });
});

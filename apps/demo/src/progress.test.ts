import { describe, expect, it } from 'vitest';
import { createProgressReporter, formatProgress } from './progress.js';

const at = (epoch: number, step: number) => ({ epoch, epochs: 2, step, stepsPerEpoch: 4, loss: 1.23456, samplesPerSecond: 2345.6 });

describe('progress', () => {
  it('formats the epoch, a bar of the steps done, the loss and samples per second', () => {
    expect(formatProgress(at(2, 1), 8)).toBe('epoch 2/2 [#####...] 5/8 steps  last-step loss 1.2346  2,346 samples/s');
  });

  it('writes one plain line per epoch when the stream is not a terminal', () => {
    const lines: string[] = [];
    const reporter = createProgressReporter({ write: (text: string) => lines.push(text), isTTY: false });
    for (let epoch = 1; epoch <= 2; epoch++) for (let step = 1; step <= 4; step++) reporter.update(at(epoch, step));
    reporter.finish();
    expect(lines).toEqual([`${formatProgress(at(1, 4))}\n`, `${formatProgress(at(2, 4))}\n`]);
  });

  it('redraws one line in place on a terminal and ends it with a newline', () => {
    const writes: string[] = [];
    const reporter = createProgressReporter({ write: (text: string) => writes.push(text), isTTY: true, columns: 120 }, 0);
    reporter.update(at(1, 1));
    reporter.update(at(1, 2));
    reporter.finish();
    expect(writes).toEqual([`\r${formatProgress(at(1, 1))}\x1b[K`, `\r${formatProgress(at(1, 2))}\x1b[K`, '\n']);
  });
});

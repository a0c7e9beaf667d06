/**
 * Training progress on a stream (stderr): on a terminal, one line redrawn in place with a bar, the epoch, the
 * loss of the last step (one batch, so it is noisy; the final summary quotes the last epoch's mean) and samples
 * per second; otherwise (CI logs, pipes) one plain line at the end of every epoch.
 */
import type { TrainingProgress } from './train.js';

/** The part of a Node write stream the reporter uses. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressReporter {
  update(progress: TrainingProgress): void;
  /** Ends the in-place line (terminal) so later output starts on a new line. */
  finish(): void;
}

/** One progress line: `epoch 3/30 [#####.....] 12/30 steps  last-step loss 4.1234  2,345 samples/s`. */
export function formatProgress(progress: TrainingProgress, barWidth = 20): string {
  const totalSteps = progress.epochs * progress.stepsPerEpoch;
  const done = (progress.epoch - 1) * progress.stepsPerEpoch + progress.step;
  const filled = Math.round((barWidth * done) / totalSteps);
  const bar = '#'.repeat(filled) + '.'.repeat(barWidth - filled);
  const rate = Math.round(progress.samplesPerSecond).toLocaleString('en-US');
  return `epoch ${progress.epoch}/${progress.epochs} [${bar}] ${done}/${totalSteps} steps  last-step loss ${progress.loss.toFixed(4)}  ${rate} samples/s`;
}

export function createProgressReporter(stream: ProgressStream, minIntervalMs = 100): ProgressReporter {
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    update(progress) {
      const endOfEpoch = progress.step === progress.stepsPerEpoch;
      if (!stream.isTTY) {
        if (endOfEpoch) stream.write(`${formatProgress(progress)}\n`);
        return;
      }
      const now = performance.now();
      if (now - lastDraw < minIntervalMs && !endOfEpoch) return;
      lastDraw = now;
      const width = stream.columns && stream.columns > 20 ? stream.columns - 1 : undefined; // 0 or unknown: no cut
      const line = formatProgress(progress).slice(0, width);
      stream.write(`\r${line}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (stream.isTTY && drawn) stream.write('\n');
      drawn = false;
    },
  };
}

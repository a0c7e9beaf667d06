/**
 * `pnpm demo`: trains the digits encoder and prints the k-NN accuracies (stdout); progress goes to stderr.
 * Exit code 2 for bad options (the message names the option), 1 for any other failure.
 */
import { ContrastiveInputError } from '@contrastive/core';
import { parseDemoArgs, usage } from './cli.js';
import { createProgressReporter } from './progress.js';
import { defaultModelSizes as sizes, runDemo } from './run-demo.js';

async function main(argv: readonly string[]): Promise<number> {
  const options = parseDemoArgs(argv);
  if (options.help) {
    process.stdout.write(usage);
    return 0;
  }
  const progress = createProgressReporter(process.stderr);
  process.stderr.write(`Training a ${sizes.encoder.join('-')} encoder (projection head ${sizes.head.join('-')}) with ${options.loss} on the ${options.backend} backend (${options.epochs} epochs, batch ${options.batchSize}, temperature ${options.temperature}).\n`);
  const result = await runDemo(options, (step) => progress.update(step));
  progress.finish();
  const percent = (value: number) => `${(100 * value).toFixed(1)}%`.padStart(6);
  process.stdout.write(
    [
      `Trained ${result.stepLosses.length} steps in ${result.trainingSeconds.toFixed(1)} s (${Math.round(result.samplesPerSecond)} samples/s); final epoch loss ${result.epochMeans.at(-1)!.toFixed(4)}.`,
      `k-NN accuracy (k=5, cosine) on the ${result.testCount} test digits (neighbours: the ${result.trainCount} training digits):`,
      `  learned embedding  ${percent(result.accuracies.learned)}  (encoder output h, ${sizes.encoder.at(-1)}-D, before the head)`,
      `  random encoder     ${percent(result.accuracies.random)}  (the same h before training)`,
      `  raw pixels         ${percent(result.accuracies.pixels)}`,
      `Report: ${result.reportPath}`,
      '',
    ].join('\n'),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ContrastiveInputError) {
      process.stderr.write(`demo: ${error.message}\n\n${usage}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

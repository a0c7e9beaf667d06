/**
 * `pnpm demo`: trains the digits encoder and prints the k-NN accuracies (stdout); progress goes to stderr.
 * Exit code 2 for bad options (the message names the option), 1 for any other failure.
 */
import { ContrastiveInputError } from '@contrastive/core';
import { parseDemoArgs, usage } from './cli.js';
import { formatFewLabelTable } from './few-label-table.js';
import { createProgressReporter } from './progress.js';
import { defaultModelSizes as sizes, runDemo, type DemoResult } from './run-demo.js';

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
      `Trained ${result.stepLosses.length} steps in ${result.trainingSeconds.toFixed(1)} s (${Math.round(result.samplesPerSecond)} samples/s); mean loss over the last epoch ${result.epochMeans.at(-1)!.toFixed(4)} (the progress line shows the last step's).`,
      `Test accuracy (%) on the ${result.testCount} held-out digits with few labelled training digits: mean ± sd over ${fewLabelDraws(result)} random draws of the labelled set;`,
      `k-NN: cosine, k = min(5, labels per class); probe: logistic regression. h = the encoder's ${sizes.encoder.at(-1)}-D output, learned or at its random init.`,
      ...formatFewLabelTable(result.fewLabel),
      `k-NN (k=5) with all ${result.trainCount} training labels: learned h ${percent(result.accuracies.learned)}, random h ${percent(result.accuracies.random)}, raw pixels ${percent(result.accuracies.pixels)}.`,
      `Evaluation took ${result.evaluationSeconds.toFixed(1)} s. Report: ${result.reportPath}  Summary: ${result.summaryPath}`,
      '',
    ].join('\n'),
  );
  return 0;
}

const fewLabelDraws = (result: DemoResult) => Math.max(...result.fewLabel.map((row) => row.draws));

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

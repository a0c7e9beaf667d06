/**
 * Command-line options of the demo. Every value is checked; a bad one throws `ContrastiveInputError` naming the
 * option, what was expected and what was given.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ContrastiveInputError } from '@contrastive/core';
import { backendNames } from './backends.js';
import { pairLossNames, type PairLossName } from './pair-losses.js';

export interface DemoOptions {
  readonly backend: string;
  readonly loss: PairLossName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly temperature: number;
  readonly learningRate: number;
  /** Absolute path of the HTML report. */
  readonly out: string;
  readonly seed: number;
}

export const defaultReportPath = fileURLToPath(new URL('../out/digits-report.html', import.meta.url));

export const defaultDemoOptions: DemoOptions = {
  backend: 'reference',
  loss: 'nt-xent',
  epochs: 30,
  batchSize: 64,
  temperature: 0.3,
  learningRate: 1e-3,
  out: defaultReportPath,
  seed: 1,
};

export const usage = `Usage: pnpm demo [options]

Trains a 64-256-16 MLP encoder with a 16-64-32 projection head and a contrastive loss on the UCI
optical-digits set (8x8 images) without labels, then compares, on the held-out test digits, k-NN (cosine) and
linear-probe accuracy with 1, 5, 10 and all labelled training digits per class (5 random labelled sets each) of
the encoder's 16-D output (learned, and at its random initialisation) and of the raw pixels. Writes an HTML
report and summary.json beside it.

  --backend <name>        tensor backend: ${backendNames.join(', ')} (default ${defaultDemoOptions.backend})
  --loss <name>           ${pairLossNames.join(', ')} (default ${defaultDemoOptions.loss})
  --epochs <n>            training epochs (default ${defaultDemoOptions.epochs})
  --batch-size <n>        pairs per step, at least 2 (default ${defaultDemoOptions.batchSize})
  --temperature <t>       loss temperature, > 0 (default ${defaultDemoOptions.temperature})
  --learning-rate <r>     Adam learning rate, cosine-decayed to 0 (default ${defaultDemoOptions.learningRate})
  --out <path>            report file, HTML with inline SVG (default apps/demo/out/digits-report.html);
                          summary.json is written in the same folder
  --seed <n>              random seed for split, initialisation, batches and augmentation (default ${defaultDemoOptions.seed})
  --help                  print this text
`;

const optionSpec = {
  backend: { type: 'string' },
  loss: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  temperature: { type: 'string' },
  'learning-rate': { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Parses `argv` (without node and the script); `help: true` when `--help` was given. */
export function parseDemoArgs(argv: readonly string[], cwd = process.env.INIT_CWD ?? process.cwd()): DemoOptions & { help: boolean } {
  let values: Partial<Record<keyof typeof optionSpec, string | boolean>>;
  try {
    values = parseArgs({ args: [...argv], options: optionSpec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const names = Object.keys(optionSpec).map((name) => `--${name}`).join(', ');
    throw new ContrastiveInputError('arguments', `options among ${names}`, (error as Error).message);
  }
  const text = (name: keyof typeof optionSpec) => values[name] as string | undefined;
  const loss = text('loss') ?? defaultDemoOptions.loss;
  if (!(pairLossNames as string[]).includes(loss)) {
    throw new ContrastiveInputError('--loss', `one of ${pairLossNames.join(', ')}`, JSON.stringify(loss));
  }
  const backend = text('backend') ?? defaultDemoOptions.backend;
  if (!backendNames.includes(backend)) {
    throw new ContrastiveInputError('--backend', `one of ${backendNames.join(', ')}`, JSON.stringify(backend));
  }
  const out = text('out');
  return {
    backend,
    loss: loss as PairLossName,
    epochs: integerOption('--epochs', text('epochs'), defaultDemoOptions.epochs, 1),
    batchSize: integerOption('--batch-size', text('batch-size'), defaultDemoOptions.batchSize, 2),
    temperature: positiveOption('--temperature', text('temperature'), defaultDemoOptions.temperature),
    learningRate: positiveOption('--learning-rate', text('learning-rate'), defaultDemoOptions.learningRate),
    out: out === undefined ? defaultDemoOptions.out : isAbsolute(out) ? out : resolve(cwd, out),
    seed: integerOption('--seed', text('seed'), defaultDemoOptions.seed, 0),
    help: values.help === true,
  };
}

function integerOption(name: string, text: string | undefined, fallback: number, minimum: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < minimum) {
    throw new ContrastiveInputError(name, `an integer >= ${minimum}`, JSON.stringify(text));
  }
  return value;
}

function positiveOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new ContrastiveInputError(name, 'a finite number > 0', JSON.stringify(text));
  }
  return value;
}

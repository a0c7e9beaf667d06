#!/usr/bin/env node
/**
 * `contrastive-conformance`: runs one backend on a fixture directory without vitest and prints one summary line
 * per loss, then `N passed, M failed`; exits with 1 when a case fails and 2 on a usage error.
 *
 *   contrastive-conformance --backend reference --fixtures ./my-cases
 *   contrastive-conformance --backend-module ./my-backend.ts --backend-export createMyBackend
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createReferenceBackend, type TensorBackend } from '@contrastive/core';
import { bundledFixturesDirectory } from './load-fixtures.js';
import { runFixtures, type FixtureResult } from './run-fixtures.js';

const usage = `usage: contrastive-conformance [--backend reference | --backend-module <path-or-package> [--backend-export <factory>]] [--fixtures <directory>]`;

export interface CliArguments {
  readonly backend?: string;
  readonly backendModule?: string;
  readonly backendExport: string;
  readonly fixtures?: string;
}

/** Parses `--name value` pairs; throws an `Error` whose message is shown with the usage line. */
export function parseArguments(argv: readonly string[]): CliArguments {
  const values: Record<string, string> = {};
  if (argv[0] === '--') argv = argv.slice(1); // `pnpm run cli -- ...` passes the separator through
  const known = ['--backend', '--backend-module', '--backend-export', '--fixtures'];
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (!known.includes(flag)) throw new Error(`unknown argument ${flag}`);
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    values[flag] = value;
  }
  if (values['--backend'] !== undefined && values['--backend-module'] !== undefined) {
    throw new Error('give --backend or --backend-module, not both');
  }
  if (values['--backend'] !== undefined && values['--backend'] !== 'reference') {
    throw new Error(`unknown built-in backend "${values['--backend']}" (built in: reference; others through --backend-module)`);
  }
  return {
    backend: values['--backend'],
    backendModule: values['--backend-module'],
    backendExport: values['--backend-export'] ?? 'default',
    fixtures: values['--fixtures'],
  };
}

async function createBackend(args: CliArguments): Promise<TensorBackend<unknown>> {
  if (args.backendModule === undefined) return createReferenceBackend();
  const specifier = /^[./]/.test(args.backendModule) ? pathToFileURL(resolve(args.backendModule)).href : args.backendModule;
  const module = (await import(specifier)) as Record<string, unknown>;
  const factory = module[args.backendExport];
  if (typeof factory !== 'function') throw new Error(`${args.backendModule} has no function export "${args.backendExport}"`);
  return (await factory()) as TensorBackend<unknown>;
}

/** One line per loss (`nt-xent  12 passed, 0 failed`), each failed case with its mismatches, then the total. */
export function formatSummary(results: readonly FixtureResult[]): string[] {
  const losses = [...new Set(results.map((r) => r.loss))];
  const width = Math.max(0, ...losses.map((loss) => loss.length));
  const lines: string[] = [];
  for (const loss of losses) {
    const cases = results.filter((r) => r.loss === loss);
    const failed = cases.filter((r) => !r.passed);
    lines.push(`${loss.padEnd(width)}  ${cases.length - failed.length} passed, ${failed.length} failed`);
    for (const result of failed) lines.push(`  FAIL ${result.id}`, ...result.failures.map((f) => `    ${f}`));
  }
  const failedCount = results.filter((r) => !r.passed).length;
  lines.push(`${results.length - failedCount} passed, ${failedCount} failed`);
  return lines;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  let args: CliArguments;
  try {
    args = parseArguments(argv);
  } catch (error) {
    print(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  try {
    const backend = await createBackend(args);
    const directory = args.fixtures ?? (await bundledFixturesDirectory());
    print(`backend ${backend.name} (${backend.capabilities.precision}), fixtures ${directory}`);
    const results = await runFixtures(backend, directory);
    formatSummary(results).forEach((line) => print(line));
    return results.every((r) => r.passed) ? 0 : 1;
  } catch (error) {
    print(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

// Run only when executed (directly or through the bin link), not when imported by tests.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack ?? error.message : error);
      process.exit(2);
    },
  );
}

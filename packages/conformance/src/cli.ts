#!/usr/bin/env node
/**
 * `contrastive-conformance`: runs the whole conformance suite (the same cases as `describeConformance`) on one
 * backend, in vitest, and prints the failures, one line per part of the suite, then `N passed, M failed` (and
 * `, K skipped`). When a primitive fails, it says so first and counts the follow-on failures instead of listing
 * them. Exit code 0 when nothing failed, 1 when a case failed, 2 on a usage or loading error.
 *
 *   contrastive-conformance --backend-module ./my-backend.ts --backend-export createMyBackend
 *   contrastive-conformance --backend reference --fixtures ./my-cases --cases nt-xent/
 *
 * The module may be TypeScript or JavaScript (vitest loads it); relative paths start at `--cwd` (default: the
 * working directory). In this repository, `pnpm conformance ...` runs this file from source with `--cwd` set to
 * the directory pnpm was started in.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatReport } from './cli/format-report.js';
import { CliUsageError, parseArguments, usage, type CliArguments } from './cli/parse-arguments.js';
import { moduleSpecifier, runSuite, type SuiteRequest } from './cli/run-suite.js';

export { formatReport, parseArguments };

/** This package's entry point next to this file: `src/index.ts` when run from source, `dist/index.js` when built. */
const conformanceEntry = new URL(import.meta.url.endsWith('.ts') ? './index.ts' : './index.js', import.meta.url).href;

function suiteRequest(args: CliArguments): SuiteRequest {
  const cwd = resolve(args.cwd ?? process.cwd());
  const backendModule = args.backendModule === undefined ? import.meta.resolve('@contrastive/core') : moduleSpecifier(args.backendModule, cwd);
  const backendExport = args.backendModule === undefined ? 'createReferenceBackend' : args.backendExport;
  return {
    backendModule,
    backendExport,
    name: args.backendModule === undefined ? 'reference' : backendExport,
    conformanceEntry,
    cwd,
    ...(args.fixtures === undefined ? {} : { fixturesDirectory: resolve(cwd, args.fixtures) }),
    ...(args.cases === undefined ? {} : { cases: args.cases }),
  };
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  let request: SuiteRequest;
  try {
    request = suiteRequest(parseArguments(argv));
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    print(`${error.message}\n${usage}`);
    return 2;
  }
  const shown = request.backendModule.startsWith('file:') ? fileURLToPath(request.backendModule) : request.backendModule;
  print(`conformance of ${request.backendExport} from ${shown}${request.fixturesDirectory ? `, fixtures ${request.fixturesDirectory}` : ''}`);
  const outcome = await runSuite(request);
  formatReport(outcome).forEach((line) => print(line));
  if (outcome.cases.length === 0 && outcome.errors.length === 0) {
    print('error: no case ran');
    return 2;
  }
  if (outcome.errors.length > 0) return outcome.cases.length === 0 ? 2 : 1;
  return outcome.cases.some((c) => c.state === 'failed') ? 1 : 0;
}

// Run only when executed (directly or through the bin link), not when imported by tests.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}

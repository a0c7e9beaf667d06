/**
 * The command line of `contrastive-conformance`, parsed. Every value is a plain string as given; paths are
 * resolved later against `cwd`.
 */
export interface CliArguments {
  /** `reference` (built in), when no module is given. */
  readonly backend?: string;
  /** A path (relative to `cwd`) or a package name. */
  readonly backendModule?: string;
  /** The factory's export name; default `default`. */
  readonly backendExport: string;
  /** A fixture directory instead of the bundled fixtures. */
  readonly fixtures?: string;
  /** Case-id prefixes to run (the others are skipped); default every case. */
  readonly cases?: readonly string[];
  /** Where relative paths start; default the working directory. */
  readonly cwd?: string;
}

/** A command line that cannot be run: shown with the usage line, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export const usage =
  'usage: contrastive-conformance [--backend reference | --backend-module <file-or-package> [--backend-export <factory>]]' +
  ' [--fixtures <directory>] [--cases <id-prefix>[,<id-prefix>...]] [--cwd <directory>]';

const flags = ['--backend', '--backend-module', '--backend-export', '--fixtures', '--cases', '--cwd'] as const;
type Flag = (typeof flags)[number];

/** Parses `--name value` pairs (`--name=value` too); throws `CliUsageError` naming the argument. */
export function parseArguments(argv: readonly string[]): CliArguments {
  const values = new Map<Flag, string>();
  const rest = argv.filter((argument) => argument !== '--'); // `pnpm run x -- ...` passes the separator through
  for (let i = 0; i < rest.length; i++) {
    const [name, inline] = splitInline(rest[i]!);
    if (!(flags as readonly string[]).includes(name)) throw new CliUsageError(`unknown argument ${name}`);
    const value = inline ?? rest[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new CliUsageError(`${name} needs a value`);
    // `--cwd` may come twice: `pnpm conformance` passes one, and one given after it wins.
    if (values.has(name as Flag) && name !== '--cwd') throw new CliUsageError(`${name} is given twice`);
    values.set(name as Flag, value);
  }
  const backend = values.get('--backend');
  if (backend !== undefined && values.has('--backend-module')) throw new CliUsageError('give --backend or --backend-module, not both');
  if (backend !== undefined && backend !== 'reference') {
    throw new CliUsageError(`unknown built-in backend "${backend}" (built in: reference; others through --backend-module)`);
  }
  if (values.has('--backend-export') && !values.has('--backend-module')) throw new CliUsageError('--backend-export needs --backend-module');
  const cases = values.get('--cases')?.split(',').map((prefix) => prefix.trim()).filter((prefix) => prefix !== '');
  return {
    backend,
    backendModule: values.get('--backend-module'),
    backendExport: values.get('--backend-export') ?? 'default',
    fixtures: values.get('--fixtures'),
    cases,
    cwd: values.get('--cwd'),
  };
}

function splitInline(argument: string): [string, string | undefined] {
  const equals = argument.indexOf('=');
  return argument.startsWith('--') && equals > 0 ? [argument.slice(0, equals), argument.slice(equals + 1)] : [argument, undefined];
}

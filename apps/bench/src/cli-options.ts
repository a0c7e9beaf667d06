/** The `pnpm bench` command line: which losses, backends and sizes to measure. */
import type { NodeAllocator } from './node-allocator.js';

export const lossNames = ['nt-xent', 'clip', 'sup-con', 'info-nce', 'info-nce-queue', 'info-nce-paired', 'dcl', 'simclr-info-nce', 'contrastive-loss', 'sig-lip'] as const;
export type BenchLoss = (typeof lossNames)[number];

/** Our backends (core's losses through a package's public exports), the naive tfjs forms and PyTorch. */
export const backendNames = [
  'ort-node',
  'ort-web-wasm',
  'tfjs-wasm',
  'tfjs-cpu',
  'reference',
  'naive-tfjs-wasm',
  'pytorch',
  'pytorch-stock',
] as const;
export type BenchBackend = (typeof backendNames)[number];

export interface BenchOptions {
  readonly quick: boolean;
  readonly large: boolean;
  /**
   * `--checks-only`: only the call-check pairs (`checksCells`: each cell with core's value checks on and off,
   * timed interleaved in one process, plus the host check alone); no matmul rates, floors or other cells.
   */
  readonly checksOnly: boolean;
  readonly losses: readonly BenchLoss[];
  readonly backends: readonly BenchBackend[];
  /** Pairs N (NT-Xent and SupCon compare 2N rows, CLIP N rows). */
  readonly sizes: readonly number[];
  /** Embedding dimension D. */
  readonly dimensions: readonly number[];
  /** A cell whose one run is estimated above this many seconds is skipped (with the estimate as its reason). */
  readonly budgetSeconds: number;
  /**
   * Temperatures to run each loss at (`--temperature 0.01` or `--temperature default,0.01`); `undefined` in the
   * list is the loss's own default (`lossSpecs[loss].defaultTemperature`).
   */
  readonly temperatures: readonly (number | undefined)[];
  /** `--node-allocator`: the C allocator of the Node cell processes (`nodeCellEnvironment`); `tuned` by default. */
  readonly nodeAllocator: NodeAllocator;
  /** `--record`: write the committed `results/` files; otherwise results go to the ignored `out/`. */
  readonly record: boolean;
  /** Where results are written (`outputDirectoryFor`), and their file stem (`latest`, `quick` with --quick, `checks` with --checks-only). */
  readonly outputDirectory: string;
  readonly name: string;
}

export const defaultSizes = [256, 1024, 4096, 16384] as const;
export const quickSizes = [256, 1024] as const;
export const defaultDimensions = [128, 512] as const;

const usage = `pnpm bench [--quick] [--large] [--checks-only] [--record] [--losses ${lossNames.join(',')}]
           [--backends ${backendNames.join(',')}]
           [--n 256,1024] [--d 128] [--temperature default,0.01] [--node-allocator tuned|stock]
           [--budget 90] [--out out] [--name latest]`;

/** The committed results (`--record`) and the ignored folder every other run writes to (apps/bench/out/, gitignored). */
export const recordDirectory = 'results';
export const scratchDirectory = 'out';

/** Where a run writes: `--out` when given, else `results/` with `--record`, else the ignored `out/`. */
export function outputDirectoryFor(record: boolean, out: string | undefined): string {
  return out ?? (record ? recordDirectory : scratchDirectory);
}

/** `--temperature`: comma-separated numbers > 0, or `default` (the loss's own). */
function temperatureList(flag: string, value: string | undefined): (number | undefined)[] {
  const items = (value ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  const parsed = items.map((item) => (item === 'default' ? undefined : Number(item)));
  if (items.length === 0 || parsed.some((t) => t !== undefined && !(Number.isFinite(t) && t > 0))) {
    throw new Error(`${flag}: expected comma-separated numbers > 0 or "default", got "${value ?? ''}"\n${usage}`);
  }
  return [...new Set(parsed)];
}

function nodeAllocatorFlag(flag: string, value: string | undefined): NodeAllocator {
  if (value === 'tuned' || value === 'stock') return value;
  throw new Error(`${flag}: expected tuned or stock, got "${value ?? ''}"\n${usage}`);
}

function list<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] {
  const items = (value ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
  if (items.length === 0 || unknown.length > 0) {
    throw new Error(`${flag}: expected a comma-separated list of ${allowed.join(', ')}, got "${value ?? ''}"\n${usage}`);
  }
  return items as T[];
}

function positiveIntegers(flag: string, value: string | undefined): number[] {
  const items = (value ?? '').split(',').filter((item) => item.length > 0).map(Number);
  if (items.length === 0 || items.some((item) => !Number.isInteger(item) || item < 1)) {
    throw new Error(`${flag}: expected comma-separated integers >= 1, got "${value ?? ''}"\n${usage}`);
  }
  return items;
}

/** Parses `process.argv.slice(2)`; throws with the usage text on an unknown flag or a bad value. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let large = false;
  let checksOnly = false;
  let losses: readonly BenchLoss[] = lossNames;
  let backends: readonly BenchBackend[] = backendNames;
  let sizes: readonly number[] | undefined;
  let dimensions: readonly number[] = defaultDimensions;
  let budgetSeconds = 90;
  let out: string | undefined;
  let record = false;
  let temperatures: readonly (number | undefined)[] = [undefined];
  let stem: string | undefined;
  let nodeAllocator: NodeAllocator = 'tuned';
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = () => inline ?? argv[++i];
    if (name === '--quick') quick = true;
    else if (name === '--large') large = true;
    else if (name === '--checks-only') checksOnly = true;
    else if (name === '--losses') losses = list(name, value(), lossNames);
    else if (name === '--backends') backends = list(name, value(), backendNames);
    else if (name === '--n') sizes = positiveIntegers(name, value());
    else if (name === '--d') dimensions = positiveIntegers(name, value());
    else if (name === '--budget') budgetSeconds = positiveIntegers(name, value())[0]!;
    else if (name === '--out') out = value();
    else if (name === '--record') record = true;
    else if (name === '--temperature') temperatures = temperatureList(name, value());
    else if (name === '--name') stem = value();
    else if (name === '--node-allocator') nodeAllocator = nodeAllocatorFlag(name, value());
    else throw new Error(`unknown flag ${flag}\n${usage}`);
  }
  const fileStem = stem ?? (checksOnly ? 'checks' : quick ? 'quick' : 'latest');
  if (!/^[\w.-]+$/.test(fileStem)) throw new Error(`--name: expected a file stem (letters, digits, . _ -), got "${fileStem}"\n${usage}`);
  if (checksOnly && large) throw new Error(`--checks-only and --large do not combine\n${usage}`);
  const outputDirectory = outputDirectoryFor(record, out);
  return { quick, large, checksOnly, losses, backends, sizes: sizes ?? (quick ? quickSizes : defaultSizes), dimensions, temperatures, budgetSeconds, nodeAllocator, record, outputDirectory, name: fileStem };
}

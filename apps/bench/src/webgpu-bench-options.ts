/**
 * The `pnpm bench:webgpu` command line (also reached as `pnpm bench --backends webgpu-dawn`): which runners,
 * losses and sizes, where results go (`out/` unless `--record`), and how Dawn picks its adapter.
 */
import { outputDirectoryFor } from './cli-options.js';
import { webGpuLosses, webGpuRunners, type WebGpuLoss, type WebGpuRunner } from './webgpu-cell.js';

export interface WebGpuBenchOptions {
  readonly runners: readonly WebGpuRunner[];
  readonly losses: readonly WebGpuLoss[];
  /** Pairs N. */
  readonly sizes: readonly number[];
  readonly dimensions: readonly number[];
  /** `undefined` is the loss's default temperature. */
  readonly temperatures: readonly (number | undefined)[];
  /** Time for one cell's timed runs; a cell whose single run is predicted above it is skipped with the prediction. */
  readonly budgetSeconds: number;
  readonly record: boolean;
  readonly outputDirectory: string;
  readonly name: string;
  /** Dawn toggles given to `create()` (`--dawn-options backend=vulkan,adapter=NVIDIA`). */
  readonly dawnOptions: readonly string[];
  readonly powerPreference: PowerPreference;
}

export type PowerPreference = 'high-performance' | 'low-power';

export const webGpuDefaultSizes = [256, 512, 1024, 2048] as const;

const usage = `pnpm bench:webgpu [--backends ${webGpuRunners.join(',')}] [--losses ${webGpuLosses.join(',')}] [--n ${webGpuDefaultSizes.join(',')}]
                 [--d 128] [--temperature default,0.01] [--budget 60] [--dawn-options backend=vulkan] [--power high-performance|low-power]
                 [--record] [--out out] [--name webgpu]`;

function items(flag: string, value: string | undefined): string[] {
  const parts = (value ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  if (parts.length === 0) throw new Error(`${flag}: expected a comma-separated list, got "${value ?? ''}"\n${usage}`);
  return parts;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] {
  const parts = items(flag, value);
  const unknown = parts.filter((item) => !(allowed as readonly string[]).includes(item));
  if (unknown.length > 0) throw new Error(`${flag}: expected some of ${allowed.join(', ')}, got "${unknown.join(',')}"\n${usage}`);
  return [...new Set(parts)] as T[];
}

function numbers(flag: string, value: string | undefined, valid: (x: number) => boolean, what: string): number[] {
  const parsed = items(flag, value).map(Number);
  if (parsed.some((x) => !valid(x))) throw new Error(`${flag}: expected ${what}, got "${value ?? ''}"\n${usage}`);
  return parsed;
}

const isCount = (x: number) => Number.isInteger(x) && x >= 1;

/** Parses the arguments after the command; throws with the usage text on an unknown flag or a bad value. */
export function parseWebGpuBenchOptions(argv: readonly string[]): WebGpuBenchOptions {
  let runners: readonly WebGpuRunner[] = ['webgpu-dawn'];
  let losses: readonly WebGpuLoss[] = webGpuLosses;
  let sizes: readonly number[] = webGpuDefaultSizes;
  let dimensions: readonly number[] = [128];
  let temperatures: readonly (number | undefined)[] = [undefined];
  let budgetSeconds = 60;
  let record = false;
  let out: string | undefined;
  let name = 'webgpu';
  let dawnOptions: readonly string[] = [];
  let powerPreference: PowerPreference = 'high-performance';
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [key, inline] = flag.includes('=') && flag.startsWith('--') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = () => inline ?? argv[++i];
    if (key === '--backends') runners = oneOf(key, value(), webGpuRunners);
    else if (key === '--losses') losses = oneOf(key, value(), webGpuLosses);
    else if (key === '--n') sizes = numbers(key, value(), isCount, 'integers >= 1');
    else if (key === '--d') dimensions = numbers(key, value(), isCount, 'integers >= 1');
    else if (key === '--temperature') temperatures = [...new Set(items(key, value()).map((t) => (t === 'default' ? undefined : numbers(key, t, (x) => Number.isFinite(x) && x > 0, 'numbers > 0 or "default"')[0])))];
    else if (key === '--budget') budgetSeconds = numbers(key, value(), (x) => Number.isFinite(x) && x > 0, 'seconds > 0')[0]!;
    else if (key === '--record') record = true;
    else if (key === '--out') out = value();
    else if (key === '--name') name = value() ?? '';
    else if (key === '--dawn-options') dawnOptions = items(key, value());
    else if (key === '--power') powerPreference = oneOf(key, value(), ['high-performance', 'low-power'] as const)[0]!;
    else throw new Error(`unknown flag ${flag}\n${usage}`);
  }
  if (!/^[\w.-]+$/.test(name)) throw new Error(`--name: expected a file stem (letters, digits, . _ -), got "${name}"\n${usage}`);
  return { runners, losses, sizes, dimensions, temperatures, budgetSeconds, record, outputDirectory: outputDirectoryFor(record, out), name, dawnOptions, powerPreference };
}

/**
 * Whether `pnpm bench` was asked for the WebGPU runners (`--backends webgpu-dawn[,webgpu-chromium]`): then it runs
 * this bench instead of the main grid. Mixing them with the main grid's backends is refused, naming both commands.
 */
export function webGpuBackendsOnly(argv: readonly string[]): boolean {
  const at = argv.findIndex((arg) => arg === '--backends' || arg.startsWith('--backends='));
  if (at < 0) return false;
  const value = argv[at]!.includes('=') ? argv[at]!.slice(argv[at]!.indexOf('=') + 1) : argv[at + 1];
  const names = (value ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  const webgpu = names.filter((name) => (webGpuRunners as readonly string[]).includes(name));
  if (webgpu.length === 0) return false;
  if (webgpu.length < names.length) {
    throw new Error(`--backends: ${webgpu.join(', ')} run in their own bench (pnpm bench:webgpu, or pnpm bench --backends ${webgpu.join(',')}); run ${names.filter((n) => !webgpu.includes(n)).join(', ')} separately`);
  }
  return true;
}

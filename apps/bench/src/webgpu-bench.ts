/**
 * `pnpm bench:webgpu` (or `pnpm bench --backends webgpu-dawn`): the WebGPU backend's fused, tiled WGSL
 * `similarityCrossEntropy` against core's composed kernel on the same backend (`createWebGpuBackend({ fused: false })`),
 * NT-Xent and CLIP, forward + backward with every result read back, median time and peak buffer bytes as N grows.
 * Records each runner's adapter, or why none could be had (then the cells are recorded as skipped with that reason
 * and the exit code is 2). Writes out/webgpu.{json,md} (results/ with --record).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './machine-info.js';
import { parseWebGpuBenchOptions, type WebGpuBenchOptions } from './webgpu-bench-options.js';
import { skipReason, webGpuCells } from './webgpu-bench-plan.js';
import { pathRatios, renderWebGpuMarkdown, type WebGpuBenchResults } from './webgpu-bench-results.js';
import { webGpuPaths, type AdapterReport, type WebGpuCellOutcome, type WebGpuRow, type WebGpuRunner } from './webgpu-cell.js';
import { dawnRunner, type WebGpuCellRunner } from './webgpu-dawn-runner.js';

const notes = [
  'fused: createWebGpuBackend() (the fused, tiled WGSL similarityCrossEntropy: online log-sum-exp over key tiles, the backward recomputing similarities tile by tile, nothing of size N x N). composed: createWebGpuBackend({ fused: false }), core\'s composed similarityCrossEntropy on the same backend\'s WGSL primitives (N x N similarity, masks, softmax). "fused calls/step" counts the fused forward per step, so a row shows which path ran.',
  'A step is computeLossAndGradients (loss and the gradient of every input) plus reading the loss and every gradient back to the host, then disposing them. Warm-up: 3 runs when cheap, else 1; then up to 5 timed runs within --budget; the median is reported with every run.',
  'Peak buffers: the backend\'s buffer pool (poolStats().peakAllocatedBytes) on a fresh backend per cell: every GPUBuffer it created and had not destroyed, inputs included (rounded up to a power of two below 1 MiB, a multiple of 1 MiB above), pooled free buffers included (the pool keeps up to 256 MiB of released buffers for reuse). Staging buffers for reads are included too.',
  'On a software adapter (llvmpipe on Dawn, SwiftShader in Chromium) only the ratios mean something; the machine is shared, so the load average is recorded per row. Each cell runs in its own process.',
];

function dawnVersion(): string {
  try {
    const path = fileURLToPath(new URL('../node_modules/webgpu/package.json', import.meta.url));
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function runnerFor(name: WebGpuRunner, options: WebGpuBenchOptions): Promise<WebGpuCellRunner> {
  if (name === 'webgpu-dawn') return dawnRunner(options);
  try {
    return await (await import('./webgpu-chromium-runner.js')).chromiumRunner(options);
  } catch (error) {
    const reason = `the Chromium runner could not start: ${(error as Error).message.split('\n')[0]}`;
    return { probe: async () => ({ ok: false, error: reason }), measure: async (_, paths) => Object.fromEntries(paths.map((path) => [path, { status: 'failed', reason }])) };
  }
}

async function main(): Promise<void> {
  const options = parseWebGpuBenchOptions(process.argv.slice(2));
  const outputDirectory = resolve(fileURLToPath(new URL('..', import.meta.url)), options.outputDirectory);
  mkdirSync(outputDirectory, { recursive: true });
  const log = (message: string) => process.stdout.write(`[bench:webgpu ${new Date().toISOString().slice(11, 19)} load ${os.loadavg()[0]!.toFixed(1)}] ${message}\n`);
  const machine = machineInfo();
  const adapters: Partial<Record<WebGpuRunner, AdapterReport>> = {};
  const rows: WebGpuRow[] = [];
  const write = (loadAverageAtEnd?: readonly number[]) => {
    const results: WebGpuBenchResults = {
      generatedAt: new Date().toISOString(), command: `pnpm bench:webgpu ${process.argv.slice(2).join(' ')}`.trim(), machine, dawnVersion: dawnVersion(),
      loadAverageAtEnd, adapters, rows, ratios: pathRatios(rows), notes,
    };
    writeFileSync(join(outputDirectory, `${options.name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outputDirectory, `${options.name}.md`), renderWebGpuMarkdown(results));
  };
  for (const name of options.runners) {
    const runner = await runnerFor(name, options);
    const adapter = (adapters[name] = await runner.probe());
    log(`${name}: ${adapter.ok ? `${adapter.vendor} ${adapter.architecture} ${adapter.description}` : `no adapter: ${adapter.error}`}`);
    write();
    for (const cell of webGpuCells({ ...options, runners: [name] })) {
      const label = `${cell.runner} ${cell.loss} N=${cell.pairs} D=${cell.dimension} T=${cell.temperature}`;
      const skipped = new Map(webGpuPaths.map((path) => [path, adapter.ok ? skipReason({ ...cell, path }, rows, options.budgetSeconds) : `no adapter: ${adapter.error}`]));
      const loadAverage = os.loadavg();
      const toRun = webGpuPaths.filter((path) => skipped.get(path) === undefined);
      const outcomes = toRun.length > 0 ? await runner.measure(cell, toRun) : {};
      for (const path of webGpuPaths) {
        const outcome: WebGpuCellOutcome = outcomes[path] ?? { status: 'skipped', reason: skipped.get(path) ?? 'not measured' };
        log(`${label} ${path}: ${outcome.status === 'ok' ? `${outcome.medianMs.toFixed(1)} ms median of ${outcome.runs}, peak buffers ${(outcome.peakBufferBytes / 2 ** 20).toFixed(1)} MiB` : `${outcome.status}: ${outcome.reason}`}`);
        rows.push({ ...cell, path, ...outcome, loadAverage });
      }
      write();
    }
  }
  write(os.loadavg());
  log(`wrote ${join(outputDirectory, options.name)}.{json,md}`);
  const without = options.runners.filter((name) => !adapters[name]?.ok);
  if (without.length > 0) {
    log(`no adapter for ${without.join(', ')}: the reason is recorded in the files above; exit code 2`);
    process.exitCode = 2;
  }
}

await main();

/**
 * The WebGPU bench in Chromium: Debian's Chromium (vitest.shared.ts's `chromiumPath` and `chromiumArgs`, headless,
 * `--enable-unsafe-webgpu`), driven by playwright. The page is served from 127.0.0.1 (a secure context, so
 * `navigator.gpu` exists) with `webgpu-browser-entry.ts` bundled by esbuild; each cell gets a fresh browser.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../../vitest.shared.ts';
import type { WebGpuBenchOptions } from './webgpu-bench-options.js';
import type { AdapterReport, WebGpuPairCell, WebGpuPath } from './webgpu-cell.js';
import { measureOrSplit, type PathOutcomes, type WebGpuCellRunner } from './webgpu-dawn-runner.js';

const message = (error: unknown): string => (error instanceof Error ? error.message.split('\n')[0]! : String(error));

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./webgpu-browser-entry.ts', import.meta.url))],
    bundle: true, format: 'esm', platform: 'browser', write: false, conditions: ['@contrastive/source'], target: 'es2022', logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function serve(script: string): Promise<Server> {
  const page = '<!doctype html><meta charset="utf-8"><title>contrastive webgpu bench</title><script type="module" src="/bench.js"></script>';
  const server = createServer((request, response) => {
    const isScript = request.url === '/bench.js';
    response.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    response.end(isScript ? script : page);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

type PageApi = { probe(options: GPURequestAdapterOptions): Promise<AdapterReport>; measure(cell: WebGpuPairCell, paths: readonly WebGpuPath[], budgetMs: number, options: GPURequestAdapterOptions): Promise<PathOutcomes> };

/** Runs `work` in a fresh headless Chromium on the bench page once its script has loaded. */
async function inPage<R>(url: string, timeoutMs: number, work: (page: import('playwright').Page) => Promise<R>): Promise<R> {
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
    const page = await browser.newPage();
    page.setDefaultTimeout(timeoutMs);
    await page.goto(url);
    await page.waitForFunction(() => 'contrastiveWebGpuBench' in globalThis);
    return await work(page);
  } finally {
    await browser?.close();
  }
}

export async function chromiumRunner(options: WebGpuBenchOptions): Promise<WebGpuCellRunner> {
  const server = await serve(await bundle());
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const adapterOptions: GPURequestAdapterOptions = { powerPreference: options.powerPreference };
  const timeoutMs = Math.max(10 * 60_000, 20 * options.budgetSeconds * 1000);
  return {
    async probe(): Promise<AdapterReport> {
      try {
        return await inPage(url, 120_000, (page) => page.evaluate((o) => (globalThis as unknown as { contrastiveWebGpuBench: PageApi }).contrastiveWebGpuBench.probe(o), adapterOptions));
      } catch (error) {
        return { ok: false, error: `Chromium (${chromiumPath}) failed: ${message(error)}` };
      }
    },
    measure(cell, paths) {
      const budgetMs = options.budgetSeconds * 1000;
      return measureOrSplit(paths, async (some) => {
        try {
          return await inPage(url, timeoutMs, (page) =>
            page.evaluate(([c, p, b, o]) => (globalThis as unknown as { contrastiveWebGpuBench: PageApi }).contrastiveWebGpuBench.measure(c, p, b, o), [cell, some, budgetMs, adapterOptions] as const),
          );
        } catch (error) {
          return `Chromium: ${message(error)}`;
        }
      });
    },
  };
}

/**
 * onnxruntime-web's run-time files, and a clear error when a page cannot load them.
 *
 * onnxruntime-web 1.30 fetches its WebAssembly binary at run time, by default from the folder of the script that
 * contains it (`import.meta.url`): after bundling (esbuild, webpack, Vite's build) that is your output folder, where
 * nothing copies the file, so the page gets a 404 (or, from a dev server's HTML fallback, `index.html`) and ORT
 * reports only `no available backend found`. Which file an import needs (read from onnxruntime-web's
 * `package.json` exports and `dist/` bundles):
 *
 * | you import | wasm EP | webgpu EP |
 * |---|---|---|
 * | `onnxruntime-web` (and `onnxruntime-web/all`) | `ort-wasm-simd-threaded.jsep.wasm` | the same file (JSEP build) |
 * | `onnxruntime-web/wasm` | `ort-wasm-simd-threaded.wasm` | (no webgpu EP) |
 * | `onnxruntime-web/webgpu` | `ort-wasm-simd-threaded.asyncify.wasm` | the same file |
 * | `onnxruntime-web/jspi` | `ort-wasm-simd-threaded.jspi.wasm` | the same file |
 *
 * The default bundles inline the Emscripten glue; the builds selected by the `onnxruntime-web-use-extern-wasm`
 * condition also import the matching `.mjs` (same name, `.mjs`), and with `ort.env.wasm.wasmPaths` set, a
 * cross-origin isolated page running wasm threads starts each thread's worker from that `.mjs` (seen in Chromium:
 * `numThreads` 2 starts one worker, 4 three), so the helper returns both. In Node
 * (`import 'onnxruntime-web'` resolves to `ort.node.min.mjs`) ORT loads its files from the package itself.
 */
import type { OrtModuleLike, OrtSessionLike } from './ort-module.js';
import { applyDefaultWasmThreads } from './ort-web-threads.js';

/** The entry points of onnxruntime-web, as imported. */
export type OnnxruntimeWebEntry = 'onnxruntime-web' | 'onnxruntime-web/all' | 'onnxruntime-web/wasm' | 'onnxruntime-web/webgpu' | 'onnxruntime-web/jspi';

const baseNameByEntry: Record<OnnxruntimeWebEntry, string> = {
  'onnxruntime-web': 'ort-wasm-simd-threaded.jsep',
  'onnxruntime-web/all': 'ort-wasm-simd-threaded.jsep',
  'onnxruntime-web/wasm': 'ort-wasm-simd-threaded',
  'onnxruntime-web/webgpu': 'ort-wasm-simd-threaded.asyncify',
  'onnxruntime-web/jspi': 'ort-wasm-simd-threaded.jspi',
};

/** The file names (`.wasm`, then `.mjs`) that the page loads when it imports `entry`. */
export function onnxruntimeWebAssetNames(entry: OnnxruntimeWebEntry = 'onnxruntime-web'): [string, string] {
  const base = baseNameByEntry[entry];
  if (!base) throw new TypeError(`onnxruntimeWebAssets: unknown entry ${JSON.stringify(entry)}; expected one of ${Object.keys(baseNameByEntry).join(', ')}`);
  return [`${base}.wasm`, `${base}.mjs`];
}

export interface OnnxruntimeWebAssetsOptions {
  /** The onnxruntime-web import your page uses (default `'onnxruntime-web'`: wasm and webgpu EPs). */
  readonly entry?: OnnxruntimeWebEntry;
  /**
   * Where to resolve onnxruntime-web from: a file path or `file:` URL in your project (for example your build
   * script's `import.meta.url`). Default: this package, then the working directory.
   */
  readonly from?: string | { readonly href: string };
}

/**
 * Node only (build scripts, dev-server plugins): the absolute paths of the files onnxruntime-web loads at run time
 * for `entry` (the `.wasm` binary, then its `.mjs` glue). Copy them into the folder your page is served from,
 * beside the bundle (or anywhere, and set `ort.env.wasm.wasmPaths` to that folder's URL). Throws naming the
 * package and the file when onnxruntime-web is not installed or lacks a file.
 */
export function onnxruntimeWebAssets(options: OnnxruntimeWebAssetsOptions = {}): string[] {
  const nodeModule = builtin<{ createRequire(from: string): { resolve(id: string): string } }>('node:module');
  const fs = builtin<{ existsSync(path: string): boolean }>('node:fs');
  const cwd = builtin<{ cwd(): string }>('node:process').cwd();
  const bases = options.from === undefined ? [(import.meta as { url: string }).url, `${cwd}/package.json`] : [typeof options.from === 'string' ? options.from : options.from.href];
  const names = onnxruntimeWebAssetNames(options.entry);
  let lastError: unknown;
  for (const base of bases) {
    const require = nodeModule.createRequire(base);
    try {
      const paths = names.map((name) => require.resolve(`onnxruntime-web/${name}`));
      for (const path of paths) if (!fs.existsSync(path)) throw new Error(`${path} does not exist`);
      return paths;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`onnxruntimeWebAssets: cannot find ${names.join(' and ')} of onnxruntime-web from ${bases.map(String).join(' or ')}; install onnxruntime-web (^1.30) or pass { from: import.meta.url } of your project`, { cause: lastError });
}

/** A Node built-in, without a static import (so that browser bundles of this package never see `node:` modules). */
function builtin<T>(name: string): T {
  const get = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') throw new Error('onnxruntimeWebAssets runs in Node (>= 20.16) build scripts, not in a page');
  return get(name) as T;
}

/** A session could not be created because onnxruntime-web did not load its WebAssembly files. */
export class OnnxRuntimeAssetError extends Error {
  override readonly name = 'OnnxRuntimeAssetError';
  constructor(
    message: string,
    /** The file the page requested (`ort-wasm-simd-threaded.jsep.wasm`), when known. */
    readonly file: string | undefined,
    /** The URL it was requested from, when the page's resource timing recorded it. */
    readonly url: string | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * `ort.InferenceSession.create`, with a failure to load onnxruntime-web's files turned into `OnnxRuntimeAssetError`,
 * and onnxruntime-web's thread count defaulted first in a cross-origin isolated page (`applyDefaultWasmThreads`).
 */
export async function createOrtSession(ort: OrtModuleLike, bytes: Uint8Array, sessionOptions: object | undefined): Promise<OrtSessionLike> {
  applyDefaultWasmThreads(ort);
  try {
    return await ort.InferenceSession.create(bytes, sessionOptions);
  } catch (error) {
    throw explainAssetError(error, wasmPathsOf(ort), resourceEntries()) ?? error;
  }
}

/** What the page fetched: `performance.getEntriesByType('resource')` (name, and HTTP status where the browser reports it). */
export interface ResourceEntry {
  readonly name: string;
  readonly responseStatus?: number;
}

// Emscripten's texts when the binary could not be fetched or was not WebAssembly (a dev server's HTML fallback),
// and ORT's for any later session once the first initialisation failed.
const loadFailure = /both async and sync fetching of the wasm failed|expected magic word 00 61 73 6d|HTTP status code is not ok|Incorrect response MIME type|previous call to 'initWasm\(\)' failed/;
const assetFile = /ort-wasm-simd-threaded[\w.]*\.(?:wasm|mjs)/;

/**
 * The `OnnxRuntimeAssetError` for `error` when it is onnxruntime-web failing to load its files (`no available backend
 * found` with a fetch or compile failure of the wasm, or `previous call to 'initWasm()' failed`); otherwise undefined.
 * `wasmPaths` is `ort.env.wasm.wasmPaths`; `resources` the page's resource timing entries, which name the URL.
 */
export function explainAssetError(error: unknown, wasmPaths: unknown, resources: readonly ResourceEntry[]): OnnxRuntimeAssetError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (!loadFailure.test(text)) return undefined;
  const fetched = [...resources].reverse().find((entry) => assetFile.test(entry.name.split('?')[0]!.split('/').pop() ?? ''));
  const file = fetched ? assetFile.exec(fetched.name)![0] : assetFile.exec(text)?.[0];
  const url = fetched?.name;
  const status = fetched?.responseStatus;
  const where = url
    ? `${file} was not found at ${url}${status ? ` (HTTP ${status}${status >= 200 && status < 300 ? ', but not WebAssembly: a dev server answered with a page' : ''})` : ''}`
    : `its WebAssembly file (${file ?? 'ort-wasm-simd-threaded.jsep.wasm for import "onnxruntime-web"'}) was not found ${configuredPath(wasmPaths)}`;
  const message =
    `onnxruntime-web could not start: ${where}. Serve onnxruntime-web's run-time files with your page: copy the ` +
    'paths returned by onnxruntimeWebAssets() (from @contrastive/onnxruntime, in your build script) into the folder ' +
    'your bundle is served from, or set ort.env.wasm.wasmPaths to the URL of the folder that holds them, before the ' +
    `first session (see the README of @contrastive/onnxruntime, "Serving onnxruntime-web's files"). ORT said: ${text}`;
  return new OnnxRuntimeAssetError(message, file, url, { cause: error });
}

function configuredPath(wasmPaths: unknown): string {
  if (typeof wasmPaths === 'string') return `under ort.env.wasm.wasmPaths = ${JSON.stringify(wasmPaths)}`;
  if (wasmPaths && typeof (wasmPaths as { href?: unknown }).href === 'string') return `under ort.env.wasm.wasmPaths = ${JSON.stringify((wasmPaths as { href: string }).href)}`;
  const wasm = (wasmPaths as { wasm?: unknown } | undefined)?.wasm;
  if (wasm !== undefined) return `at ort.env.wasm.wasmPaths.wasm = ${JSON.stringify(String(wasm))}`;
  return 'beside the script that bundles onnxruntime-web (its import.meta.url; ort.env.wasm.wasmPaths is not set)';
}

function wasmPathsOf(ort: OrtModuleLike): unknown {
  return (ort.env as { wasm?: { wasmPaths?: unknown } } | undefined)?.wasm?.wasmPaths;
}

function resourceEntries(): ResourceEntry[] {
  const performance = (globalThis as { performance?: { getEntriesByType?(type: string): ResourceEntry[] } }).performance;
  try {
    return performance?.getEntriesByType?.('resource') ?? [];
  } catch {
    return [];
  }
}

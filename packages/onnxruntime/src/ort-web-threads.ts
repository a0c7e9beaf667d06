/**
 * onnxruntime-web's wasm thread count, chosen before its first session.
 *
 * onnxruntime-web reads `ort.env.wasm.numThreads` once, when it initialises its WebAssembly (the first
 * `InferenceSession.create` of the page). Left unset, it runs single-threaded unless the page is cross-origin
 * isolated, and then `min(4, ceil(navigator.hardwareConcurrency / 2))` threads: 1 on a 2-core machine. Threads
 * need `SharedArrayBuffer`, which browsers give only to cross-origin isolated pages (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`); set to more than 1
 * elsewhere, ORT warns and falls back to one thread.
 */
import type { OrtModuleLike } from './ort-module.js';

/** The most threads the default asks for: ORT's own cap (past it, the loss graphs' matmuls gain little). */
export const maxDefaultWasmThreads = 4;

/** What the default depends on: the page's `crossOriginIsolated` and `navigator.hardwareConcurrency`. */
export interface WasmThreadScope {
  readonly crossOriginIsolated?: boolean;
  readonly navigator?: { readonly hardwareConcurrency?: number };
}

/**
 * The thread count this package gives onnxruntime-web when the page has not chosen one: in a cross-origin
 * isolated page, `min(4, navigator.hardwareConcurrency)` (one thread per core the browser reports, where ORT's
 * own default takes half); elsewhere (a page that is not isolated, Node, a worker without the headers) undefined,
 * leaving ORT's default.
 *
 * @param scope - The global scope (default `globalThis`).
 * @returns The thread count, or undefined to leave ORT's default.
 *
 * @example
 * defaultWasmThreads({ crossOriginIsolated: true, navigator: { hardwareConcurrency: 8 } }); // 4
 */
export function defaultWasmThreads(scope: WasmThreadScope = globalThis as WasmThreadScope): number | undefined {
  if (scope.crossOriginIsolated !== true) return undefined;
  const cores = scope.navigator?.hardwareConcurrency;
  if (typeof cores !== 'number' || !Number.isInteger(cores) || cores < 1) return undefined;
  return Math.min(maxDefaultWasmThreads, cores);
}

interface WasmEnv {
  numThreads?: unknown;
}

/**
 * Sets `ort.env.wasm.numThreads` to {@link defaultWasmThreads} when `ort` is onnxruntime-web, the page is cross-origin
 * isolated and nothing set the count yet (neither you nor an earlier initialisation of ORT, which writes its
 * choice there). Called before every session is created; after ORT's initialisation it changes nothing.
 *
 * @returns The thread count it set, or undefined when it left the setting alone.
 */
export function applyDefaultWasmThreads(ort: OrtModuleLike, scope: WasmThreadScope = globalThis as WasmThreadScope): number | undefined {
  const env = ort.env as { versions?: { node?: string; web?: string }; wasm?: WasmEnv } | undefined;
  const wasm = env?.wasm;
  if (!wasm || env.versions?.web === undefined || env.versions.node !== undefined) return undefined;
  if (wasm.numThreads !== undefined) return undefined;
  const threads = defaultWasmThreads(scope);
  if (threads !== undefined) wasm.numThreads = threads;
  return threads;
}

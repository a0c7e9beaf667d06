// onnxruntimeWebAssets() finds the files onnxruntime-web 1.30 loads at run time, and a session that fails because
// the page could not load them fails with an error naming the file, its URL and the fix. The error texts below are
// what onnxruntime-web 1.30 threw in Chromium 156 for a page bundling `ort.bundle.min.mjs` (import 'onnxruntime-web')
// whose server answered the .wasm with 404, and with an HTML page (a dev server's fallback).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnnxRuntimeAssetError, onnxruntimeWebAssets } from './index.js';
import { createOrtSession, explainAssetError } from './ort-web-assets.js';
import type { OrtModuleLike } from './ort-module.js';

const notFound = 'no available backend found. ERR: [webgpu] RuntimeError: Aborted(both async and sync fetching of the wasm failed). Build with -sASSERTIONS for more info.';
const htmlFallback =
  'no available backend found. ERR: [webgpu] RuntimeError: Aborted(CompileError: WebAssembly.instantiate(): expected magic word 00 61 73 6d, found 3c 21 44 4f @+0). Build with -sASSERTIONS for more info.';
const secondCall = "no available backend found. ERR: [wasm] Error: previous call to 'initWasm()' failed.";
const resources404 = [
  { name: 'http://127.0.0.1:41477/dist/app.js', responseStatus: 200 },
  { name: 'http://127.0.0.1:41477/dist/ort-wasm-simd-threaded.jsep.wasm', responseStatus: 404 },
];

describe('onnxruntimeWebAssets', () => {
  it.each([
    ['onnxruntime-web', 'ort-wasm-simd-threaded.jsep'],
    ['onnxruntime-web/all', 'ort-wasm-simd-threaded.jsep'],
    ['onnxruntime-web/wasm', 'ort-wasm-simd-threaded'],
    ['onnxruntime-web/webgpu', 'ort-wasm-simd-threaded.asyncify'],
    ['onnxruntime-web/jspi', 'ort-wasm-simd-threaded.jspi'],
  ] as const)('%s: the .wasm and .mjs that exist in onnxruntime-web/dist', (entry, base) => {
    const paths = onnxruntimeWebAssets({ entry });
    expect(paths.map((path) => basename(path))).toEqual([`${base}.wasm`, `${base}.mjs`]);
    for (const path of paths) expect(existsSync(path) && statSync(path).size > 0, path).toBe(true);
    expect(paths[0]!.startsWith('/')).toBe(true);
  });

  it('names the file that the bundle of each entry really references', () => {
    const dist = dirname(onnxruntimeWebAssets()[0]!);
    const bundles = { 'onnxruntime-web': 'ort.bundle.min.mjs', 'onnxruntime-web/wasm': 'ort.wasm.bundle.min.mjs', 'onnxruntime-web/webgpu': 'ort.webgpu.bundle.min.mjs' } as const;
    for (const [entry, bundle] of Object.entries(bundles)) {
      const referenced = new Set(readFileSync(`${dist}/${bundle}`, 'utf8').match(/ort-wasm-simd-threaded[a-z.]*\.wasm/g));
      expect([...referenced], bundle).toEqual([basename(onnxruntimeWebAssets({ entry: entry as keyof typeof bundles })[0]!)]);
    }
  });

  it('resolves from a given project and says what is missing when it cannot', () => {
    expect(onnxruntimeWebAssets({ from: import.meta.url })).toEqual(onnxruntimeWebAssets());
    // A project whose onnxruntime-web lacks the files (found first, before any other copy).
    const project = mkdtempSync(join(tmpdir(), 'ort-assets-'));
    try {
      mkdirSync(join(project, 'node_modules', 'onnxruntime-web'), { recursive: true });
      writeFileSync(join(project, 'node_modules', 'onnxruntime-web', 'package.json'), JSON.stringify({ name: 'onnxruntime-web', exports: { '.': './x.js' } }));
      expect(() => onnxruntimeWebAssets({ from: join(project, 'package.json') })).toThrow(/cannot find ort-wasm-simd-threaded\.jsep\.wasm .*install onnxruntime-web/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('explainAssetError', () => {
  it('names the file, the URL, the HTTP status and the fix for a 404', () => {
    const error = explainAssetError(new Error(notFound), undefined, resources404)!;
    expect(error).toBeInstanceOf(OnnxRuntimeAssetError);
    expect(error.file).toBe('ort-wasm-simd-threaded.jsep.wasm');
    expect(error.url).toBe('http://127.0.0.1:41477/dist/ort-wasm-simd-threaded.jsep.wasm');
    expect(error.message).toContain('ort-wasm-simd-threaded.jsep.wasm was not found at http://127.0.0.1:41477/dist/ort-wasm-simd-threaded.jsep.wasm (HTTP 404)');
    expect(error.message).toContain('ort.env.wasm.wasmPaths');
    expect(error.message).toContain('onnxruntimeWebAssets()');
    expect(error.message).toContain(notFound);
    expect((error.cause as Error).message).toBe(notFound);
  });

  it('says a dev server answered with a page when the .wasm was HTML', () => {
    const error = explainAssetError(new Error(htmlFallback), undefined, [{ name: 'http://localhost:5173/node_modules/.vite/deps/ort-wasm-simd-threaded.jsep.wasm?import', responseStatus: 200 }])!;
    expect(error.message).toMatch(/ort-wasm-simd-threaded\.jsep\.wasm was not found at http:\/\/localhost:5173\/.*\(HTTP 200, but not WebAssembly/);
  });

  it("maps the later sessions' initWasm failure too, and falls back to wasmPaths without resource timing", () => {
    const error = explainAssetError(new Error(secondCall), '/assets/ort/', [])!;
    expect(error.message).toContain('was not found under ort.env.wasm.wasmPaths = "/assets/ort/"');
    expect(explainAssetError(new Error(notFound), undefined, [])!.message).toContain('beside the script that bundles onnxruntime-web');
  });

  it('leaves other errors alone', () => {
    expect(explainAssetError(new Error('no available backend found. ERR: [webgpu] backend not found.'), undefined, resources404)).toBeUndefined();
    expect(explainAssetError(new Error("Can't create a session. failed to load model"), undefined, [])).toBeUndefined();
  });

  it('createOrtSession rethrows the mapped error, and others unchanged', async () => {
    const failing = (message: string): OrtModuleLike => ({
      InferenceSession: { create: () => Promise.reject(new Error(message)) },
      Tensor: class {} as unknown as OrtModuleLike['Tensor'],
      env: { wasm: { wasmPaths: '/ort/' } } as OrtModuleLike['env'],
    });
    await expect(createOrtSession(failing(secondCall), new Uint8Array(), undefined)).rejects.toThrow(/under ort\.env\.wasm\.wasmPaths = "\/ort\/"/);
    await expect(createOrtSession(failing('other'), new Uint8Array(), undefined)).rejects.toThrow(/^other$/);
  });
});

import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterEach, describe, expect, it } from 'vitest';
import { applyDefaultWasmThreads, defaultWasmThreads } from './ort-web-threads.js';

const isolated = (hardwareConcurrency: number) => ({ crossOriginIsolated: true, navigator: { hardwareConcurrency } });

describe('defaultWasmThreads', () => {
  it('takes one thread per reported core in a cross-origin isolated page, at most 4', () => {
    expect([1, 2, 3, 4, 16].map((cores) => defaultWasmThreads(isolated(cores)))).toEqual([1, 2, 3, 4, 4]);
  });

  it("leaves ORT's default where the page is not isolated or the core count is unknown", () => {
    expect(defaultWasmThreads({ crossOriginIsolated: false, navigator: { hardwareConcurrency: 8 } })).toBeUndefined();
    expect(defaultWasmThreads({ navigator: { hardwareConcurrency: 8 } })).toBeUndefined();
    expect(defaultWasmThreads({ crossOriginIsolated: true, navigator: {} })).toBeUndefined();
    expect(defaultWasmThreads({ crossOriginIsolated: true })).toBeUndefined();
  });

  it('is undefined in Node (no crossOriginIsolated global)', () => {
    expect(defaultWasmThreads()).toBeUndefined();
  });
});

describe('applyDefaultWasmThreads', () => {
  afterEach(() => {
    delete (ortWeb.env.wasm as { numThreads?: number }).numThreads;
    delete (ortNode.env.wasm as { numThreads?: number }).numThreads;
  });

  it("sets onnxruntime-web's numThreads when it is unset and the scope is isolated", () => {
    expect(applyDefaultWasmThreads(ortWeb, isolated(2))).toBe(2);
    expect(ortWeb.env.wasm.numThreads).toBe(2);
  });

  it('keeps a count that was set before (by the user, or by an earlier ORT initialisation)', () => {
    ortWeb.env.wasm.numThreads = 1;
    expect(applyDefaultWasmThreads(ortWeb, isolated(8))).toBeUndefined();
    expect(ortWeb.env.wasm.numThreads).toBe(1);
  });

  it('changes nothing on onnxruntime-node (its threads are intraOpNumThreads) or outside an isolated page', () => {
    expect(applyDefaultWasmThreads(ortNode, isolated(8))).toBeUndefined();
    expect((ortNode.env.wasm as { numThreads?: number }).numThreads).toBeUndefined();
    expect(applyDefaultWasmThreads(ortWeb, { crossOriginIsolated: false, navigator: { hardwareConcurrency: 8 } })).toBeUndefined();
    expect(ortWeb.env.wasm.numThreads).toBeUndefined();
  });
});

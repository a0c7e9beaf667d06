/**
 * The page side of the Chromium runner (bundled by `webgpu-chromium-runner.ts`): exposes the adapter probe and
 * the cell measurement of `webgpu-measure.ts` on `navigator.gpu` for `page.evaluate`.
 */
/// <reference types="@webgpu/types" />
import type { WebGpuPairCell, WebGpuPath } from './webgpu-cell.js';
import { describeAdapter, measureWebGpuPaths } from './webgpu-measure.js';

const gpu = (): GPU | undefined => (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;

Object.assign(globalThis, {
  contrastiveWebGpuBench: {
    probe: (adapterOptions?: GPURequestAdapterOptions) => describeAdapter(gpu(), adapterOptions),
    measure: async (cell: WebGpuPairCell, paths: readonly WebGpuPath[], budgetMs: number, adapterOptions?: GPURequestAdapterOptions) => {
      const navigatorGpu = gpu();
      if (!navigatorGpu) throw new Error('navigator.gpu is undefined');
      return measureWebGpuPaths(navigatorGpu, cell, paths, budgetMs, adapterOptions);
    },
  },
});

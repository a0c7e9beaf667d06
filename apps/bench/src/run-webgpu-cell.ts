/**
 * Child-process entry of the WebGPU bench on Dawn (the `webgpu` package): `{ probe: true }` describes the adapter,
 * a cell request measures the paths of one cell. Prints `BENCH_RESULT <json>` on its own line, like `run-cell.ts`. Each cell gets
 * its own process, so a Dawn abort is that cell's recorded failure and the buffer pool starts empty.
 */
/// <reference types="@webgpu/types" />
import { resultMarker } from './cell-request.js';
import type { WebGpuPairCell, WebGpuPath } from './webgpu-cell.js';
import { describeAdapter, errorMessage, measureWebGpuPaths } from './webgpu-measure.js';

export type DawnRequest = {
  /** Dawn toggles for `create()`, e.g. `backend=vulkan` or `adapter=NVIDIA`. */
  readonly dawnOptions: readonly string[];
  readonly adapterOptions: GPURequestAdapterOptions;
} & ({ readonly probe: true } | { readonly cell: WebGpuPairCell; readonly paths: readonly WebGpuPath[]; readonly budgetMs: number });

async function dawnGpu(options: readonly string[]): Promise<GPU> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  return create([...options]);
}

async function run(request: DawnRequest): Promise<Record<string, unknown>> {
  let gpu: GPU;
  try {
    gpu = await dawnGpu(request.dawnOptions);
  } catch (error) {
    const adapter = { ok: false, error: `loading Dawn (the webgpu package) failed: ${errorMessage(error)}` };
    if ('probe' in request) return { adapter };
    throw new Error(adapter.error);
  }
  if ('probe' in request) return { adapter: await describeAdapter(gpu, request.adapterOptions) };
  return measureWebGpuPaths(gpu, request.cell, request.paths, request.budgetMs, request.adapterOptions);
}

const request = JSON.parse(process.argv[2] ?? '{}') as DawnRequest;
const result = await run(request);
process.stdout.write(`\n${resultMarker}${JSON.stringify(result)}\n`);
process.exit(0);

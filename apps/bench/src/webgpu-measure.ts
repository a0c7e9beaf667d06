/// <reference types="@webgpu/types" />
/**
 * One WebGPU cell, in whatever runtime supplies a `GPU` object (Dawn in Node, `navigator.gpu` in Chromium):
 * the adapter's own description (or why there is none), then forward + backward on the fused and the composed path
 * (one `createWebGpuBackend` each), every result read back, timed in interleaved rounds after warm-ups, with each
 * buffer pool's peak bytes.
 */
import { computeLossAndGradients, disposeAll, type TensorBackend } from '@contrastive/core';
import { createWebGpuBackend, type WebGpuBackend } from '@contrastive/webgpu';
import { lossInputs, lossSpecs } from './loss-specs.js';
import { median, runsWithin, warmupRuns } from './statistics.js';
import type { AdapterReport, WebGpuCell, WebGpuCellOutcome, WebGpuMeasurement, WebGpuPairCell, WebGpuPath } from './webgpu-cell.js';

const message = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** What `gpu.requestAdapter(options)` gives: vendor, architecture, description, features, limits; or the error. */
export async function describeAdapter(gpu: GPU | undefined, options?: GPURequestAdapterOptions): Promise<AdapterReport> {
  if (!gpu) return { ok: false, error: 'no GPU object (navigator.gpu is undefined: WebGPU disabled or unsupported)' };
  try {
    const adapter = await gpu.requestAdapter(options);
    if (!adapter) return { ok: false, error: `requestAdapter(${JSON.stringify(options ?? {})}) returned null (no usable driver)` };
    const info = adapter.info;
    return {
      ok: true,
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      isFallbackAdapter: (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
      features: [...adapter.features].sort(),
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    };
  } catch (error) {
    return { ok: false, error: `requestAdapter failed: ${message(error)}` };
  }
}

/** Counts the fused kernel's forward calls, so a row shows which path actually ran. */
function countFusedCalls(backend: WebGpuBackend): () => number {
  let calls = 0;
  const kernel = backend.fused?.similarityCrossEntropy;
  if (kernel) {
    const counted = { ...kernel, forward: (...args: Parameters<typeof kernel.forward>) => (calls++, kernel.forward(...args)) };
    Object.assign(backend, { fused: { ...backend.fused, similarityCrossEntropy: counted } });
  }
  return () => calls;
}

/** The buffer pool's rounding (`BufferPool.roundSize` in packages/webgpu/src/buffer-pool.ts, not exported). */
const poolRounded = (bytes: number): number => {
  const atLeast = Math.max(16, Math.ceil(bytes / 4) * 4);
  return atLeast >= 2 ** 20 ? Math.ceil(atLeast / 2 ** 20) * 2 ** 20 : 2 ** Math.ceil(Math.log2(atLeast));
};

/** One path's backend with the cell's inputs on it, ready to step. */
interface PathSession {
  /** One step (forward + backward, everything read back); resolves with its milliseconds. */
  step(): Promise<number>;
  /** The fused forward calls so far. */
  fusedCalls(): number;
  lossValue(): number;
  /** Disposes the inputs, reads the pool's statistics and destroys the backend. */
  close(): Pick<WebGpuMeasurement, 'peakBufferBytes' | 'largestBufferBytes' | 'inputBufferBytes' | 'createdBuffers'>;
  destroy(): void;
}

async function openPath(gpu: GPU, cell: WebGpuCell, adapterOptions?: GPURequestAdapterOptions): Promise<PathSession> {
  const backend = await createWebGpuBackend({ gpu, adapterOptions, fused: cell.path === 'fused' });
  try {
    const fusedCalls = countFusedCalls(backend);
    const generic = backend as unknown as TensorBackend<unknown>;
    const spec = lossSpecs[cell.loss];
    const host = lossInputs(cell.loss, cell.pairs, cell.dimension, cell.temperature);
    const inputs = Object.fromEntries(Object.entries(host).map(([name, t]) => [name, generic.fromArray(t.values, t.shape)]));
    const inputBufferBytes = Object.values(host).reduce((sum, t) => sum + poolRounded(4 * t.values.length), 0);
    let lossValue = Number.NaN;
    return {
      async step() {
        const start = performance.now();
        const result = computeLossAndGradients(generic, spec.definition, inputs, spec.options(cell.temperature));
        try {
          lossValue = (await backend.read(result.loss as never))[0]!;
          for (const gradient of Object.values(result.gradients)) await backend.read(gradient as never);
          return performance.now() - start;
        } finally {
          disposeAll(generic, result);
        }
      },
      fusedCalls,
      lossValue: () => lossValue,
      close() {
        disposeAll(generic, inputs);
        const stats = backend.poolStats();
        backend.destroy();
        return { peakBufferBytes: stats.peakAllocatedBytes, largestBufferBytes: stats.largestBufferBytes, inputBufferBytes, createdBuffers: stats.createdBuffers };
      },
      destroy: () => backend.destroy(),
    };
  } catch (error) {
    backend.destroy();
    throw error;
  }
}

/** A path being measured: its session, warm-up and timed runs, or its failure. */
type PathState = { session: PathSession; warmupMs: number; callsPerStep: number; timesMs: number[] } | { failure: string };

async function warmUp(gpu: GPU, cell: WebGpuCell, budgetMs: number, adapterOptions?: GPURequestAdapterOptions): Promise<PathState> {
  let session: PathSession | undefined;
  try {
    session = await openPath(gpu, cell, adapterOptions);
    let warmupMs = await session.step();
    const callsPerStep = session.fusedCalls();
    for (let i = 1; i < warmupRuns(budgetMs, warmupMs); i++) warmupMs = await session.step();
    return { session, warmupMs, callsPerStep, timesMs: [] };
  } catch (error) {
    session?.destroy();
    return { failure: message(error) };
  }
}

function finish(state: PathState, interleaved: boolean): WebGpuCellOutcome {
  if ('failure' in state) return { status: 'failed', reason: state.failure };
  const { session, warmupMs, callsPerStep, timesMs } = state;
  return { status: 'ok', warmupMs, runs: timesMs.length, timesMs, medianMs: median(timesMs), lossValue: session.lossValue(), fusedCallsPerStep: callsPerStep, interleaved, ...session.close() };
}

/**
 * Measures the given paths of one cell in this process, each on its own fresh backend (so each pool's peak is its
 * own): warm-ups for each (3 when cheap, else 1), then up to 5 rounds within `budgetMs`, each round running every
 * path once, in alternating order, so that a change of load on a shared machine hits both paths alike.
 * A path that fails (for example a buffer over the device's limits on the composed path) is reported as failed and
 * the others go on.
 */
export async function measureWebGpuPaths(gpu: GPU, cell: WebGpuPairCell, paths: readonly WebGpuPath[], budgetMs: number, adapterOptions?: GPURequestAdapterOptions): Promise<Partial<Record<WebGpuPath, WebGpuCellOutcome>>> {
  const states = new Map<WebGpuPath, PathState>();
  for (const path of paths) states.set(path, await warmUp(gpu, { ...cell, path }, budgetMs, adapterOptions));
  const running = [...states.entries()].filter((entry): entry is [WebGpuPath, Extract<PathState, { session: PathSession }>] => 'session' in entry[1]);
  const rounds = runsWithin(budgetMs, running.reduce((sum, [, state]) => sum + state.warmupMs, 0));
  for (let round = 0; round < rounds && running.length > 0; round++) {
    const order = round % 2 === 0 ? running : [...running].reverse();
    for (const [path, state] of order) {
      try {
        state.timesMs.push(await state.session.step());
      } catch (error) {
        state.session.destroy();
        states.set(path, { failure: `round ${round + 1}: ${message(error)}` });
        running.splice(running.findIndex(([p]) => p === path), 1);
      }
    }
  }
  const interleaved = running.length > 1;
  return Object.fromEntries([...states.entries()].map(([path, state]) => [path, finish(state, interleaved)]));
}

export { message as errorMessage };

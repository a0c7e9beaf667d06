/**
 * The WebGPU bench's shared vocabulary: which runner (Dawn in Node, or Chromium), which path (the backend's fused,
 * tiled WGSL `similarityCrossEntropy`, or core's composed kernel on the same backend), and what a cell reports.
 */
import type { BenchLoss } from './cli-options.js';

export const webGpuRunners = ['webgpu-dawn', 'webgpu-chromium'] as const;
export type WebGpuRunner = (typeof webGpuRunners)[number];

/** The losses whose core definition goes through `similarityCrossEntropy`, so that the fused kernel applies. */
export const webGpuLosses = ['nt-xent', 'clip'] as const satisfies readonly BenchLoss[];
export type WebGpuLoss = (typeof webGpuLosses)[number];

export const webGpuPaths = ['fused', 'composed'] as const;
export type WebGpuPath = (typeof webGpuPaths)[number];

/** What one process measures: both paths of one (runner, loss, N, D, T). */
export interface WebGpuPairCell {
  readonly runner: WebGpuRunner;
  readonly loss: WebGpuLoss;
  readonly pairs: number;
  readonly dimension: number;
  readonly temperature: number;
}

/** One row: one path of a pair cell. */
export interface WebGpuCell extends WebGpuPairCell {
  readonly path: WebGpuPath;
}

/** What the adapter says about itself, or why there is none (recorded instead of failing silently). */
export type AdapterReport =
  | {
      readonly ok: true;
      readonly vendor: string;
      readonly architecture: string;
      readonly device: string;
      readonly description: string;
      readonly isFallbackAdapter: boolean | undefined;
      readonly features: readonly string[];
      readonly maxStorageBufferBindingSize: number;
      readonly maxBufferSize: number;
    }
  | { readonly ok: false; readonly error: string };

/** One cell's measurement: time of forward + backward with every result read back, and the GPU buffers it held. */
export interface WebGpuMeasurement {
  readonly warmupMs: number;
  readonly runs: number;
  readonly timesMs: readonly number[];
  readonly medianMs: number;
  readonly lossValue: number;
  /** Calls of the backend's fused `similarityCrossEntropy` forward per step: > 0 on the fused path, 0 on the composed. */
  readonly fusedCallsPerStep: number;
  /** The buffer pool's highest `allocatedBytes` (inputs, intermediates, outputs and pooled free buffers). */
  readonly peakBufferBytes: number;
  readonly largestBufferBytes: number;
  /** Bytes of the inputs' buffers (rounded as the pool rounds), part of `peakBufferBytes`. */
  readonly inputBufferBytes: number;
  readonly createdBuffers: number;
  /** Timed in alternating rounds with the other path (`timesMs[i]` of both paths are round i). */
  readonly interleaved: boolean;
}

export type WebGpuCellOutcome =
  | ({ readonly status: 'ok' } & WebGpuMeasurement)
  | { readonly status: 'failed' | 'skipped'; readonly reason: string };

export type WebGpuRow = WebGpuCell & WebGpuCellOutcome & { readonly loadAverage?: readonly number[] };

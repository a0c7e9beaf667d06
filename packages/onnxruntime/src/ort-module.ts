/**
 * The part of an ONNX Runtime JavaScript module this package uses. Both `onnxruntime-web` (wasm or webgpu
 * execution provider) and `onnxruntime-node` (native CPU) satisfy it, so the caller picks the runtime by passing
 * its module: `import * as ort from 'onnxruntime-node'` then `{ ort }`. Neither is imported here.
 */
export interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensorLike>, fetches: readonly string[]): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

export interface OrtModuleLike {
  readonly InferenceSession: { create(buffer: Uint8Array, options?: object): Promise<OrtSessionLike> };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensorLike;
}

/** Which runtime runs the graphs, and how (session options: execution providers, threads, ...). */
export interface OrtRuntimeOptions {
  /** The `onnxruntime-web` or `onnxruntime-node` module (`import * as ort from ...`). */
  readonly ort: OrtModuleLike;
  /** Passed to `InferenceSession.create`, e.g. `{ executionProviders: ['webgpu'] }`. */
  readonly sessionOptions?: object;
  /** How many sessions stay cached (least recently used ones are released). Default 32. */
  readonly maxSessions?: number;
}

import { checkDeviceRead, type TensorBackend } from '@contrastive/core';
import { buildModel } from './model-builder.js';
import { encodeModel } from './onnx-schema.js';
import type { OnnxTensor } from './onnx-tensor.js';
import type { OrtRuntimeOptions } from './ort-module.js';
import { SessionCache, type SessionStatistics } from './session-cache.js';
import { createTracingBackend } from './tracing-backend.js';

/**
 * The backend {@link createOnnxRuntimeBackend} returns: a tracing `TensorBackend` whose `read` runs the graph on ONNX
 * Runtime, with its session cache's statistics.
 *
 * @example
 * console.log(backend.statistics.created, backend.statistics.runs);
 * await backend.release();
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface OnnxRuntimeBackend extends TensorBackend<OnnxTensor> {
  /** Sessions created, graph runs and evictions so far; sessions cached now and their estimated bytes. */
  readonly statistics: SessionStatistics;
  /** Releases every cached ONNX Runtime session (after its queued runs); `statistics` then shows none. */
  release(): Promise<void>;
}

/**
 * Options of {@link createOnnxRuntimeBackend}: the runtime ({@link OrtRuntimeOptions}) and the tracing options.
 *
 * @example
 * createOnnxRuntimeBackend({ ort, sessionOptions: { executionProviders: ['webgpu'] }, maxSessions: 8 });
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface OnnxRuntimeBackendOptions extends OrtRuntimeOptions {
  /** Backend name in reports and errors. Default `onnxruntime`. */
  readonly name?: string;
  /** See `TracingBackendOptions.maxBlockBytes`. */
  readonly maxBlockBytes?: number;
  /** See `TracingBackendOptions.memoryBudgetBytes`. Default 4 GiB. */
  readonly memoryBudgetBytes?: number;
  /** See `TracingBackendOptions.checkValues`. Default `'on'`. */
  readonly checkValues?: 'on' | 'off';
}

interface PendingRead {
  readonly tensor: OnnxTensor;
  readonly resolve: (values: Float32Array) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A `TensorBackend` over ONNX Runtime: traced execution, float32, values readable only through `read`.
 *
 * Eager-style use of the tracing backend (the conformance suite, quick experiments): ops record the graph as
 * usual, and `read(x)` runs the graph that produces `x` from its `fromArray` data on ONNX Runtime.
 * Reads issued together (for example `Promise.all([read(loss), read(gradient)])`, in the same tick) are
 * batched into one graph run with several outputs. `fromArray` data becomes fed graph inputs, so a graph of
 * the same structure reuses its cached session whatever the values.
 *
 * @param options - {@link OnnxRuntimeBackendOptions}: `ort` (required: the `onnxruntime-web` or `onnxruntime-node`
 * module), `sessionOptions`, `maxSessions` (default 32), `maxSessionBytes` (default 256 MiB), `name` (default
 * `'onnxruntime'`), `maxBlockBytes` (default 256 MiB), `memoryBudgetBytes` (default 4 GiB), `checkValues` (default
 * `'on'`).
 * @returns The {@link OnnxRuntimeBackend}; call `release()` when done.
 *
 * @example
 * import * as ort from 'onnxruntime-node';
 * const backend = createOnnxRuntimeBackend({ ort });
 * const { loss, gradients } = computeLossAndGradients(backend, ntXent, { anchors, positives });
 * const [value, dAnchors] = await Promise.all([backend.read(loss), backend.read(gradients.anchors!)]); // one run
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export function createOnnxRuntimeBackend(options: OnnxRuntimeBackendOptions): OnnxRuntimeBackend {
  const sessions = new SessionCache(options);
  let pending: PendingRead[] = [];

  const flush = async (batch: PendingRead[]): Promise<void> => {
    const unique = [...new Set(batch.map((read) => read.tensor))];
    const computed = unique.filter((tensor) => tensor.source.kind !== 'data');
    const results = new Map<OnnxTensor, Float32Array>();
    for (const tensor of unique) if (tensor.source.kind === 'data') results.set(tensor, tensor.source.values.slice());
    if (computed.length > 0) {
      const outputs = computed.map((tensor, index) => ({ name: `out${index}`, tensor }));
      const { model, feeds } = buildModel({ outputs, dataAs: 'input', graphName: 'read' });
      const bytes = encodeModel(model);
      const values = await sessions.run(structureKey(bytes), () => bytes, feeds, outputs.map((output) => output.name));
      outputs.forEach((output) => results.set(output.tensor, values[output.name]!));
    }
    for (const read of batch) read.resolve(results.get(read.tensor)!.slice());
  };

  const tracing = createTracingBackend({
    name: options.name ?? 'onnxruntime',
    ...(options.maxBlockBytes === undefined ? {} : { maxBlockBytes: options.maxBlockBytes }),
    ...(options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes }),
    ...(options.checkValues === undefined ? {} : { checkValues: options.checkValues }),
    read(tensor) {
      // Values flagged on the device (inputs computed in the graph) become the contract's typed error.
      return readBatched(tensor).then((values) => checkDeviceRead(tracing, tensor, values));
    },
  });
  function readBatched(tensor: OnnxTensor): Promise<Float32Array> {
    return new Promise<Float32Array>((resolve, reject) => {
      if (pending.length === 0) {
        // A microtask: every read issued synchronously before it (one tick) joins the batch.
        void Promise.resolve().then(() => {
          const batch = pending;
          pending = [];
          return flush(batch).catch((error: unknown) => batch.forEach((read) => read.reject(error)));
        });
      }
      pending.push({ tensor, resolve, reject });
    });
  }

  return {
    ...tracing,
    get statistics() {
      return sessions.statistics;
    },
    release: () => sessions.release(),
  };
}

/** A cache key for a graph: its length and a 53-bit hash of its bytes (the data is fed, not in the bytes). */
function structureKey(bytes: Uint8Array): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    h1 = Math.imul(h1 ^ byte, 2654435761);
    h2 = Math.imul(h2 ^ byte, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `graph:${bytes.length}:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}

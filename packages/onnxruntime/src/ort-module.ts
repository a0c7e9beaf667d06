/**
 * The part of an ONNX Runtime JavaScript module this package uses. Both `onnxruntime-web` (wasm or webgpu
 * execution provider) and `onnxruntime-node` (native CPU) satisfy it, so the caller picks the runtime by passing
 * its module: `import * as ort from 'onnxruntime-node'` then `{ ort }`. Neither is imported here.
 *
 * @example
 * const loss = (await session.run(feeds, ['loss'])).loss as OrtTensorLike;
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface OrtTensorLike {
  /** The values (a `Float32Array` for float32). */
  readonly data: unknown;
  /** The shape. */
  readonly dims: readonly number[];
  /** The element type, e.g. `'float32'`. */
  readonly type: string;
}

/**
 * The part of an ONNX Runtime `InferenceSession` this package uses.
 *
 * @example
 * const session: OrtSessionLike = await ort.InferenceSession.create(exportOnnx(ntXent, {}, shapes));
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface OrtSessionLike {
  /** The graph's input names. */
  readonly inputNames: readonly string[];
  /** The graph's output names. */
  readonly outputNames: readonly string[];
  /** Runs the graph on `feeds` and returns the `fetches` by name. */
  run(feeds: Record<string, OrtTensorLike>, fetches: readonly string[]): Promise<Record<string, OrtTensorLike>>;
  /** Frees the session. */
  release(): Promise<void>;
}

/**
 * The part of an ONNX Runtime module (`onnxruntime-web` or `onnxruntime-node`) this package uses.
 *
 * @example
 * import * as ort from 'onnxruntime-web';
 * const backend = createOnnxRuntimeBackend({ ort, sessionOptions: { executionProviders: ['webgpu'] } });
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface OrtModuleLike {
  /** `ort.InferenceSession`. */
  readonly InferenceSession: {
    /** Creates a session from a serialized model. */
    create(buffer: Uint8Array, options?: object): Promise<OrtSessionLike>;
  };
  /** `ort.Tensor`. */
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensorLike;
  /** Present on both runtimes; `versions.node` tells onnxruntime-node apart. */
  readonly env?: {
    /** Runtime versions. */
    readonly versions?: {
      /** The Node.js version, set only on onnxruntime-node. */
      readonly node?: string;
    };
  };
}

/**
 * Which runtime runs the graphs, and how (session options: execution providers, threads, ...), and how many
 * sessions stay cached. Sessions are cached per input shape (or graph structure); the least recently used ones
 * are released until both `maxSessions` and `maxSessionBytes` hold (sessions running now and the most recently
 * used one are never released).
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 *
 * @example
 * const runner = createOnnxLossRunner({ ort, sessionOptions: { enableCpuMemArena: true }, maxSessionBytes: 2 ** 30 });
 */
export interface OrtRuntimeOptions {
  /** The `onnxruntime-web` or `onnxruntime-node` module (`import * as ort from ...`). */
  readonly ort: OrtModuleLike;
  /**
   * Passed to `InferenceSession.create`, e.g. `{ executionProviders: ['webgpu'] }`.
   * On onnxruntime-node, unless you set `enableCpuMemArena`, each session gets the CPU memory arena when its feeds
   * reach 1 MiB (`arenaFeedBytes`, e.g. NT-Xent at [1024, 128]) and not below. With the arena a cached session
   * keeps the peak working memory of its runs (20 MiB at NT-Xent [600, 64], 815 MiB at [4096, 128]; 600 distinct
   * small shapes grew RSS from ~130 to ~1000 MiB that `release()` did not return, against ~220 MiB without it,
   * `scripts/session-cache-rss.ts`). Without it every run allocates its working memory afresh, and on a machine
   * where page faults are slow that dominates: NT-Xent at [1024, 128] / [2048, 128] / [4096, 128] took 211 / 903 /
   * 5216 ms per run without the arena against 26 / 151 / 430 ms with it (2-core VM, load ~4,
   * `scripts/session-arena-timing.ts`). Set it yourself to override the size rule either way.
   */
  readonly sessionOptions?: object;
  /** How many sessions stay cached (least recently used ones are released). Default 32. */
  readonly maxSessions?: number;
  /**
   * The most memory the cached sessions may hold by estimate, in bytes; least recently used sessions are released
   * beyond it. A session's estimate: its model's bytes, plus its feeds' and fetches' bytes times 2 (times 32 with
   * the CPU memory arena), plus 128 KiB; the factors are measured, see `session-cache.ts`. The run in progress
   * needs its working memory on top (for the self-similarity losses bounded by `maxBlockBytes`).
   * Default 256 MiB, as much as `maxBlockBytes`: about 60 NT-Xent sessions at [1024, 128] or 15 at [4096, 128]
   * (so `maxSessions` binds first for small shapes), and 3 at [1024, 128] with the arena.
   */
  readonly maxSessionBytes?: number;
}

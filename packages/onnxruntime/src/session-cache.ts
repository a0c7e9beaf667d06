/**
 * ONNX Runtime sessions cached by a key (a loss's name, options and input shapes, or a graph's structure),
 * least recently used first out, bounded in count (`maxSessions`) and in estimated memory (`maxSessionBytes`).
 * Runs on one session are serialised: onnxruntime-web rejects concurrent runs.
 *
 * A session's memory estimate: its model's bytes, plus the bytes of its largest run's feeds and fetches times
 * `sessionMemoryFactor`, plus `sessionOverheadBytes`. Measured by `scripts/session-memory-factor.ts`
 * (onnxruntime-node 1.30, one NT-Xent session per shape from [8, 8] to [4096, 128], RSS kept after one run):
 * - CPU memory arena off: 0.6-1.3x the feed and fetch bytes (up to 4.6x at [128, 32]; ~90 KiB at [8, 8]),
 *   so factor 2 plus 128 KiB;
 * - arena on: the peak working memory stays with the session, 8-100x the feed and fetch bytes for d >= 32
 *   (243x at [600, 8]: the [2n, 2n] similarities grow with n^2, the inputs with n x d), so factor 32, which
 *   undercounts sessions with many more rows than dimensions.
 *
 * The arena on onnxruntime-node, unless the caller sets `enableCpuMemArena`: on for sessions whose feeds reach
 * `arenaFeedBytes`, off below. Without it every run allocates its working memory afresh, and glibc unmaps the large
 * blocks on free, so each run faults them in again: on a VM where a first touch costs ~13 us per 4 KiB page,
 * NT-Xent through the runner took 211 / 903 / 5216 ms per run at [1024, 128] / [2048, 128] / [4096, 128] with the
 * arena off against 26 / 151 / 430 ms with it on (medians of 8, load ~4, `scripts/session-arena-timing.ts`). Small
 * shapes gain nothing from it, and many of them with the arena grew RSS ~5x (`scripts/session-cache-rss.ts`).
 */
import { ContrastiveInputError, type Shape } from '@contrastive/core';
import type { OrtModuleLike, OrtRuntimeOptions, OrtSessionLike } from './ort-module.js';
import { createOrtSession } from './ort-web-assets.js';

export const sessionMemoryFactor = { arenaOff: 2, arenaOn: 32 } as const;
export const sessionOverheadBytes = 128 * 1024;
export const defaultMaxSessions = 32;
export const defaultMaxSessionBytes = 256 * 2 ** 20;
/** onnxruntime-node sessions whose feeds reach this many bytes get the CPU arena unless the caller says otherwise. */
export const arenaFeedBytes = 2 ** 20;

interface Entry {
  readonly key: string;
  readonly session: Promise<OrtSessionLike>;
  /** The tail of this session's run queue. */
  queue: Promise<unknown>;
  /** Runs queued or running: a session in use is never evicted. */
  pending: number;
  readonly modelBytes: number;
  /** `sessionMemoryFactor` for this session's arena setting. */
  readonly factor: number;
  estimatedBytes: number;
}

/**
 * The session cache's counters, as `OnnxRuntimeBackend.statistics` and `OnnxLossRunner.statistics` report them.
 *
 * @example
 * const { created, runs, evicted, sessions, estimatedBytes } = backend.statistics;
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface SessionStatistics {
  /** Sessions created (cache misses). */
  readonly created: number;
  /** Graph runs. */
  readonly runs: number;
  /** Sessions released to keep the cache within `maxSessions` and `maxSessionBytes`. */
  readonly evicted: number;
  /** Sessions cached now. */
  readonly sessions: number;
  /** Their estimated memory in bytes (see `OrtRuntimeOptions.maxSessionBytes`). */
  readonly estimatedBytes: number;
}

export type Feeds = readonly { readonly name: string; readonly values: Float32Array; readonly shape: Shape }[];

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly releasing = new Set<Promise<void>>();
  private readonly ort: OrtModuleLike;
  private readonly sessionOptions: object | undefined;
  private readonly maxSessions: number;
  private readonly maxSessionBytes: number;
  /** onnxruntime-node with no `enableCpuMemArena` from the caller: the arena is chosen per session by feed size. */
  private readonly arenaBySize: boolean;
  private counts = { created: 0, runs: 0, evicted: 0 };
  private estimatedBytes = 0;

  constructor(options: OrtRuntimeOptions) {
    const maxSessionBytes = options.maxSessionBytes ?? defaultMaxSessionBytes;
    if (!(maxSessionBytes > 0)) throw new ContrastiveInputError('maxSessionBytes', 'a positive number of bytes', String(maxSessionBytes));
    this.ort = options.ort;
    this.sessionOptions = options.sessionOptions;
    this.maxSessions = Math.max(1, options.maxSessions ?? defaultMaxSessions);
    this.maxSessionBytes = maxSessionBytes;
    const given = (options.sessionOptions as { enableCpuMemArena?: unknown } | undefined)?.enableCpuMemArena;
    this.arenaBySize = Boolean(options.ort.env?.versions?.node) && given === undefined;
  }

  /** A new session's options and memory factor: the caller's, plus the arena by size where that is ours to pick. */
  private optionsFor(feedBytes: number): { readonly sessionOptions: object | undefined; readonly factor: number } {
    const sessionOptions = this.arenaBySize ? { enableCpuMemArena: feedBytes >= arenaFeedBytes, ...this.sessionOptions } : this.sessionOptions;
    const arena = (sessionOptions as { enableCpuMemArena?: unknown } | undefined)?.enableCpuMemArena !== false;
    return { sessionOptions, factor: arena ? sessionMemoryFactor.arenaOn : sessionMemoryFactor.arenaOff };
  }

  get statistics(): SessionStatistics {
    return { ...this.counts, sessions: this.entries.size, estimatedBytes: this.estimatedBytes };
  }

  /** Runs the model cached under `key` (built by `model()` on a miss) and returns the fetched outputs. */
  async run(key: string, model: () => Uint8Array, feeds: Feeds, fetches: readonly string[]): Promise<Record<string, Float32Array>> {
    const feedBytes = feeds.reduce((sum, feed) => sum + feed.values.byteLength, 0);
    const entry = this.use(key, model, feedBytes);
    const result = entry.queue.then(async () => {
      try {
        const session = await entry.session;
        const tensors = Object.fromEntries(feeds.map((feed) => [feed.name, new this.ort.Tensor('float32', feed.values, [...feed.shape])]));
        this.counts.runs++;
        const outputs = await session.run(tensors, fetches);
        const fetched = fetches.map((name) => [name, owned(outputs[name]!.data)] as const);
        this.estimate(entry, feedBytes + fetched.reduce((sum, [, values]) => sum + values.byteLength, 0));
        return Object.fromEntries(fetched);
      } finally {
        entry.pending--;
        this.evict();
      }
    });
    entry.queue = result.catch(() => undefined);
    return result;
  }

  /** Releases every cached session (after its queued runs) and any evicted one still being released. */
  async release(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    this.estimatedBytes = 0;
    await Promise.all([...entries.map((entry) => releaseEntry(entry)), ...this.releasing]);
  }

  /** The entry under `key`, created on a miss, made most recently used and marked in use. */
  private use(key: string, model: () => Uint8Array, feedBytes: number): Entry {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      this.counts.created++;
      const bytes = model();
      const { sessionOptions, factor } = this.optionsFor(feedBytes);
      const session = createOrtSession(this.ort, bytes, sessionOptions); // names a missing onnxruntime-web .wasm
      const created: Entry = { key, session, queue: session.catch(() => undefined), pending: 0, modelBytes: bytes.byteLength, factor, estimatedBytes: 0 };
      session.catch(() => this.remove(created));
      this.entries.set(key, created);
      this.estimate(created, feedBytes);
      entry = created;
    }
    entry.pending++;
    this.evict();
    return entry;
  }

  /** Raises `entry`'s estimate to cover a run that fed and fetched `ioBytes`. */
  private estimate(entry: Entry, ioBytes: number): void {
    const bytes = entry.modelBytes + entry.factor * ioBytes + sessionOverheadBytes;
    if (bytes <= entry.estimatedBytes || this.entries.get(entry.key) !== entry) return;
    this.estimatedBytes += bytes - entry.estimatedBytes;
    entry.estimatedBytes = bytes;
  }

  /**
   * Releases least recently used sessions until both bounds hold. Never released: sessions with runs queued or
   * running, and the most recently used one, even alone over `maxSessionBytes` (a loop at one large shape).
   */
  private evict(): void {
    let remaining = this.entries.size;
    for (const entry of this.entries.values()) {
      if (--remaining === 0) return;
      if (this.entries.size <= this.maxSessions && this.estimatedBytes <= this.maxSessionBytes) return;
      if (entry.pending > 0) continue;
      this.remove(entry);
      this.counts.evicted++;
      const released = releaseEntry(entry).catch(() => undefined);
      this.releasing.add(released);
      void released.then(() => this.releasing.delete(released));
    }
  }

  private remove(entry: Entry): void {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    this.estimatedBytes -= entry.estimatedBytes;
  }
}

/**
 * An output's values as an array the caller owns: onnxruntime-node and -web hand each output over in a fresh buffer
 * of its own, kept as is (a second copy of a 32 MiB gradient costs as much as the first where pages fault slowly);
 * anything else (a view into a larger or shared buffer, another element type) is copied.
 */
function owned(data: unknown): Float32Array {
  if (data instanceof Float32Array && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer) return data;
  return Float32Array.from(data as ArrayLike<number>);
}

async function releaseEntry(entry: Entry): Promise<void> {
  await entry.queue;
  const session = await entry.session.catch(() => undefined);
  await session?.release();
}

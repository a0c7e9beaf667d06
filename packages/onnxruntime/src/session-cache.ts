/**
 * ONNX Runtime sessions cached by a key (a loss's name, options and input shapes, or a graph's structure),
 * least recently used first out. Runs on one session are serialised: onnxruntime-web rejects concurrent runs.
 */
import type { Shape } from '@contrastive/core';
import type { OrtModuleLike, OrtRuntimeOptions, OrtSessionLike } from './ort-module.js';

interface Entry {
  readonly session: Promise<OrtSessionLike>;
  /** The tail of this session's run queue. */
  queue: Promise<unknown>;
}

export interface SessionStatistics {
  /** Sessions created (cache misses). */
  readonly created: number;
  /** Graph runs. */
  readonly runs: number;
}

export type Feeds = readonly { readonly name: string; readonly values: Float32Array; readonly shape: Shape }[];

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ort: OrtModuleLike;
  private readonly sessionOptions: object | undefined;
  private readonly capacity: number;
  private counts = { created: 0, runs: 0 };

  constructor(options: OrtRuntimeOptions) {
    this.ort = options.ort;
    this.sessionOptions = options.sessionOptions;
    this.capacity = Math.max(1, options.maxSessions ?? 32);
  }

  get statistics(): SessionStatistics {
    return { ...this.counts };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Runs the model cached under `key` (built by `model()` on a miss) and returns the fetched outputs. */
  async run(key: string, model: () => Uint8Array, feeds: Feeds, fetches: readonly string[]): Promise<Record<string, Float32Array>> {
    const entry = this.entry(key, model);
    const result = entry.queue.then(async () => {
      const session = await entry.session;
      const tensors = Object.fromEntries(feeds.map((feed) => [feed.name, new this.ort.Tensor('float32', feed.values, [...feed.shape])]));
      this.counts.runs++;
      const outputs = await session.run(tensors, fetches);
      return Object.fromEntries(fetches.map((name) => [name, Float32Array.from(outputs[name]!.data as Float32Array)]));
    });
    entry.queue = result.catch(() => undefined);
    return result;
  }

  /** Releases every cached session. */
  async release(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => releaseEntry(entry)));
  }

  private entry(key: string, model: () => Uint8Array): Entry {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    this.counts.created++;
    const session = this.ort.InferenceSession.create(model(), this.sessionOptions);
    const entry: Entry = { session, queue: session.catch(() => undefined) };
    session.catch(() => this.entries.get(key) === entry && this.entries.delete(key));
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldestKey);
      void releaseEntry(oldest);
    }
    return entry;
  }
}

async function releaseEntry(entry: Entry): Promise<void> {
  await entry.queue;
  const session = await entry.session.catch(() => undefined);
  await session?.release();
}

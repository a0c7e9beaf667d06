import { ContrastiveInputError, formatShape } from '../errors.js';
import type { TensorBackend } from '../tensor-backend.js';

/**
 * Options of {@link createNegativeQueue}.
 *
 * @example
 * const options: NegativeQueueOptions = { capacity: 4096, dimension: 128, labelled: false };
 *
 * @see [Large batches](/guides/large-batches)
 */
export interface NegativeQueueOptions {
  /** The most keys held; the oldest are dropped beyond it (MoCo's K, e.g. 65536). A positive integer. */
  readonly capacity: number;
  /** The embedding dimension D of every key. A positive integer. */
  readonly dimension: number;
  /** Keep a label per key (Cross-Batch Memory with SupCon); `enqueue` then needs `labels`. Default false. */
  readonly labelled?: boolean;
}

/**
 * A first-in, first-out memory of past keys on one backend (MoCo's queue, Cross-Batch Memory). Its tensors are
 * its own copies, constants to any loss: pass {@link NegativeQueue.negatives} as InfoNCE's `negatives` input.
 *
 * @typeParam T - The backend's tensor type.
 *
 * @example
 * const queue: NegativeQueue<ReferenceTensor> = createNegativeQueue(backend, { capacity: 8, dimension: 4 });
 *
 * @see [Large batches](/guides/large-batches)
 */
export interface NegativeQueue<T> {
  /** The most keys held. */
  readonly capacity: number;
  /** The dimension D of every key. */
  readonly dimension: number;
  /** The number of keys held now, from 0 up to `capacity`. */
  readonly size: number;
  /**
   * Adds `keys` [K, D] (1 <= K <= capacity), newest first, dropping the oldest keys beyond `capacity`; `labels` [K]
   * when the queue is labelled. The queue copies them: the caller may dispose its tensors. Call it outside any
   * `scope` / `tf.tidy` (typically after the optimizer step), or the scope disposes the queue's new buffer.
   */
  enqueue(keys: T, labels?: T): void;
  /** The keys held, [size, D], newest first: InfoNCE's `negatives`. Owned by the queue (valid until the next `enqueue`). */
  negatives(): T;
  /** The labels of the keys, [size], in the order of `negatives()` (labelled queues only). Owned by the queue. */
  labels(): T;
  /** Releases the queue's tensors; the queue cannot be used afterwards. */
  dispose(): void;
}

function checkCount(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ContrastiveInputError(argument, 'a positive integer', String(value));
  return value;
}

/**
 * Creates a {@link NegativeQueue} on any backend, built from its `reshape`, `slice` and `concat` (no in-place
 * writes: each `enqueue` builds the new buffer, [min(size + K, capacity), D], and releases the old one). The order of
 * negatives does not change InfoNCE, so newest-first serves as MoCo's ring buffer. Bad keys or labels throw
 * `ContrastiveInputError` naming them, leaving the queue as it was.
 *
 * @param backend - The backend the keys live on.
 * @param options - `capacity`, `dimension`, `labelled` (default false).
 * @returns An empty queue.
 *
 * @example
 * const queue = createNegativeQueue(backend, { capacity: 4096, dimension: 128 });
 * queue.enqueue(keys); // [batchSize, 128], from the momentum encoder
 * const loss = computeLoss(backend, infoNce, { anchors: queries, positives: keys, negatives: queue.negatives() });
 *
 * @see [Large batches](/guides/large-batches)
 */
export function createNegativeQueue<T>(backend: TensorBackend<T>, options: NegativeQueueOptions): NegativeQueue<T> {
  if (typeof options !== 'object' || options === null) throw new ContrastiveInputError('options', 'an object', String(options));
  const capacity = checkCount(options.capacity, 'options.capacity');
  const dimension = checkCount(options.dimension, 'options.dimension');
  const labelled = options.labelled ?? false;
  if (typeof labelled !== 'boolean') throw new ContrastiveInputError('options.labelled', 'a boolean', String(labelled));
  let keysBuffer: T | undefined;
  let labelsBuffer: T | undefined;
  let disposed = false;

  const live = (buffer: T | undefined, what: string): T => {
    if (disposed) throw new ContrastiveInputError('queue', 'a queue that is not disposed', 'a disposed queue');
    if (buffer === undefined) throw new ContrastiveInputError('queue', `at least one enqueued key before ${what}()`, 'an empty queue');
    if (backend.isDisposed?.(buffer)) {
      throw new ContrastiveInputError('queue', 'its buffer alive (call enqueue outside scope / tf.tidy)', 'a buffer disposed by an enclosing scope');
    }
    return buffer;
  };
  const size = () => (keysBuffer === undefined || disposed ? 0 : backend.shape(keysBuffer)[0]!);

  const checkKeys = (keys: T, labels: T | undefined): number => {
    if (disposed) throw new ContrastiveInputError('queue', 'a queue that is not disposed', 'a disposed queue');
    if (!backend.isTensor(keys)) throw new ContrastiveInputError('keys', `a tensor of the ${backend.name} backend`, typeof keys);
    const shape = backend.shape(keys);
    if (shape.length !== 2 || shape[1] !== dimension || shape[0]! < 1 || shape[0]! > capacity) {
      throw new ContrastiveInputError('keys', `shape [K, ${dimension}] with 1 <= K <= ${capacity} (the capacity)`, `shape ${formatShape(shape)}`);
    }
    if (!labelled) {
      if (labels !== undefined) throw new ContrastiveInputError('labels', 'no labels (the queue was created with labelled: false)', 'labels');
      return shape[0]!;
    }
    if (!backend.isTensor(labels)) throw new ContrastiveInputError('labels', `a tensor of shape [${shape[0]}] (the queue is labelled)`, typeof labels);
    const labelShape = backend.shape(labels);
    if (labelShape.length !== 1 || labelShape[0] !== shape[0]) {
      throw new ContrastiveInputError('labels', `shape [${shape[0]}] (one per key)`, `shape ${formatShape(labelShape)}`);
    }
    return shape[0]!;
  };

  /** `incoming` rows first, then the newest old rows that still fit. */
  const push = (old: T | undefined, incoming: T, kept: number, rowShape: readonly number[]): T =>
    backend.scope(() => {
      if (old === undefined || kept === 0) return backend.reshape(incoming, backend.shape(incoming));
      return backend.concat([incoming, backend.slice(old, [0, ...rowShape.map(() => 0)], [kept, ...rowShape])], 0);
    });

  return {
    capacity,
    dimension,
    get size() {
      return size();
    },
    enqueue(keys, labels) {
      const count = checkKeys(keys, labels);
      if (keysBuffer !== undefined) live(keysBuffer, 'enqueue');
      const kept = Math.min(size(), capacity - count);
      const nextKeys = push(keysBuffer, keys, kept, [dimension]);
      const nextLabels = labelled ? push(labelsBuffer, labels!, kept, []) : undefined;
      for (const old of [keysBuffer, labelsBuffer]) if (old !== undefined && !backend.isDisposed?.(old)) backend.dispose(old);
      [keysBuffer, labelsBuffer] = [nextKeys, nextLabels];
    },
    negatives: () => live(keysBuffer, 'negatives'),
    labels() {
      if (!labelled) throw new ContrastiveInputError('queue', 'a labelled queue (labelled: true) for labels()', 'a queue without labels');
      return live(labelsBuffer, 'labels');
    },
    dispose() {
      for (const buffer of [keysBuffer, labelsBuffer]) if (buffer !== undefined && !backend.isDisposed?.(buffer)) backend.dispose(buffer);
      [keysBuffer, labelsBuffer, disposed] = [undefined, undefined, true];
    },
  };
}

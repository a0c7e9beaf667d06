/**
 * Tracks live tensors and nested scopes with `tf.tidy` semantics: tensors created inside a scope are released
 * when it ends, unless they are reachable from the scope's return value. Shared by backends written in TypeScript.
 *
 * @example
 * const tracker = new TensorTracker<MyTensor>((t) => t.free(), (v): v is MyTensor => v instanceof MyTensor);
 * const y = tracker.scope(() => tracker.track(new MyTensor()));
 * console.log(tracker.liveCount); // 1
 *
 * @see [Write your own backend](/backends/write-your-own)
 */
export class TensorTracker<T extends object> {
  private readonly live = new Set<T>();
  private readonly scopes: Set<T>[] = [];

  /**
   * @param release - Frees one tensor's memory (called once per tensor).
   * @param isTensor - True for the tensors this tracker manages (used to search scope results).
   */
  constructor(
    private readonly release: (tensor: T) => void,
    private readonly isTensor: (value: unknown) => value is T,
  ) {}

  /** Registers a new tensor (in the innermost scope, if any) and returns it. */
  track(tensor: T): T {
    this.live.add(tensor);
    this.scopes[this.scopes.length - 1]?.add(tensor);
    return tensor;
  }

  /** Releases a tracked tensor now; does nothing for one already released. */
  dispose(tensor: T): void {
    if (!this.live.delete(tensor)) return;
    for (const scope of this.scopes) scope.delete(tensor);
    this.release(tensor);
  }

  /** Tensors tracked and not yet released. */
  get liveCount(): number {
    return this.live.size;
  }

  /** Runs `fn`; releases every tensor it tracked that is not reachable from its result (as `tf.tidy`). */
  scope<R>(fn: () => R): R {
    const created = new Set<T>();
    this.scopes.push(created);
    let result: R;
    try {
      result = fn();
    } catch (error) {
      this.scopes.pop();
      for (const tensor of created) this.dispose(tensor);
      throw error;
    }
    this.scopes.pop();
    const kept = new Set<T>();
    collectTensors(result, this.isTensor, kept);
    for (const tensor of created) {
      if (!kept.has(tensor)) this.dispose(tensor);
    }
    const parent = this.scopes[this.scopes.length - 1];
    if (parent) for (const tensor of kept) if (this.live.has(tensor)) parent.add(tensor);
    return result;
  }
}

/**
 * Finds the tensors reachable from `value` through plain objects and arrays.
 *
 * @param value - Where to search.
 * @param isTensor - True for the tensors to find.
 * @param into - The set the tensors found are added to.
 *
 * @example
 * const found = new Set<ReferenceTensor>();
 * collectTensors({ loss, gradients }, backend.isTensor, found);
 *
 * @see [Write your own backend](/backends/write-your-own)
 */
export function collectTensors<T>(value: unknown, isTensor: (v: unknown) => v is T, into: Set<T>): void {
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectTensors(item, isTensor, into);
    return;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collectTensors(item, isTensor, into);
  }
}

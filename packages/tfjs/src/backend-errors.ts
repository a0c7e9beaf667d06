/**
 * Thrown when a requested tfjs backend is not the active one after initialisation. `tf.setBackend` does not
 * throw when a backend fails to start: it returns false and tfjs keeps running on another backend.
 *
 * @example
 * try {
 *   backend = await createWebglBackend();
 * } catch (error) {
 *   if (error instanceof TfjsBackendError) console.warn(`WebGL unavailable, ${error.actual} active`);
 * }
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export class TfjsBackendError extends Error {
  /** The class name, for logs. */
  override readonly name = 'TfjsBackendError';
  /** The tfjs backend asked for (`'webgl'`). */
  readonly requested: string;
  /** The tfjs backend active instead (`'cpu'`), or `'none'`. */
  readonly actual: string;

  constructor(requested: string, actual: string, reason: string) {
    super(`tfjs backend: requested "${requested}", active "${actual}": ${reason}`);
    this.requested = requested;
    this.actual = actual;
  }
}

/**
 * Activates `name` and checks that it really is active (tfjs falls back silently), or throws `TfjsBackendError`.
 *
 * @param tf - The TensorFlow.js module.
 * @param name - The tfjs backend to activate (`'webgl'`, `'wasm'`, ...), already registered.
 * @throws TfjsBackendError with the reason when another backend ends up active.
 *
 * @example
 * await selectTfjsBackend(tf, 'wasm');
 * const backend = createTfjsBackend(tf);
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export async function selectTfjsBackend(
  tf: { setBackend(name: string): Promise<boolean>; ready(): Promise<void>; getBackend(): string },
  name: string,
): Promise<void> {
  let started = false;
  let reason = 'tf.setBackend returned false (the backend failed to initialise)';
  try {
    started = await tf.setBackend(name);
    await tf.ready();
  } catch (error) {
    reason = (error as Error).message;
  }
  const actual = tf.getBackend() ?? 'none';
  if (!started || actual !== name) throw new TfjsBackendError(name, actual, started ? 'another backend is active' : reason);
}

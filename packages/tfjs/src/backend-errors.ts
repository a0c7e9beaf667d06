/**
 * Thrown when a requested tfjs backend is not the active one after initialisation. `tf.setBackend` does not
 * throw when a backend fails to start: it returns false and tfjs keeps running on another backend.
 */
export class TfjsBackendError extends Error {
  override readonly name = 'TfjsBackendError';
  readonly requested: string;
  readonly actual: string;

  constructor(requested: string, actual: string, reason: string) {
    super(`tfjs backend: requested "${requested}", active "${actual}": ${reason}`);
    this.requested = requested;
    this.actual = actual;
  }
}

/**
 * Activates `name` and checks that it really is active (tfjs falls back silently), or throws `TfjsBackendError`.
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

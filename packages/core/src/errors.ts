/**
 * The one error class for bad input. Every public function throws it before any tensor is created (or after
 * disposing what it created), with the argument's name, what was expected and what was given.
 *
 * @example
 * try {
 *   computeLoss(backend, ntXent, { anchors, positives: wrongShape });
 * } catch (error) {
 *   if (error instanceof ContrastiveInputError) console.log(error.argument, error.expected, error.actual);
 * }
 *
 * @see [Guarantees](/guides/guarantees)
 */
export class ContrastiveInputError extends Error {
  /** The class name, for logs. */
  override readonly name = 'ContrastiveInputError';
  /** The offending argument, e.g. `'positives'` or `'options.temperature'`. */
  readonly argument: string;
  /** What was expected, e.g. `'shape [8, 128]'`. */
  readonly expected: string;
  /** What was given. */
  readonly actual: string;

  constructor(argument: string, expected: string, actual: string) {
    super(`${argument}: expected ${expected}, got ${actual}`);
    this.argument = argument;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * Formats a shape the way error messages print it: `[4, 128]`.
 *
 * @example
 * formatShape([4, 128]); // '[4, 128]'
 *
 * @see [Troubleshooting](/guides/troubleshooting)
 */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A call that would need more memory than the backend's budget (`capabilities.memoryBudgetBytes`, or the default
 * for its precision). Thrown before anything is allocated; the message says what to use instead.
 *
 * @example
 * const backend = createReferenceBackend({ memoryBudgetBytes: 1024 });
 * computeLoss(backend, ntXent, { anchors, positives }); // ContrastiveResourceError for any but tiny batches
 *
 * @see [Guarantees](/guides/guarantees)
 */
export class ContrastiveResourceError extends Error {
  /** The class name, for logs. */
  override readonly name = 'ContrastiveResourceError';
  /** Estimated bytes the call needs at once. */
  readonly requiredBytes: number;
  /** The budget it exceeds. */
  readonly budgetBytes: number;

  constructor(what: string, requiredBytes: number, budgetBytes: number, instead: string) {
    super(`${what}: needs about ${formatBytes(requiredBytes)} at once, above the budget of ${formatBytes(budgetBytes)}; ${instead}`);
    this.requiredBytes = requiredBytes;
    this.budgetBytes = budgetBytes;
  }
}

/**
 * Formats a byte count the way error messages print it: `1.5 GiB`, `320.0 MiB`, `12.0 KiB`, `512 bytes`.
 *
 * @example
 * formatBytes(1.5 * 2 ** 30); // '1.5 GiB'
 *
 * @see [Troubleshooting](/guides/troubleshooting)
 */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

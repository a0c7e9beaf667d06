/**
 * The one error class for bad input. Every public function throws it before any tensor is created (or after
 * disposing what it created), with the argument's name, what was expected and what was given.
 */
export class ContrastiveInputError extends Error {
  override readonly name = 'ContrastiveInputError';
  readonly argument: string;
  readonly expected: string;
  readonly actual: string;

  constructor(argument: string, expected: string, actual: string) {
    super(`${argument}: expected ${expected}, got ${actual}`);
    this.argument = argument;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Formats a shape the way error messages print it: `[4, 128]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A call that would need more memory than the backend's budget (`capabilities.memoryBudgetBytes`, or the default
 * for its precision). Thrown before anything is allocated; the message says what to use instead.
 */
export class ContrastiveResourceError extends Error {
  override readonly name = 'ContrastiveResourceError';
  /** Estimated bytes the call needs at once. */
  readonly requiredBytes: number;
  readonly budgetBytes: number;

  constructor(what: string, requiredBytes: number, budgetBytes: number, instead: string) {
    super(`${what}: needs about ${formatBytes(requiredBytes)} at once, above the budget of ${formatBytes(budgetBytes)}; ${instead}`);
    this.requiredBytes = requiredBytes;
    this.budgetBytes = budgetBytes;
  }
}

/** `1.5 GiB`, `320 MiB`, `12 KiB`. */
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

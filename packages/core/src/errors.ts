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

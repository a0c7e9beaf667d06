/** Types of scripts/generate-loss-index.mjs's exports, for the tests that import it. */
export interface ScannedLoss {
  readonly key: string;
  readonly file: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly optional: readonly string[];
  readonly summary: string;
}
export function scanLosses(directory?: string): { readonly lossFiles: readonly string[]; readonly definitions: readonly ScannedLoss[] };
export function inlineExample(page: string): string | undefined;

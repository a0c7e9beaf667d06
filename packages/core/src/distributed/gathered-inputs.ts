import { ContrastiveInputError, formatShape } from '../errors.js';
import type { TensorBackend } from '../tensor-backend.js';
import { expectEmbeddings, expectFiniteValues, expectRank, expectSameShape } from '../validation.js';

/**
 * Checks one local block and the gathered matrix it belongs to: `local` [n, D], `gathered` [N, D] with the same
 * D, and `rowOffset + n <= N` (the local rows sit at `rowOffset` in the gathered matrix).
 */
export function expectLocalInGathered<T>(
  backend: TensorBackend<T>,
  local: unknown,
  localName: string,
  gathered: unknown,
  gatheredName: string,
  rowOffset: number,
): { rows: number; gatheredRows: number; dimension: number } {
  const [rows, dimension] = expectEmbeddings(backend, local, localName) as [number, number];
  const gatheredShape = expectRank(backend, gathered, gatheredName, 2);
  if (gatheredShape[1] !== dimension) {
    throw new ContrastiveInputError(gatheredName, `dimension ${dimension} (the dimension of ${localName})`, `shape ${formatShape(gatheredShape)}`);
  }
  const gatheredRows = gatheredShape[0]!;
  if (rowOffset + rows > gatheredRows) {
    throw new ContrastiveInputError(
      'options.rowOffset',
      `rowOffset + ${rows} local rows <= ${gatheredRows} gathered rows`,
      String(rowOffset),
    );
  }
  expectFiniteValues(backend, local as T, localName);
  expectFiniteValues(backend, gathered as T, gatheredName);
  return { rows, gatheredRows, dimension };
}

/** Two local blocks of the same shape, each inside its gathered matrix of the same shape. */
export function expectGatheredPair<T>(
  backend: TensorBackend<T>,
  inputs: { readonly [name: string]: T | undefined },
  rowOffset: number,
): { rows: number; gatheredRows: number; dimension: number } {
  const first = expectLocalInGathered(backend, inputs.anchors, 'anchors', inputs.gatheredAnchors, 'gatheredAnchors', rowOffset);
  expectSameShape(expectRank(backend, inputs.positives, 'positives', 2), [first.rows, first.dimension], 'positives', 'anchors');
  expectSameShape(
    expectRank(backend, inputs.gatheredPositives, 'gatheredPositives', 2),
    [first.gatheredRows, first.dimension],
    'gatheredPositives',
    'gatheredAnchors',
  );
  expectFiniteValues(backend, inputs.positives!, 'positives');
  expectFiniteValues(backend, inputs.gatheredPositives!, 'gatheredPositives');
  return first;
}

/** Ids `first, first + 1, ..., first + count - 1` followed by `second, ..., second + count - 1`, as a column. */
export function twoRangesColumn<T>(b: TensorBackend<T>, count: number, first: number, second: number, modulo?: number): T {
  const values: number[] = [];
  for (const start of [first, second]) for (let i = 0; i < count; i++) values.push(modulo ? (start + i) % modulo : start + i);
  return b.fromArray(values, [2 * count, 1]);
}

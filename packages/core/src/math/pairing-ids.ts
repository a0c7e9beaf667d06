import type { TensorBackend } from '../tensor-backend.js';
import type { Pairing } from './similarity-cross-entropy.js';

/** Ids `offset, offset + 1, ...` as a column [count, 1] (anchors) or a row [1, count] (keys). */
export function idRange<T>(b: TensorBackend<T>, count: number, offset: number, orientation: 'column' | 'row'): T {
  const values = Array.from({ length: count }, (_, i) => offset + i);
  return b.fromArray(values, orientation === 'column' ? [count, 1] : [1, count]);
}

/** Sample ids of view-major rows (`row = view * batchSize + sample`): `row mod batchSize`. */
export function viewMajorSampleIds<T>(b: TensorBackend<T>, views: number, batchSize: number, orientation: 'column' | 'row'): T {
  const count = views * batchSize;
  const values = Array.from({ length: count }, (_, row) => row % batchSize);
  return b.fromArray(values, orientation === 'column' ? [count, 1] : [1, count]);
}

/**
 * Pairing of `rows` anchors with `rows` separate keys where key `i` is the positive of anchor `i`: anchor ids
 * `0..rows-1` and key ids `rows..2rows-1` never match (nothing is excluded), groups `0..rows-1` on both sides.
 * With `positivesInDenominator: false` the denominator holds only the other keys (decoupled form).
 */
export function diagonalPairing<T>(b: TensorBackend<T>, rows: number, positivesInDenominator: boolean): Pairing<T> {
  return {
    anchorIds: idRange(b, rows, 0, 'column'),
    keyIds: idRange(b, rows, rows, 'row'),
    anchorGroups: idRange(b, rows, 0, 'column'),
    keyGroups: idRange(b, rows, 0, 'row'),
    positivesInDenominator,
  };
}

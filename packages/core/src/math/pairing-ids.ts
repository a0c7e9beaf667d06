import type { TensorBackend } from '../tensor-backend.js';

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

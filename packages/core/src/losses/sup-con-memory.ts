import { ContrastiveInputError, formatShape } from '../errors.js';
import { maybeNormalize } from '../math/maybe-normalize.js';
import { idRange } from '../math/pairing-ids.js';
import type { Pairing } from '../math/similarity-cross-entropy.js';
import type { Shape, TensorBackend } from '../tensor-backend.js';
import { expectDimension, expectEmbeddings, expectRank } from '../validation.js';

/**
 * Checks SupCon's optional labelled memory (Cross-Batch Memory): `memory` [M, D] with M >= 1 and the embeddings'
 * D, `memoryLabels` [M] of the labels' dtype (where the backend reports dtypes); both or neither.
 */
export function expectMemory<T>(backend: TensorBackend<T>, memory: unknown, memoryLabels: unknown, embeddingShape: Shape, labels: T): void {
  if (memory === undefined && memoryLabels === undefined) return;
  if (memory === undefined) throw new ContrastiveInputError('memory', 'a [M, D] tensor when memoryLabels is given', 'undefined');
  if (memoryLabels === undefined) throw new ContrastiveInputError('memoryLabels', 'a [M] tensor when memory is given', 'undefined');
  const shape = expectEmbeddings(backend, memory, 'memory');
  expectDimension(shape, embeddingShape[1]!, 'memory', 'embeddings');
  const labelShape = expectRank(backend, memoryLabels, 'memoryLabels', 1);
  if (labelShape[0] !== shape[0]) {
    throw new ContrastiveInputError('memoryLabels', `shape [${shape[0]}] (one label per row of memory)`, `shape ${formatShape(labelShape)}`);
  }
  const [expected, actual] = [backend.dtype?.(labels), backend.dtype?.(memoryLabels as T)];
  if (expected !== undefined && actual !== undefined && expected !== actual) {
    throw new ContrastiveInputError('memoryLabels', `dtype ${expected} (the dtype of labels)`, `dtype ${actual}`);
  }
}

/**
 * The keys and pairing of SupCon's similarity cross-entropy: the V * B rows `z` are the anchors; the keys are `z`
 * followed by the (normalised) memory rows, which are never excluded and are positives by label. Without memory
 * the keys are the anchors themselves. `rowLabels` repeats the batch's labels `views` times (the groups' period).
 */
export function supConKeys<T>(
  b: TensorBackend<T>,
  z: T,
  rowLabels: T,
  memory: { keys: T; labels: T } | undefined,
  normalize: boolean,
  views = 1,
): { keys: T; pairing: Pairing<T>; keysAreAnchors: boolean } {
  const rows = b.shape(z)[0]!;
  const keys = memory ? b.concat([z, maybeNormalize(b, memory.keys, normalize).value], 0) : z;
  const keyLabels = memory ? b.concat([rowLabels, memory.labels], 0) : rowLabels;
  const columns = b.shape(keys)[0]!;
  const pairing: Pairing<T> = {
    anchorIds: idRange(b, rows, 0, 'column'),
    keyIds: idRange(b, columns, 0, 'row'),
    anchorGroups: b.reshape(rowLabels, [rows, 1]),
    keyGroups: b.reshape(keyLabels, [1, columns]),
    positivesInDenominator: true,
    ...(memory === undefined ? { sharedGroups: true, groupPeriod: rows / views } : {}),
  };
  return { keys, pairing, keysAreAnchors: memory === undefined };
}

import { ContrastiveInputError, formatShape } from './errors.js';
import type { Shape, TensorBackend } from './tensor-backend.js';

/** Checks that `x` is a tensor of `backend` with the given rank; returns its shape. */
export function expectRank<T>(backend: TensorBackend<T>, x: unknown, argument: string, rank: number): Shape {
  if (!backend.isTensor(x)) {
    throw new ContrastiveInputError(argument, `a tensor of the ${backend.name} backend`, x === undefined ? 'undefined' : typeof x);
  }
  const shape = backend.shape(x);
  if (shape.length !== rank) {
    const what = rank === 0 ? 'a scalar (shape [])' : `a rank-${rank} tensor`;
    throw new ContrastiveInputError(argument, what, `shape ${formatShape(shape)}`);
  }
  return shape;
}

/** Checks a [rows, dimension] embedding matrix with at least `minRows` rows and one column. */
export function expectEmbeddings<T>(backend: TensorBackend<T>, x: unknown, argument: string, minRows = 1): Shape {
  const shape = expectRank(backend, x, argument, 2);
  if (shape[0]! < minRows) {
    throw new ContrastiveInputError(argument, `at least ${minRows} rows`, `shape ${formatShape(shape)}`);
  }
  if (shape[1]! < 1) throw new ContrastiveInputError(argument, 'a dimension of at least 1', `shape ${formatShape(shape)}`);
  return shape;
}

export function expectSameShape(actual: Shape, expected: Shape, argument: string, reference: string): void {
  if (actual.length !== expected.length || actual.some((extent, i) => extent !== expected[i])) {
    throw new ContrastiveInputError(argument, `shape ${formatShape(expected)} (the shape of ${reference})`, `shape ${formatShape(actual)}`);
  }
}

export function expectDimension(actual: Shape, dimension: number, argument: string, reference: string): void {
  if (actual[actual.length - 1] !== dimension) {
    throw new ContrastiveInputError(argument, `dimension ${dimension} (the dimension of ${reference})`, `shape ${formatShape(actual)}`);
  }
}

/**
 * Rejects NaN and infinite values. Runs on backends whose values are readable on the host; other backends run
 * the asynchronous form on request (reading GPU values back would stall the pipeline).
 */
export function expectFiniteValues<T>(backend: TensorBackend<T>, x: T, argument: string): void {
  if (!backend.capabilities.hostReadable || !backend.readSync) return;
  reportNonFinite(backend.readSync(x), argument);
}

export async function expectFiniteValuesAsync<T>(backend: TensorBackend<T>, x: T, argument: string): Promise<void> {
  reportNonFinite(await backend.read(x), argument);
}

function reportNonFinite(values: ArrayLike<number>, argument: string): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) {
      throw new ContrastiveInputError(argument, 'finite values', `${value} at flat index ${i}`);
    }
  }
}

/** Labels are integer-valued and finite; checked on host-readable backends. */
export function expectIntegerValues<T>(backend: TensorBackend<T>, x: T, argument: string): void {
  if (!backend.capabilities.hostReadable || !backend.readSync) return;
  const values = backend.readSync(x);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i])) {
      throw new ContrastiveInputError(argument, 'integer class labels', `${values[i]} at index ${i}`);
    }
  }
}

/** Anchors and positives: two [N, D] matrices of the same shape with at least `minRows` rows, finite values. */
export function expectEmbeddingPair<T>(
  backend: TensorBackend<T>,
  anchors: unknown,
  positives: unknown,
  minRows = 1,
): Shape {
  const shape = expectEmbeddings(backend, anchors, 'anchors', minRows);
  expectSameShape(expectRank(backend, positives, 'positives', 2), shape, 'positives', 'anchors');
  expectFiniteValues(backend, anchors as T, 'anchors');
  expectFiniteValues(backend, positives as T, 'positives');
  return shape;
}

/**
 * View-major embeddings [views * batchSize, D]: at least `views` rows (one sample), a row count divisible by
 * `views`, finite values. Returns the shape.
 */
export function expectViewMajorEmbeddings<T>(backend: TensorBackend<T>, embeddings: unknown, views: number): Shape {
  const shape = expectEmbeddings(backend, embeddings, 'embeddings', views);
  if (shape[0]! % views !== 0) {
    throw new ContrastiveInputError('embeddings', `a row count divisible by views (${views})`, `shape ${formatShape(shape)}`);
  }
  expectFiniteValues(backend, embeddings as T, 'embeddings');
  return shape;
}

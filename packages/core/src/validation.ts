import { ContrastiveInputError, formatShape } from './errors.js';
import { hostValues } from './contract/check-call.js';
import { checkKnownValues } from './contract/input-facts.js';
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
 * Values finite in the backend's precision, where they are known on the host (the call contract in
 * `contract/check-call.ts` does this for every loss input; this is for functions outside it, such as
 * `topKAccuracy`). Device values are not read here.
 */
export function expectFiniteValues<T>(backend: TensorBackend<T>, x: T, argument: string): void {
  const values = hostValues(backend, x);
  if (values) checkKnownValues(values, backend.shape(x), 'embeddings', argument, backend.capabilities.precision);
}

/**
 * Reads `x` and checks that every value is finite in the backend's precision, for values that live on a device.
 *
 * @param backend - The backend holding `x`.
 * @param x - The tensor to check.
 * @param argument - The name to blame.
 * @throws ContrastiveInputError (rejects) naming `argument` when a value is not finite.
 *
 * @example
 * await expectFiniteValuesAsync(backend, embeddings, 'embeddings');
 *
 * @see [Guarantees](/guides/guarantees)
 */
export async function expectFiniteValuesAsync<T>(backend: TensorBackend<T>, x: T, argument: string): Promise<void> {
  checkKnownValues(await backend.read(x), backend.shape(x), 'embeddings', argument, backend.capabilities.precision);
}

/** Labels are integers exact in the backend's precision, where they are known on the host. */
export function expectIntegerValues<T>(backend: TensorBackend<T>, x: T, argument: string): void {
  const values = hostValues(backend, x);
  if (values) checkKnownValues(values, backend.shape(x), 'labels', argument, backend.capabilities.precision);
}

/** Anchors and positives: two [N, D] matrices of the same shape with at least `minRows` rows (values: the call contract). */
export function expectEmbeddingPair<T>(
  backend: TensorBackend<T>,
  anchors: unknown,
  positives: unknown,
  minRows = 1,
): Shape {
  const shape = expectEmbeddings(backend, anchors, 'anchors', minRows);
  expectSameShape(expectRank(backend, positives, 'positives', 2), shape, 'positives', 'anchors');
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
  return shape;
}

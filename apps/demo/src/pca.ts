/**
 * Principal component analysis to 2-D for the report's scatter plot, in plain JavaScript. The rows are centred,
 * `C = X^T X / (n - 1)` is formed ([dimension, dimension]) and its leading eigenvectors are found by power
 * iteration with deflation (`C <- C - lambda v v^T`). Each component's sign is fixed so its largest-magnitude
 * entry is positive, making the projection deterministic.
 */

export interface Projection {
  /** [count, components] row-major coordinates. */
  readonly points: Float64Array;
  /** The principal directions, [components][dimension]. */
  readonly components: Float64Array[];
  /** Their variances (eigenvalues of the covariance). */
  readonly variances: number[];
}

/** Projects `values` [count, dimension] onto its top `components` principal directions. */
export function pca(values: ArrayLike<number>, dimension: number, components = 2, iterations = 200): Projection {
  const count = values.length / dimension;
  const mean = new Float64Array(dimension);
  for (let i = 0; i < values.length; i++) mean[i % dimension]! += values[i]! / count;
  const centred = Float64Array.from(values, (v, i) => v - mean[i % dimension]!);
  const covariance = new Float64Array(dimension * dimension);
  for (let n = 0; n < count; n++) {
    for (let a = 0; a < dimension; a++) {
      const x = centred[n * dimension + a]!;
      for (let b = 0; b < dimension; b++) covariance[a * dimension + b]! += (x * centred[n * dimension + b]!) / Math.max(count - 1, 1);
    }
  }
  const directions: Float64Array[] = [];
  const variances: number[] = [];
  for (let c = 0; c < components; c++) {
    const { vector, value } = leadingEigenvector(covariance, dimension, iterations);
    directions.push(vector);
    variances.push(value);
    for (let a = 0; a < dimension; a++) for (let b = 0; b < dimension; b++) covariance[a * dimension + b]! -= value * vector[a]! * vector[b]!;
  }
  const points = new Float64Array(count * components);
  for (let n = 0; n < count; n++) {
    directions.forEach((direction, c) => {
      let dot = 0;
      for (let d = 0; d < dimension; d++) dot += centred[n * dimension + d]! * direction[d]!;
      points[n * components + c] = dot;
    });
  }
  return { points, components: directions, variances };
}

function leadingEigenvector(matrix: Float64Array, dimension: number, iterations: number): { vector: Float64Array; value: number } {
  let vector = Float64Array.from({ length: dimension }, (_, i) => 1 + i / dimension);
  let value = 0;
  for (let step = 0; step < iterations; step++) {
    const next = new Float64Array(dimension);
    for (let a = 0; a < dimension; a++) for (let b = 0; b < dimension; b++) next[a]! += matrix[a * dimension + b]! * vector[b]!;
    const norm = Math.hypot(...next);
    if (norm === 0) break;
    value = norm;
    vector = next.map((v) => v / norm);
  }
  let largest = 0;
  vector.forEach((v, i) => {
    if (Math.abs(v) > Math.abs(vector[largest]!)) largest = i;
  });
  if (vector[largest]! < 0) vector = vector.map((v) => -v);
  return { vector, value };
}

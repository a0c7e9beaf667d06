/**
 * Plain-JS views of an embedding for the live training demo: a 2-D PCA projection for the scatter plot and the
 * leave-one-out k-nearest-neighbour accuracy (cosine similarity, majority vote) that tells whether it separates
 * the digits.
 */

/** Rows of `embeddings` ([rows, dimension], row-major) projected on their two leading principal axes. */
export function projectPca2d(embeddings: ArrayLike<number>, rows: number, dimension: number): Float64Array {
  const centred = new Float64Array(rows * dimension);
  for (let d = 0; d < dimension; d++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += embeddings[i * dimension + d]! / rows;
    for (let i = 0; i < rows; i++) centred[i * dimension + d] = embeddings[i * dimension + d]! - mean;
  }
  const covariance = new Float64Array(dimension * dimension);
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < dimension; a++) {
      for (let b = 0; b < dimension; b++) covariance[a * dimension + b]! += centred[i * dimension + a]! * centred[i * dimension + b]!;
    }
  }
  const axes = [powerIteration(covariance, dimension, [])];
  axes.push(powerIteration(covariance, dimension, axes));
  const out = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < 2; k++) {
      let dot = 0;
      for (let d = 0; d < dimension; d++) dot += centred[i * dimension + d]! * axes[k]![d]!;
      out[i * 2 + k] = dot;
    }
  }
  return out;
}

/** Leading eigenvector of a symmetric matrix, orthogonal to `previous` (Gram-Schmidt each iteration). */
function powerIteration(matrix: Float64Array, size: number, previous: readonly Float64Array[]): Float64Array {
  let vector = Float64Array.from({ length: size }, (_, i) => 1 + i / size);
  for (let iteration = 0; iteration < 100; iteration++) {
    const next = new Float64Array(size);
    for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) next[a]! += matrix[a * size + b]! * vector[b]!;
    for (const axis of previous) {
      const dot = next.reduce((sum, v, i) => sum + v * axis[i]!, 0);
      for (let i = 0; i < size; i++) next[i]! -= dot * axis[i]!;
    }
    const length = Math.hypot(...next) || 1;
    vector = next.map((v) => v / length);
  }
  return vector;
}

/** Fraction of rows whose `k` most cosine-similar other rows vote (majority, ties to the nearest) for their label. */
export function leaveOneOutKnnAccuracy(embeddings: ArrayLike<number>, labels: ArrayLike<number>, rows: number, dimension: number, k: number): number {
  const unit = new Float64Array(rows * dimension);
  for (let i = 0; i < rows; i++) {
    let length = 0;
    for (let d = 0; d < dimension; d++) length += embeddings[i * dimension + d]! ** 2;
    length = Math.max(Math.sqrt(length), 1e-12);
    for (let d = 0; d < dimension; d++) unit[i * dimension + d] = embeddings[i * dimension + d]! / length;
  }
  let hits = 0;
  for (let i = 0; i < rows; i++) {
    const scores: [number, number][] = [];
    for (let j = 0; j < rows; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let d = 0; d < dimension; d++) dot += unit[i * dimension + d]! * unit[j * dimension + d]!;
      scores.push([dot, labels[j]!]);
    }
    scores.sort((x, y) => y[0] - x[0]);
    const votes = new Map<number, number>();
    for (const [, label] of scores.slice(0, k)) votes.set(label, (votes.get(label) ?? 0) + 1);
    const best = Math.max(...votes.values());
    const winner = scores.slice(0, k).find(([, label]) => votes.get(label) === best)![1];
    if (winner === labels[i]) hits++;
  }
  return hits / rows;
}

/**
 * What the heat maps show, computed in plain JavaScript (float64) from the sample itself, independent of the
 * backend that computes the loss.
 */

/** `c_ij = a_i . p_j / (||a_i|| ||p_j||)` for row-major [rows, dimension] inputs; [rows, rows] row-major. */
export function cosineSimilarityMatrix(anchors: ArrayLike<number>, positives: ArrayLike<number>, rows: number, dimension: number): Float64Array {
  const norm = (x: ArrayLike<number>, i: number) => {
    let sum = 0;
    for (let d = 0; d < dimension; d++) sum += x[i * dimension + d]! ** 2;
    return Math.max(Math.sqrt(sum), 1e-12);
  };
  const out = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      let dot = 0;
      for (let d = 0; d < dimension; d++) dot += anchors[i * dimension + d]! * positives[j * dimension + d]!;
      out[i * rows + j] = dot / (norm(anchors, i) * norm(positives, j));
    }
  }
  return out;
}

/**
 * The row softmax of `s = c / temperature`: `q_ij = exp(s_ij - max_k s_ik) / sum_k exp(s_ik - max_k s_ik)`, the
 * distribution the cross-entropy of an InfoNCE-style loss compares with the one-hot positive. Low temperatures
 * sharpen it towards the largest similarity of each row; high temperatures flatten it towards uniform.
 */
export function rowSoftmax(similarities: ArrayLike<number>, rows: number, columns: number, temperature: number): Float64Array {
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let j = 0; j < columns; j++) max = Math.max(max, similarities[i * columns + j]! / temperature);
    let sum = 0;
    for (let j = 0; j < columns; j++) {
      const e = Math.exp(similarities[i * columns + j]! / temperature - max);
      out[i * columns + j] = e;
      sum += e;
    }
    for (let j = 0; j < columns; j++) out[i * columns + j] = out[i * columns + j]! / sum;
  }
  return out;
}

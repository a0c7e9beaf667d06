/**
 * Test support: NT-Xent (normalize on, reduction `sum`) in float64 plain JavaScript, streamed in row blocks so no
 * [2N, 2N] matrix is ever held. Written from the definition (docs/losses/nt-xent.md, "Exact definition"):
 * `z = normalize([anchors; positives])`, `s = z z^T / temperature`, `l_i = -s_{i,p(i)} + log sum_{k != i} exp(s_ik)`.
 * No max subtraction is needed: |s| <= 1 / temperature, and callers keep temperature >= 0.1.
 */
export interface ChunkedNtXent {
  /** Sum of the 2N row losses. */
  readonly loss: number;
  /** Gradient of the summed loss with respect to row `row` of `[anchors; positives]`. */
  gradientRow(row: number): Float64Array;
}

export function chunkedNtXent(anchors: Float32Array, positives: Float32Array, pairs: number, dimension: number, temperature: number): ChunkedNtXent {
  const rows = 2 * pairs;
  const z = new Float64Array(rows * dimension);
  const norms = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const source = i < pairs ? anchors : positives;
    const offset = (i % pairs) * dimension;
    let squared = 0;
    for (let d = 0; d < dimension; d++) squared += source[offset + d]! ** 2;
    norms[i] = Math.max(Math.sqrt(squared), 1e-12);
    for (let d = 0; d < dimension; d++) z[i * dimension + d] = source[offset + d]! / norms[i]!;
  }
  const similarity = (i: number, j: number) => {
    let total = 0;
    for (let d = 0; d < dimension; d++) total += z[i * dimension + d]! * z[j * dimension + d]!;
    return total / temperature;
  };
  // Denominators by symmetric blocks: each pair i < j once, added to both rows.
  const denominators = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = i + 1; j < rows; j++) {
      const e = Math.exp(similarity(i, j));
      denominators[i]! += e;
      denominators[j]! += e;
    }
  }
  const partner = (i: number) => (i + pairs) % rows;
  let loss = 0;
  for (let i = 0; i < rows; i++) loss += Math.log(denominators[i]!) - similarity(i, partner(i));
  return {
    loss,
    gradientRow(i) {
      // dz_i = (1/T) [sum_{j != i} (softmax_ij + softmax_ji) z_j - 2 z_p(i)], then through the normalisation.
      const dz = new Float64Array(dimension);
      for (let j = 0; j < rows; j++) {
        if (j === i) continue;
        const e = Math.exp(similarity(i, j));
        const weight = e / denominators[i]! + e / denominators[j]! - (j === partner(i) ? 2 : 0);
        for (let d = 0; d < dimension; d++) dz[d]! += (weight * z[j * dimension + d]!) / temperature;
      }
      let projection = 0;
      for (let d = 0; d < dimension; d++) projection += dz[d]! * z[i * dimension + d]!;
      return dz.map((value, d) => (value - z[i * dimension + d]! * projection) / norms[i]!);
    },
  };
}

/**
 * k-nearest-neighbour classification by cosine similarity, in plain JavaScript on host arrays (an evaluation,
 * not loss math). Query `q` takes the majority label of the `k` reference rows with the largest
 * `cos(q, r) = q . r / (||q|| ||r||)`; a tied vote goes to the tied label whose neighbours' similarities sum highest.
 */

/** Row-major embeddings [count, dimension] with one label per row. */
export interface LabelledEmbeddings {
  readonly values: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  readonly dimension: number;
}

/** Rows divided by their L2 norm (zero rows stay zero). */
export function normalizeRows(values: ArrayLike<number>, dimension: number): Float64Array {
  const out = Float64Array.from(values);
  for (let offset = 0; offset < out.length; offset += dimension) {
    let squared = 0;
    for (let d = 0; d < dimension; d++) squared += out[offset + d]! ** 2;
    const norm = Math.sqrt(squared);
    if (norm > 0) for (let d = 0; d < dimension; d++) out[offset + d]! /= norm;
  }
  return out;
}

/** Predicted labels of every query row. */
export function knnPredict(reference: LabelledEmbeddings, queries: ArrayLike<number>, k = 5): Int32Array {
  const { dimension } = reference;
  const keys = normalizeRows(reference.values, dimension);
  const rows = normalizeRows(queries, dimension);
  const referenceCount = keys.length / dimension;
  const predictions = new Int32Array(rows.length / dimension);
  const similarities = new Float64Array(referenceCount);
  for (let q = 0; q < predictions.length; q++) {
    for (let r = 0; r < referenceCount; r++) {
      let dot = 0;
      for (let d = 0; d < dimension; d++) dot += rows[q * dimension + d]! * keys[r * dimension + d]!;
      similarities[r] = dot;
    }
    predictions[q] = vote(topK(similarities, k), similarities, reference.labels);
  }
  return predictions;
}

/** Fraction of query rows whose predicted label equals their own. */
export function knnAccuracy(reference: LabelledEmbeddings, queries: LabelledEmbeddings, k = 5): number {
  const predictions = knnPredict(reference, queries.values, k);
  let hits = 0;
  predictions.forEach((label, i) => {
    if (label === queries.labels[i]) hits += 1;
  });
  return hits / predictions.length;
}

/** Indices of the `k` largest values (ties by lower index). */
function topK(values: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length === k && values[i]! <= values[best[k - 1]!]!) continue;
    let position = Math.min(best.length, k - 1);
    if (best.length < k) best.push(i);
    while (position > 0 && values[best[position - 1]!]! < values[i]!) {
      best[position] = best[position - 1]!;
      position -= 1;
    }
    best[position] = i;
  }
  return best;
}

function vote(neighbours: readonly number[], similarities: Float64Array, labels: ArrayLike<number>): number {
  const counts = new Map<number, { votes: number; weight: number }>();
  for (const index of neighbours) {
    const entry = counts.get(labels[index]!) ?? { votes: 0, weight: 0 };
    counts.set(labels[index]!, { votes: entry.votes + 1, weight: entry.weight + similarities[index]! });
  }
  let winner = -1;
  let best = { votes: -1, weight: -Infinity };
  for (const [label, entry] of counts) {
    if (entry.votes > best.votes || (entry.votes === best.votes && entry.weight > best.weight)) [winner, best] = [label, entry];
  }
  return winner;
}

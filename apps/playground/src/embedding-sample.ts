import { createSeededRandom } from './seeded-random.js';

/** Row-major `anchors` and `positives` [batchSize, dimension]: positive i is anchor i plus Gaussian noise. */
export interface EmbeddingSample {
  readonly anchors: Float64Array;
  readonly positives: Float64Array;
  readonly batchSize: number;
  readonly dimension: number;
}

export interface EmbeddingSampleOptions {
  readonly batchSize: number;
  readonly dimension: number;
  /** Standard deviation of the noise added to each anchor to make its positive (anchors are standard normal). */
  readonly noise: number;
  readonly seed: number;
}

/**
 * Anchors `a_i ~ N(0, I)` and positives `p_i = a_i + noise * e_i`, `e_i ~ N(0, I)`: with small noise every
 * positive is the nearest neighbour of its anchor, so the diagonal of the similarity matrix stands out.
 */
export function sampleEmbeddings(options: EmbeddingSampleOptions): EmbeddingSample {
  const { batchSize, dimension, noise, seed } = options;
  const random = createSeededRandom(seed);
  const size = batchSize * dimension;
  const anchors = new Float64Array(size);
  const positives = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    anchors[i] = random.normal();
    positives[i] = anchors[i]! + noise * random.normal();
  }
  return { anchors, positives, batchSize, dimension };
}

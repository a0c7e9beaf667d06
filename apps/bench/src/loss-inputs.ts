import type { BenchLoss } from './cli-options.js';

export interface HostTensor {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** A small deterministic generator (mulberry32) so every backend sees the same inputs. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniformMatrix(random: () => number, rows: number, dimension: number): HostTensor {
  const values = new Float32Array(rows * dimension);
  for (let i = 0; i < values.length; i++) values[i] = random() * 2 - 1;
  return { values, shape: [rows, dimension] };
}

/** Options each loss is benchmarked with (temperature 0.1; CLIP's logit scale 1/0.07 is an input). */
export const lossOptions: Readonly<Record<BenchLoss, object>> = {
  'nt-xent': { temperature: 0.1 },
  clip: {},
  'sup-con': { temperature: 0.1, views: 2 },
};

/**
 * The inputs of one cell, by core input name: NT-Xent and CLIP get `anchors`, `positives` [N, D] (CLIP also
 * `logitScale` = 1/0.07); SupCon gets view-major `embeddings` [2N, D] and `labels` [N] from N/8 classes.
 */
export function lossInputs(loss: BenchLoss, pairs: number, dimension: number, seed = 1): Record<string, HostTensor> {
  const random = seededUniform(seed);
  if (loss === 'sup-con') {
    const classes = Math.max(1, Math.floor(pairs / 8));
    const labels = Float32Array.from({ length: pairs }, () => Math.floor(random() * classes));
    return { embeddings: uniformMatrix(random, 2 * pairs, dimension), labels: { values: labels, shape: [pairs] } };
  }
  const pair = { anchors: uniformMatrix(random, pairs, dimension), positives: uniformMatrix(random, pairs, dimension) };
  return loss === 'clip' ? { ...pair, logitScale: { values: Float32Array.of(1 / 0.07), shape: [] } } : pair;
}

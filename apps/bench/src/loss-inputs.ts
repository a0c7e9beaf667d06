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

/** A [rows, D] matrix uniform in [-1, 1). */
export function uniformMatrix(random: () => number, rows: number, dimension: number): HostTensor {
  const values = new Float32Array(rows * dimension);
  for (let i = 0; i < values.length; i++) values[i] = random() * 2 - 1;
  return { values, shape: [rows, dimension] };
}

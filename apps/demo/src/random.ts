/**
 * A small seeded random source (mulberry32 for uniforms, Box-Muller for normals), so a demo run with the same
 * `--seed` shuffles, augments and initialises identically on every machine.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (mean 0, variance 1). */
  normal(): number;
  /** Uniform integer in [0, size). */
  integer(size: number): number;
}

/** Creates a seeded random source; any 32-bit integer seed. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  let spareNormal: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spareNormal !== undefined) {
      const value = spareNormal;
      spareNormal = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  return { next, normal, integer: (size) => Math.floor(next() * size) };
}

/** A random permutation of `0 .. count - 1` (Fisher-Yates). */
export function permutation(count: number, random: Random): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = random.integer(i + 1);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

import type { HostTensor } from './fixture-types.js';

/**
 * A small seeded generator (mulberry32) so every suite-generated case is the same on every run and machine.
 * Values are rounded to float32 (`Math.fround`) so that float32 backends receive exactly the inputs the float64
 * reference sees.
 */
export class RandomSource {
  private state: number;

  /** Seeds from a string (the case id) by FNV-1a. */
  constructor(seed: string) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193);
    this.state = hash >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box-Muller), rounded to float32. */
  gaussian(): number {
    const u = 1 - this.uniform();
    return Math.fround(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform()));
  }

  /** A tensor of standard normal values times `scale`, rounded to float32. */
  gaussianTensor(shape: readonly number[], scale = 1): HostTensor {
    const size = shape.reduce((product, extent) => product * extent, 1);
    return { shape, values: Array.from({ length: size }, () => Math.fround(this.gaussian() * scale)) };
  }

  /** A random permutation of `0 .. count - 1` (Fisher-Yates). */
  permutation(count: number): number[] {
    const order = Array.from({ length: count }, (_, i) => i);
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }
}

/** A scalar host tensor (shape `[]`), rounded to float32. */
export function scalar(value: number): HostTensor {
  return { shape: [], values: [Math.fround(value)] };
}

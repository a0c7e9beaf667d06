/**
 * The floor measured beside the loss, round by round. On a shared VM the matmul rate of the same product moves by
 * 2x within minutes (a run's slowest and fastest samples of one shape: 136 and 370 GFLOP/s), so a loss timed in a
 * slow minute against rates from a fast one, or the reverse, gives a ratio that says more about the VM than the
 * loss. The ort-node cells therefore also time the loss's matmuls alone, as one graph run as one step (the
 * forward-shaped `[R, D] @ [D, R]` with its row sum and one or two backward-shaped `[R, R] @ [R, D]`:
 * `ortFloorStep`; for InfoNCE with paired negatives its batched dots and outer product, `ortPairedNegativesFloorStep`),
 * interleaved with the loss in one process, and report the median of the rounds' `loss / floor`. Losses wider than
 * R = 8192 rows (the `--large` cells) time the step at 8192 rows, the rows the floor's rates are sampled at, and
 * scale it by `(R / 8192)^2`: every product of the floor is R^2 D.
 * One step on each side: a first version timed the two product shapes as separate runs and scaled them, paying a
 * run's fixed cost (several ms on onnxruntime-node) up to three times on the floor's side, and put CLIP and
 * InfoNCE at 0.8-0.96x of that "floor".
 */
import { median } from './statistics.js';

export interface PairedFloor {
  /** Rounds, each timing the loss and the floor step once (in alternating order). */
  readonly rounds: number;
  /** Median over rounds of `loss / floor` in that round. */
  readonly medianRatio: number;
  /** Median of the rounds' floors (scaled) and of the loss's times in this phase (ms). */
  readonly medianFloorMs: number;
  readonly medianLossMs: number;
  /** The products' shape: rows R (min(R, 8192)) and D. */
  readonly rows: number;
  readonly dimension: number;
  /** What the step's time was multiplied by: `(R / rows)^2` for a loss of R > 8192 rows, else 1 (absent in records before it). */
  readonly scale?: number;
}

/**
 * Round-by-round ratios of the loss's time to the floor step's time in the same round.
 *
 * @example
 * pairedFloor([200, 210], [100, 101], 8192, 128).medianRatio; // ~2
 * pairedFloor([40_000], [600], 8192, 128, 256).medianRatio; // 40 s against 256 x 0.6 s
 */
export function pairedFloor(lossMs: readonly number[], floorMs: readonly number[], rows: number, dimension: number, scale = 1): PairedFloor {
  const rounds = lossMs.length;
  if (rounds === 0 || floorMs.length !== rounds) {
    throw new Error(`pairedFloor: ${rounds} loss times and ${floorMs.length} floor times (one of each per round)`);
  }
  return {
    rounds,
    medianRatio: median(lossMs.map((ms, i) => ms / (scale * floorMs[i]!))),
    medianFloorMs: scale * median(floorMs),
    medianLossMs: median(lossMs),
    rows,
    dimension,
    scale,
  };
}

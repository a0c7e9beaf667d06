/**
 * The floor measured beside the loss, round by round. On a shared VM the matmul rate of the same product moves by
 * 2x within minutes (a run's slowest and fastest samples of one shape: 136 and 370 GFLOP/s), so a loss timed in a
 * slow minute against rates from a fast one, or the reverse, gives a ratio that says more about the VM than the
 * loss. The ort-node cells therefore also time the floor's two products (the forward-shaped `[R, D] @ [D, R]` with
 * its row sum and the backward-shaped `[R, R] @ [R, D]`, as `run-matmul-cell.ts`) interleaved with the loss in one
 * process: each round's floor is its products' times scaled to the loss's flops, and the ratio is the median of the
 * rounds' `loss / floor`.
 */
import { median } from './statistics.js';

export interface PairedFloor {
  /** Rounds, each timing the loss, the forward-shaped product and the backward-shaped product once. */
  readonly rounds: number;
  /** Median over rounds of `loss / floor` in that round. */
  readonly medianRatio: number;
  /** Median of the rounds' floors and of the loss's times in this phase (ms). */
  readonly medianFloorMs: number;
  readonly medianLossMs: number;
  /** The products' shape: rows R (min(R, 8192)) and D. */
  readonly rows: number;
  readonly dimension: number;
}

/**
 * Round-by-round ratios: round `i`'s floor is `forwardFlops / productFlops * forwardMs[i] + backwardFlops /
 * productFlops * backwardMs[i]` (each product timed at `productFlops = 2 R^2 D`).
 *
 * @example
 * pairedFloor([200, 210], [50, 52], [51, 49], { forward: 1, backward: 1 }, 1, 8192, 128).medianRatio; // ~2
 */
export function pairedFloor(
  lossMs: readonly number[],
  forwardMs: readonly number[],
  backwardMs: readonly number[],
  flops: { readonly forward: number; readonly backward: number },
  productFlops: number,
  rows: number,
  dimension: number,
): PairedFloor {
  const rounds = lossMs.length;
  if (rounds === 0 || forwardMs.length !== rounds || backwardMs.length !== rounds) {
    throw new Error(`pairedFloor: ${rounds} loss times, ${forwardMs.length} forward and ${backwardMs.length} backward product times (one of each per round)`);
  }
  const floors = lossMs.map((_, i) => (flops.forward / productFlops) * forwardMs[i]! + (flops.backward / productFlops) * backwardMs[i]!);
  return {
    rounds,
    medianRatio: median(lossMs.map((ms, i) => ms / floors[i]!)),
    medianFloorMs: median(floors),
    medianLossMs: median(lossMs),
    rows,
    dimension,
  };
}

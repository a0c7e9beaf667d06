/** Timing and memory probes used inside a cell's child process. */
import { readFileSync, writeFileSync } from 'node:fs';
import { median, runsWithin, warmupRuns } from './statistics.js';

export interface Timing {
  readonly warmupMs: number;
  readonly runs: number;
  readonly timesMs: readonly number[];
  readonly medianMs: number;
}

/**
 * Untimed warm-up runs (`warmupRuns`: 3 for cheap steps, else 1; a run the caller already made and passes the time
 * of counts as the first), then as many timed runs as fit `budgetMs` (1 to 5, from the last warm-up's time); the
 * median is reported with every run's time.
 */
export async function timeRuns(step: () => unknown, budgetMs: number, warmedUpMs?: number): Promise<Timing> {
  const timed = async () => {
    const start = performance.now();
    await step();
    return performance.now() - start;
  };
  let warmupMs = warmedUpMs ?? (await timed());
  for (let i = 1; i < warmupRuns(budgetMs, warmupMs); i++) warmupMs = await timed();
  const runs = runsWithin(budgetMs, warmupMs);
  const timesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await step();
    timesMs.push(performance.now() - start);
  }
  return { warmupMs, runs, timesMs, medianMs: median(timesMs) };
}

function statusField(name: string): number | undefined {
  try {
    const match = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size of this process so far (Linux `VmHWM`), in bytes; undefined off Linux. */
export function peakRssBytes(): number | undefined {
  return statusField('VmHWM');
}

/** Resets the peak RSS to the current RSS (Linux `clear_refs` 5); false where that is not allowed. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export interface MemoryWindow {
  /** RSS when the window opened, and the peak RSS since then minus it. */
  readonly rssBeforeBytes: number;
  readonly peakRssBytes?: number;
  readonly rssDeltaBytes?: number;
  readonly peakResetWorked: boolean;
}

/** Opens a window on RSS: call the returned function after the work to read its peak and delta. */
export function openMemoryWindow(): () => MemoryWindow {
  const peakResetWorked = resetPeakRss();
  const rssBeforeBytes = process.memoryUsage().rss;
  return () => {
    const peak = peakRssBytes();
    return peak === undefined
      ? { rssBeforeBytes, peakResetWorked }
      : { rssBeforeBytes, peakRssBytes: peak, rssDeltaBytes: peak - rssBeforeBytes, peakResetWorked };
  };
}

export interface InterleavedTiming<K extends string> {
  readonly timings: { readonly [key in K]: Timing };
  /** Rounds: each runs every step once, in alternating order (forward, then reversed), so drift hits all alike. */
  readonly rounds: number;
}

/**
 * Times several variants of one step side by side: each gets its warm-up runs (`warmupRuns`, per variant), then
 * `rounds` rounds run every variant once, the order reversed on every other round, so that load drift on a shared
 * machine lands on all variants alike. Rounds: as many as fit `budgetMs` (from the warm-up times), 1 to `maxRounds`.
 */
export async function timeInterleaved<K extends string>(steps: { readonly [key in K]: () => unknown }, budgetMs: number, maxRounds: number): Promise<InterleavedTiming<K>> {
  const keys = Object.keys(steps) as K[];
  const timed = async (key: K) => {
    const start = performance.now();
    await steps[key]();
    return performance.now() - start;
  };
  const warmupMs = {} as Record<K, number>;
  for (const key of keys) {
    warmupMs[key] = await timed(key);
    for (let i = 1; i < warmupRuns(budgetMs / keys.length, warmupMs[key]); i++) warmupMs[key] = await timed(key);
  }
  const roundMs = keys.reduce((sum, key) => sum + warmupMs[key], 0);
  const rounds = Math.max(1, Math.min(maxRounds, Math.floor(budgetMs / Math.max(roundMs, 1))));
  const times = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const key of round % 2 === 0 ? keys : [...keys].reverse()) times[key].push(await timed(key));
  }
  const timings = Object.fromEntries(keys.map((key) => [key, { warmupMs: warmupMs[key], runs: rounds, timesMs: times[key], medianMs: median(times[key]) }])) as unknown as { [key in K]: Timing };
  return { timings, rounds };
}

/** Median time of a cheap synchronous call: `warmups` untimed calls, then `runs` timed ones. */
export function timeCall(fn: () => unknown, runs: number, warmups = 5): { readonly medianMs: number; readonly minMs: number; readonly runs: number } {
  for (let i = 0; i < warmups; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return { medianMs: median(times), minMs: Math.min(...times), runs };
}

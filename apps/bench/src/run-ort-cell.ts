/** A cell for one of our losses on ONNX Runtime (onnxruntime-node CPU or onnxruntime-web wasm). */
import type { Cell } from './bench-plan.js';
import { lossInputs, lossSpecs, pairedNegatives } from './loss-specs.js';
import { openMemoryWindow, timeInterleaved, timeRuns } from './measure.js';
import { feedsFor, loadOrt, traceGraph } from './ort-setup.js';
import { pairedFloor, type PairedFloor } from './paired-floor.js';
import { ortPairedNegativesFloorStep } from './paired-negatives-floor.js';
import { ortFloorStep } from './run-matmul-cell.js';
import { flopCount, similarityRows } from './statistics.js';

/**
 * Rounds of the paired-floor phase (the loss and the floor step once each per round), fewer where `--budget` is
 * short. At load 4.5-5 the paired negatives' median ratio moved 0.90-2.04x between repeats of 11 rounds and
 * 1.23-1.35x between repeats of 31; a round of the slowest N = 4096 cell costs under 0.4 s.
 */
const pairedFloorRounds = 31;

/** The floor step of a cell's loss: its matmuls (`ortFloorStep`), or the paired negatives' products. */
async function floorStep(cell: Extract<Cell, { kind: 'loss' }>, rows: number): Promise<{ run: () => Promise<unknown>; release: () => Promise<void> }> {
  if (lossSpecs[cell.loss].products === 'paired') return ortPairedNegativesFloorStep({ rows, dimension: cell.dimension, negatives: pairedNegatives });
  const flops = flopCount(cell.loss, cell.pairs, cell.dimension);
  return ortFloorStep({ rows, dimension: cell.dimension }, Math.round(flops.backward / flops.forward));
}

/** Rows of the largest floor step: where the floor's matmul rates are sampled (`measuredRowsFor`). */
const largestFloorStepRows = 8192;

/**
 * The loss against its unavoidable products alone, interleaved round by round in this process (`paired-floor.ts`):
 * only on onnxruntime-node, not chunked. The matmul losses time `ortFloorStep`; InfoNCE with paired negatives
 * (`products: 'paired'`) its batched dots and outer product (`ortPairedNegativesFloorStep`). Above 8192 rows (the
 * `--large` cells) the step runs at 8192 rows, scaled by `(R / 8192)^2`, in `largeRounds`. Runs after the main
 * timing and the memory window.
 */
async function measurePairedFloor(cell: Extract<Cell, { kind: 'loss' }>, step: () => Promise<void>, budgetMs: number, lossMs: number): Promise<PairedFloor | undefined> {
  const rows = similarityRows(cell.loss, cell.pairs);
  if (cell.engine !== 'ort-node' || cell.blockRows || (rows > largestFloorStepRows && lossSpecs[cell.loss].products === 'paired')) return undefined;
  const stepRows = Math.min(rows, largestFloorStepRows);
  const floor = await floorStep(cell, stepRows);
  try {
    if (rows > largestFloorStepRows) {
      const times = await largeRounds(step, floor.run, Math.max(1, Math.min(pairedFloorRounds, Math.floor(budgetMs / lossMs))));
      return pairedFloor(times.loss, times.floor, stepRows, cell.dimension, (rows / stepRows) ** 2);
    }
    const { timings } = await timeInterleaved({ loss: step, floor: floor.run }, budgetMs, pairedFloorRounds);
    return pairedFloor(timings.loss.timesMs, timings.floor.timesMs, stepRows, cell.dimension);
  } finally {
    await floor.release();
  }
}

/**
 * Rounds of a `--large` cell: the loss once (20-50 s at N = 65536, already warm) and the floor step once, in
 * alternating order, the step's timed run right after an untimed one. Timed cold, straight after a loss run that
 * held ~900 MiB, the step took 1.5x (CLIP) and 2.1x (NT-Xent) what the same run's fastest rate samples give, and put
 * NT-Xent at 0.71x its paired floor.
 */
async function largeRounds(loss: () => Promise<unknown>, floor: () => Promise<unknown>, rounds: number): Promise<{ loss: number[]; floor: number[] }> {
  const timed = async (run: () => Promise<unknown>) => {
    const start = performance.now();
    await run();
    return performance.now() - start;
  };
  const times = { loss: [] as number[], floor: [] as number[] };
  const timedFloor = async () => {
    await floor();
    times.floor.push(await timed(floor));
  };
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 1) await timedFloor();
    times.loss.push(await timed(loss));
    if (round % 2 === 0) await timedFloor();
  }
  return times;
}

/**
 * Reports trace time (core math over the tracing backend, encoded to ONNX bytes), session creation time and the
 * first run separately from the median of the warm runs.
 */
export async function runOrtCell(cell: Extract<Cell, { kind: 'loss' }>, budgetMs: number): Promise<Record<string, unknown>> {
  const { ort, sessionOptions, threads } = await loadOrt(cell.engine);
  const close = openMemoryWindow();
  const host = lossInputs(cell.loss, cell.pairs, cell.dimension, cell.temperature);
  let start = performance.now();
  const graph = traceGraph(lossSpecs[cell.loss].definition, lossSpecs[cell.loss].options(cell.temperature), host, cell.blockRows, cell.maxBlockBytes);
  const traceMs = performance.now() - start;
  start = performance.now();
  const session = await ort.InferenceSession.create(graph.bytes, cell.memoryPattern === false ? { ...sessionOptions, enableMemPattern: false } : sessionOptions);
  const sessionMs = performance.now() - start;
  const feeds = feedsFor(ort, host, graph);
  let lossValue = Number.NaN;
  const step = async () => {
    const outputs = await session.run(feeds);
    lossValue = (outputs['loss']!.data as Float32Array)[0]!;
  };
  start = performance.now();
  await step();
  const firstRunMs = performance.now() - start;
  // The first run (arena allocation) is the first warm-up.
  const timing = await timeRuns(step, budgetMs, firstRunMs);
  const memory = close();
  const paired = await measurePairedFloor(cell, step, budgetMs, timing.medianMs);
  await session.release();
  return { ...timing, ...memory, traceMs, sessionMs, firstRunMs, graphBytes: graph.bytes.length, threads, lossValue, ...(paired ? { pairedFloor: paired } : {}) };
}

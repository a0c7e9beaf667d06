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

/**
 * The loss against its unavoidable products alone, interleaved round by round in this process (`paired-floor.ts`):
 * only on onnxruntime-node, at R <= 8192, not chunked. The matmul losses time `ortFloorStep`; InfoNCE with paired
 * negatives (`products: 'paired'`) its batched dots and outer product (`ortPairedNegativesFloorStep`). Runs after
 * the main timing and the memory window.
 */
async function measurePairedFloor(cell: Extract<Cell, { kind: 'loss' }>, step: () => Promise<void>, budgetMs: number): Promise<PairedFloor | undefined> {
  const rows = similarityRows(cell.loss, cell.pairs);
  if (cell.engine !== 'ort-node' || cell.blockRows || cell.maxBlockBytes || rows > 8192) return undefined;
  const floor = await floorStep(cell, rows);
  try {
    const { timings } = await timeInterleaved({ loss: step, floor: floor.run }, budgetMs, pairedFloorRounds);
    return pairedFloor(timings.loss.timesMs, timings.floor.timesMs, rows, cell.dimension);
  } finally {
    await floor.release();
  }
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
  const paired = await measurePairedFloor(cell, step, budgetMs);
  await session.release();
  return { ...timing, ...memory, traceMs, sessionMs, firstRunMs, graphBytes: graph.bytes.length, threads, lossValue, ...(paired ? { pairedFloor: paired } : {}) };
}

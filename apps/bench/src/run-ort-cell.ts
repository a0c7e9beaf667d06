/** A cell for one of our losses on ONNX Runtime (onnxruntime-node CPU or onnxruntime-web wasm). */
import type { Cell } from './bench-plan.js';
import { lossInputs, lossSpecs } from './loss-specs.js';
import { openMemoryWindow, timeRuns } from './measure.js';
import { feedsFor, loadOrt, traceGraph } from './ort-setup.js';

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
  await session.release();
  return { ...timing, ...memory, traceMs, sessionMs, firstRunMs, graphBytes: graph.bytes.length, threads, lossValue };
}

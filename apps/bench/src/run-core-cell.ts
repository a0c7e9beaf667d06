/** A cell for one of our losses on an eager backend: core's reference, or @contrastive/tfjs on tfjs wasm/cpu. */
import { computeLossAndGradients, createReferenceBackend, disposeAll, withChunking, type TensorBackend } from '@contrastive/core';
import { createTfjsBackend } from '@contrastive/tfjs';
import type { Cell } from './bench-plan.js';
import { lossInputs, lossSpecs } from './loss-specs.js';
import { openMemoryWindow, timeRuns } from './measure.js';
import { tf, tfjsPeakBytes, useTfjsBackend, wasmHeapBytes } from './tfjs-setup.js';

export async function runCoreCell(cell: Extract<Cell, { kind: 'loss' }>, budgetMs: number): Promise<Record<string, unknown>> {
  const isTfjs = cell.engine === 'tfjs-wasm' || cell.engine === 'tfjs-cpu';
  if (isTfjs) await useTfjsBackend(cell.engine === 'tfjs-wasm' ? 'wasm' : 'cpu');
  const close = openMemoryWindow();
  const base: TensorBackend<unknown> = isTfjs ? (createTfjsBackend(tf) as TensorBackend<unknown>) : (createReferenceBackend() as TensorBackend<unknown>);
  const backend = cell.blockRows ? withChunking(base, { blockRows: cell.blockRows }) : base;
  const spec = lossSpecs[cell.loss];
  const definition = spec.definition;
  const options = spec.options(cell.temperature);
  const host = lossInputs(cell.loss, cell.pairs, cell.dimension, cell.temperature);
  const inputs = Object.fromEntries(Object.entries(host).map(([name, t]) => [name, backend.fromArray(t.values, t.shape)]));
  let lossValue = Number.NaN;
  const step = () => {
    const result = computeLossAndGradients(backend, definition, inputs, options);
    lossValue = backend.readSync!(result.loss)[0]!; // host backends: waits for the values
    for (const gradient of Object.values(result.gradients)) backend.readSync!(gradient as never);
    disposeAll(backend, result);
  };
  // The --large cell (many minutes a run) runs once, without warm-up or a profiled extra run (its tfjs peak is
  // left out; the wasm heap, which only grows, bounds it).
  const once = cell.pairs >= 65536;
  const timing = once ? await timeRuns(step, 0, 0) : await timeRuns(step, budgetMs);
  const heap = cell.engine === 'tfjs-wasm' ? wasmHeapBytes() : undefined;
  const tfjs = isTfjs ? { tfjsPeakBytes: once ? undefined : await tfjsPeakBytes(step), wasmHeapBytes: heap } : {};
  const memory = close();
  disposeAll(backend, inputs);
  return { ...timing, ...memory, ...tfjs, lossValue, leakedTensors: backend.liveCount() };
}

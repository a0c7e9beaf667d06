/**
 * A call-check pair: one NT-Xent cell run with core's value checks on and off, side by side in one process
 * (`timeInterleaved`: alternating rounds, so load drift lands on both), and the host-side check alone
 * (`checkHostCall` on the same inputs, median of many calls) so its cost shows where step noise hides it.
 *
 * - ort-node: `createOnnxLossRunner({ ort, checkValues })` from @contrastive/onnxruntime on onnxruntime-node (the
 *   fastest path: fused kernel, same session options as the ort-node rows, CPU memory arena on). With 'on' the
 *   runner's `checkHostCall` scans both [N, D] inputs in JavaScript before each run; with 'off' it still checks
 *   shapes, options and memory.
 * - reference: `createReferenceBackend({ checkValues })`, `computeLossAndGradients`.
 * - tfjs-wasm: `createTfjsBackend(tf, { checkValues })`; core reads each input with `dataSync` and scans it.
 */
import { checkHostCall, computeLossAndGradients, createReferenceBackend, disposeAll, type HostCallTarget, type HostValues, type LossDefinition, type TensorBackend } from '@contrastive/core';
import { checksTemperature, type Cell } from './bench-plan.js';
import type { HostTensor } from './loss-inputs.js';
import { lossInputs, lossSpecs } from './loss-specs.js';
import { timeCall, timeInterleaved } from './measure.js';

type ChecksCell = Extract<Cell, { kind: 'checks' }>;
type Checks = 'on' | 'off';

/** Timed rounds of the pair (each round runs both variants once): enough for a stable median of the difference. */
export const checksRounds = 21;

interface Variant {
  /** One forward + backward; returns the loss value. */
  readonly step: () => Promise<number> | number;
  /** The host-side check alone, as the call runs it (reading the values where the backend reads them). */
  readonly check: () => unknown;
}

interface Engine {
  readonly variants: Readonly<Record<Checks, Variant>>;
  readonly release: () => Promise<void> | void;
  readonly extra?: Record<string, unknown>;
}

const definition = lossSpecs['nt-xent'].definition as LossDefinition<string, object>;
const options = lossSpecs['nt-xent'].options(checksTemperature);

function hostCheck(host: Record<string, HostValues>, target: HostCallTarget, checks: Checks): () => unknown {
  return () => checkHostCall(definition, host, options, { ...target, checkValues: checks });
}

async function ortEngine(host: Record<string, HostTensor>): Promise<Engine> {
  const ort = await import('onnxruntime-node');
  const { createOnnxLossRunner } = await import('@contrastive/onnxruntime');
  type RunnerOptions = Parameters<typeof createOnnxLossRunner>[0];
  // The ort-node rows' session options; the arena on (ONNX Runtime's default; the runner defaults it off).
  const sessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all', enableCpuMemArena: true };
  const runners = {
    on: createOnnxLossRunner({ ort: ort as unknown as RunnerOptions['ort'], sessionOptions, maxSessionBytes: 2 ** 32, checkValues: 'on' }),
    off: createOnnxLossRunner({ ort: ort as unknown as RunnerOptions['ort'], sessionOptions, maxSessionBytes: 2 ** 32, checkValues: 'off' }),
  };
  // What the runner passes to checkHostCall (its kernel's working matrices do not change the value scan).
  const target: HostCallTarget = { name: 'onnxruntime runner', precision: 'float32', memoryBudgetBytes: 4 * 2 ** 30, workingMatrices: () => 4 };
  const variant = (checks: Checks): Variant => ({
    step: async () => (await runners[checks].run(definition, host, options)).loss[0]!,
    check: hostCheck(host, target, checks),
  });
  return {
    variants: { on: variant('on'), off: variant('off') },
    release: async () => {
      await runners.on.release();
      await runners.off.release();
    },
    extra: { threads: 2 },
  };
}

function coreVariant<T>(backend: TensorBackend<T>, host: Record<string, HostTensor>, check: () => unknown): Variant & { dispose: () => void } {
  const inputs = Object.fromEntries(Object.entries(host).map(([name, t]) => [name, backend.fromArray(t.values, t.shape)]));
  return {
    step: () => {
      const result = computeLossAndGradients(backend, definition, inputs, options);
      const loss = backend.readSync!(result.loss)[0]!;
      for (const gradient of Object.values(result.gradients)) backend.readSync!(gradient as T);
      disposeAll(backend, result);
      return loss;
    },
    check,
    dispose: () => disposeAll(backend, inputs),
  };
}

function referenceEngine(host: Record<string, HostTensor>): Engine {
  // The reference backend's known values are its float64 copies of the inputs.
  const float64 = Object.fromEntries(Object.entries(host).map(([name, t]) => [name, { values: Float64Array.from(t.values), shape: t.shape }]));
  const target: HostCallTarget = { name: 'reference', precision: 'float64' };
  const on = coreVariant(createReferenceBackend({ checkValues: 'on' }), host, hostCheck(float64, target, 'on'));
  const off = coreVariant(createReferenceBackend({ checkValues: 'off' }), host, hostCheck(float64, target, 'off'));
  return { variants: { on, off }, release: () => (on.dispose(), off.dispose()) };
}

async function tfjsEngine(host: Record<string, HostTensor>): Promise<Engine> {
  const { tf, useTfjsBackend } = await import('./tfjs-setup.js');
  const { createTfjsBackend } = await import('@contrastive/tfjs');
  await useTfjsBackend('wasm');
  const backend = createTfjsBackend(tf, { checkValues: 'on' }) as TensorBackend<unknown>;
  const unchecked = createTfjsBackend(tf, { checkValues: 'off' }) as TensorBackend<unknown>;
  const tensors = Object.fromEntries(Object.entries(host).map(([name, t]) => [name, tf.tensor(t.values, [...t.shape], 'float32')]));
  // 'on' as the adapter's knownValues: each input read out of the wasm heap with dataSync, then scanned; 'off'
  // reads no values (core skips knownValues then), so its check gets values read once beforehand.
  const readValues = () => Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, { values: t.dataSync() as Float32Array, shape: t.shape }]));
  const readOnce = readValues();
  const read = (checks: Checks) => () =>
    checkHostCall(definition, checks === 'on' ? readValues() : readOnce, options, { name: 'tfjs-wasm', precision: 'float32', checkValues: checks });
  const on = coreVariant(backend, host, read('on'));
  const off = coreVariant(unchecked, host, read('off'));
  return {
    variants: { on, off },
    release: () => {
      on.dispose();
      off.dispose();
      for (const t of Object.values(tensors)) t.dispose();
    },
  };
}

export async function runChecksCell(cell: ChecksCell, budgetMs: number): Promise<Record<string, unknown>> {
  const host = lossInputs(cell.loss, cell.pairs, cell.dimension, cell.temperature);
  const engine = cell.engine === 'ort-node' ? await ortEngine(host) : cell.engine === 'reference' ? referenceEngine(host) : await tfjsEngine(host);
  const lossValue: Partial<Record<Checks, number>> = {};
  const steps = {
    on: async () => void (lossValue.on = await engine.variants.on.step()),
    off: async () => void (lossValue.off = await engine.variants.off.step()),
  };
  const { timings, rounds } = await timeInterleaved(steps, budgetMs, checksRounds);
  // The host check alone: as many calls as fit ~2 s, 11 to 101.
  const check = (checks: Checks) => {
    const fn = engine.variants[checks].check;
    const start = performance.now();
    fn();
    const runs = Math.max(11, Math.min(101, Math.floor(2000 / Math.max(performance.now() - start, 0.01))));
    return timeCall(fn, runs);
  };
  const checkOn = check('on');
  const checkOff = check('off');
  await engine.release();
  const row = (checks: Checks, c: ReturnType<typeof timeCall>) => ({ ...timings[checks], lossValue: lossValue[checks], checkMs: c.medianMs, checkMinMs: c.minMs, checkRuns: c.runs, ...engine.extra });
  return { rounds, on: row('on', checkOn), off: row('off', checkOff) };
}

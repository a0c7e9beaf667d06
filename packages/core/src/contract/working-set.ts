/**
 * The resource guard: the bytes a call needs at once, estimated from shapes before anything is allocated, against
 * the backend's budget. The composed similarity kernel keeps about 16 matrices of the similarity's size alive in
 * one scope (logits, masks, exponentials, softmax, gradient and its transpose; measured on tfjs, decision 0004);
 * the fused constant-shift kernel keeps 3; a kernel may state its own count (`workingMatrices`): the similarity
 * kernel by `WorkingSetQuery`, the cross-view kernel by `CrossViewQuery`, the sigmoid kernel by rows.
 */
import { ContrastiveInputError, ContrastiveResourceError } from '../errors.js';
import { describe } from '../options.js';
import { maximumConstantShift, maximumRowShift } from '../math/constant-shift-passes.js';
import type { LossDefinition } from '../loss-definition.js';
import type { FloatPrecision, Shape, TensorBackend } from '../tensor-backend.js';
import type { WorkingSet } from './loss-contract.js';

/**
 * Live similarity-sized matrices of the composed kernel.
 *
 * @see [Guarantees](/guides/guarantees)
 *
 * @example
 * const bytes = composedWorkingMatrices * rows * columns * 4; // float32, composed kernel
 *
 */
export const composedWorkingMatrices = 16;

const bytesPerElement: { readonly [P in FloatPrecision]: number } = { float64: 8, float32: 4, float16: 2 };

/**
 * Default budgets by precision: float64 is the pure-JavaScript reference backend (2 GiB of typed arrays keeps a
 * 4 GB Node heap limit away); float32 and float16 backends 2 GiB (the wasm32 heap of tfjs-wasm and onnxruntime-web
 * tops out at 4 GiB, and a GPU tab rarely gets more).
 *
 * @example
 * defaultMemoryBudgetBytes.float32; // 2147483648
 *
 * @see [Guarantees](/guides/guarantees)
 */
export const defaultMemoryBudgetBytes: { readonly [P in FloatPrecision]: number } = {
  float64: 2 * 1024 ** 3,
  float32: 2 * 1024 ** 3,
  float16: 2 * 1024 ** 3,
};

/**
 * Checks a `memoryBudgetBytes` option given to a backend factory: a number of bytes > 0 (Infinity: no limit).
 *
 * @param value - The option value; `undefined` passes.
 * @param argument - The name to blame. Default `'options.memoryBudgetBytes'`.
 * @throws ContrastiveInputError when it is not a number > 0.
 *
 * @example
 * checkMemoryBudget(options.memoryBudgetBytes); // in a backend factory
 *
 * @see [Write your own backend](/backends/write-your-own)
 */
export function checkMemoryBudget(value: unknown, argument = 'options.memoryBudgetBytes'): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new ContrastiveInputError(argument, 'a number of bytes > 0 (Infinity for no limit)', describe(value));
  }
}

/**
 * Checks a `checkValues` option given to a backend factory.
 *
 * @param value - The option value; `undefined` passes.
 * @param argument - The name to blame. Default `'options.checkValues'`.
 * @throws ContrastiveInputError when it is not `'on'` or `'off'`.
 *
 * @example
 * checkValuesOption(options.checkValues); // in a backend factory
 *
 * @see [Write your own backend](/backends/write-your-own)
 */
export function checkValuesOption(value: unknown, argument = 'options.checkValues'): void {
  if (value !== undefined && value !== 'on' && value !== 'off') throw new ContrastiveInputError(argument, "'on' or 'off'", describe(value));
}

/**
 * The memory budget of `backend`: `capabilities.memoryBudgetBytes`, or `defaultMemoryBudgetBytes` for its precision.
 *
 * @param backend - The tensor backend.
 * @returns Bytes one call may need at once.
 *
 * @example
 * memoryBudgetBytes(createReferenceBackend()); // 2147483648
 *
 * @see [Guarantees](/guides/guarantees)
 */
export function memoryBudgetBytes<T>(backend: TensorBackend<T>): number {
  return backend.capabilities.memoryBudgetBytes ?? defaultMemoryBudgetBytes[backend.capabilities.precision];
}

/**
 * Matrices of the working set alive at once on this backend's kernel, in units of `rows x columns`: the fused
 * cross-view kernel's [n, n] count scaled to the set's size (InfoNCE's symmetric set is 2n x n), where it would run.
 */
function workingMatrices<T>(backend: TensorBackend<T>, set: WorkingSet): number {
  if (set.matrices !== undefined) {
    return (set.fusedKernel === 'sigmoidPairwise' ? backend.fused?.sigmoidPairwise?.workingMatrices?.(set.rows) : undefined) ?? set.matrices;
  }
  const crossView = set.fusedKernel === 'crossViewCrossEntropy' && set.crossView ? set.crossView : undefined;
  const fusedCrossView = crossView && backend.fused?.crossViewCrossEntropy?.workingMatrices?.(crossView);
  if (crossView && fusedCrossView !== undefined) return (fusedCrossView * crossView.rows * crossView.rows) / (set.rows * set.columns);
  const fused = backend.fused?.similarityCrossEntropy;
  if (!fused) return composedWorkingMatrices;
  const fast = set.selfSimilarity && set.normalized && set.scale !== undefined && set.scale > 0;
  const constantShift = fast && set.scale! <= maximumConstantShift;
  const rowShift = fast && !constantShift && set.scale! <= maximumRowShift;
  return fused.workingMatrices?.({ ...set, constantShift, rowShift }) ?? composedWorkingMatrices;
}

/** Throws `ContrastiveResourceError` when the working set of `lossName` does not fit the backend's budget. */
export function checkWorkingSet<T>(backend: TensorBackend<T>, lossName: string, set: WorkingSet | undefined): void {
  if (!set) return;
  const matrices = workingMatrices(backend, set);
  const bytes = matrices * set.rows * set.columns * bytesPerElement[backend.capabilities.precision];
  const budget = memoryBudgetBytes(backend);
  if (bytes <= budget) return;
  const instead = set.matrices !== undefined
    ? 'use a smaller batch (for a metric such as uniformity, a random subset of rows estimates it), or raise the budget with the backend option memoryBudgetBytes'
    : 'use withChunking(backend, { blockRows }) from @contrastive/core (row blocks, O(blockRows x N) memory), a backend with a fused kernel ' +
    '(@contrastive/onnxruntime, @contrastive/webgpu), or a smaller batch; raise the budget with the backend option memoryBudgetBytes';
  throw new ContrastiveResourceError(
    `${lossName} on ${backend.name} (${set.rows} x ${set.columns} similarities, ${matrices} live matrices)`,
    bytes,
    budget,
    instead,
  );
}

/**
 * The resource guard for a call known by shapes only (tracing, export): the loss's working set on `backend`.
 *
 * @param backend - The backend the call will run on.
 * @param loss - The loss definition.
 * @param shapes - Input shapes by name.
 * @param options - The resolved options.
 * @throws ContrastiveResourceError when the working set exceeds the budget.
 *
 * @example
 * checkLossMemory(backend, ntXent, { anchors: [4096, 128], positives: [4096, 128] }, ntXent.defaults);
 *
 * @see [Guarantees](/guides/guarantees)
 */
export function checkLossMemory<T, I extends string, O extends object>(
  backend: TensorBackend<T>,
  loss: LossDefinition<I, O>,
  shapes: { readonly [K in I]?: Shape },
  options: O,
): void {
  checkWorkingSet(backend, loss.name, loss.contract?.workingSet?.(shapes, options));
}

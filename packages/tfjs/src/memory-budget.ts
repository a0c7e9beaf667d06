const gibibyte = 1024 ** 3;

/**
 * Default `capabilities.memoryBudgetBytes` of `createTfjsBackend` by active tfjs backend: the bytes one loss call
 * may need at once before core throws `ContrastiveResourceError` (estimated from shapes, before any kernel runs).
 *
 * - `wasm`: 3 GiB. The wasm32 heap of tfjs-backend-wasm ends at 4 GiB; the rest is left for the inputs, the
 *   gradients and the allocator. Past the heap, tfjs wasm fails with `memory access out of bounds` and every later
 *   tfjs call fails too, so the guard must stop the call first.
 * - `cpu`, `tensorflow`: 4 GiB of host (or, with tfjs-node-gpu, device) memory.
 * - `webgl`, `webgpu`: 2 GiB, core's float32 default; a browser tab rarely gets more GPU memory.
 * Other backends get core's default for their precision. Raise or lower it with `createTfjsBackend(tf,
 * { memoryBudgetBytes })`.
 *
 * @example
 * const budget = defaultTfjsMemoryBudgetBytes[tf.getBackend()]; // 3 GiB on wasm
 *
 * @see [TensorFlow.js backend](/backends/tfjs)
 */
export const defaultTfjsMemoryBudgetBytes: Readonly<Record<string, number>> = {
  wasm: 3 * gibibyte,
  cpu: 4 * gibibyte,
  tensorflow: 4 * gibibyte,
  webgl: 2 * gibibyte,
  webgpu: 2 * gibibyte,
};

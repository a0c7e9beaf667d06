import { composedWorkingMatrices, ContrastiveInputError, defaultMemoryBudgetBytes } from '@contrastive/core';
import type { WebGpuLimits } from './device-acquisition.js';

/** The `memoryBudgetBytes` option, checked before any device is requested. */
export function checkMemoryBudgetOption(requested: unknown): void {
  if (requested === undefined) return;
  if (typeof requested !== 'number' || !(requested > 0) || !Number.isFinite(requested)) {
    throw new ContrastiveInputError('memoryBudgetBytes', 'a finite number of bytes > 0', String(requested));
  }
}

/**
 * The bytes one loss call may keep alive at once (`capabilities.memoryBudgetBytes`, checked by core before any
 * kernel runs). WebGPU does not say how much memory a device has, so the default is core's float32 budget (2 GiB),
 * lowered on small devices to what the composed similarity kernel can hold: its 16 similarity-sized matrices, each
 * at most the device's largest buffer. The fused kernel keeps no such matrix (`workingMatrices` 0), so it is
 * limited only by its O(N x D) buffers. `requested` (the option) overrides the default.
 */
export function memoryBudget(requested: number | undefined, limits: WebGpuLimits): number {
  if (requested !== undefined) return requested;
  const largestBuffer = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  return Math.min(defaultMemoryBudgetBytes.float32, composedWorkingMatrices * largestBuffer);
}

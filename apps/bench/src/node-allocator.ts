/**
 * The C allocator of every Node cell process (our losses, the naive tfjs forms, the matmul rates), the Node
 * counterpart of the PyTorch rows' jemalloc. On these VMs a first touch of a fresh page costs ~13 us (a new 32 MiB
 * buffer ~105 ms to fill, `packages/onnxruntime/scripts/io-crossing-timing.ts`), and glibc malloc hands every
 * allocation above its mmap threshold back to the kernel on free: each call's large outputs (onnxruntime-node copies
 * every output into a fresh ArrayBuffer) are faulted in again. `tuned` raises glibc's mmap and trim thresholds
 * through `GLIBC_TUNABLES` so freed memory stays in the heap (InfoNCE with paired negatives, N = 4096, M = 16,
 * D = 128: 128 -> 23 ms; the queue's 32 MiB gradient 71 -> 55 ms); `stock` leaves glibc's defaults. Where libc is
 * not glibc the variable is ignored.
 */
import type { PytorchAllocator } from './bench-plan.js';

/** Same names as the PyTorch rows: `tuned` keeps freed memory, `stock` is the platform default. */
export type NodeAllocator = PytorchAllocator;

/** glibc keeps every freed block in its heap: no mmap for large blocks, no trimming of the heap's top. */
export const retainingTunables = 'glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295';

export interface NodeCellEnvironment {
  readonly env: NodeJS.ProcessEnv;
  /** Human-readable, for the results: what the Node cell processes ran with. */
  readonly description: string;
}

/** The environment of a Node cell process; tunables the caller already set are kept (ours come last and win). */
export function nodeCellEnvironment(allocator: NodeAllocator, given: NodeJS.ProcessEnv = process.env): NodeCellEnvironment {
  if (allocator === 'stock') return { env: given, description: given['GLIBC_TUNABLES'] ? `glibc malloc with the caller's GLIBC_TUNABLES=${given['GLIBC_TUNABLES']}` : 'glibc malloc (stock)' };
  const tunables = [given['GLIBC_TUNABLES'], retainingTunables].filter((x) => x).join(':');
  return { env: { ...given, GLIBC_TUNABLES: tunables }, description: `glibc malloc retaining freed memory (GLIBC_TUNABLES=${tunables})` };
}

/**
 * PyTorch rows, run the way a tuned user runs PyTorch on a CPU: Debian's `libjemalloc2` preloaded and told to keep
 * the memory it has (with glibc malloc every large buffer goes back to the kernel and is faulted in again on the
 * next step: NT-Xent N = 4096, D = 128 measured 6.4-7.7 s against 0.57 s), and OpenBLAS instead of the reference
 * BLAS that `python3-torch` alone leaves active (~2x). The `stock` row differs from the `tuned` one only in the
 * allocator (glibc malloc); both use the same BLAS. The script reports what the process actually loaded.
 */
import { existsSync } from 'node:fs';
import type { PytorchAllocator } from './bench-plan.js';
import { runProcess, summarizeFailure, type ChildOutcome } from './child-process.js';

/** Where Debian puts jemalloc and the OpenBLAS builds of `libblas.so.3`; `BENCH_JEMALLOC` / `BENCH_OPENBLAS_DIR` override. */
export const jemallocCandidates = ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2'];
export const openblasCandidates = ['/usr/lib/x86_64-linux-gnu/openblas-pthread', '/usr/lib/x86_64-linux-gnu/openblas-openmp', '/usr/lib/aarch64-linux-gnu/openblas-pthread'];
/** jemalloc keeps what it mapped: no returning of dirty or muzzy pages, no unmapping. */
export const jemallocConf = 'retain:true,dirty_decay_ms:-1,muzzy_decay_ms:-1';

export interface PytorchSetup {
  readonly env: Readonly<Record<string, string>>;
  /** Human-readable: the allocator and BLAS this row asked for (the script reports what it loaded). */
  readonly description: string;
  /** Why the row cannot run as asked (the tuned row without jemalloc). */
  readonly missing?: string;
}

/**
 * The environment of a PyTorch row: 2 threads everywhere; OpenBLAS first on the library path when a Debian
 * OpenBLAS build is installed (otherwise the active `libblas.so.3`); for `tuned`, jemalloc preloaded with
 * `jemallocConf`. `exists` and `given` (the environment) are parameters so that the choice can be tested.
 */
export function pytorchSetup(allocator: PytorchAllocator, given: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): PytorchSetup {
  const threads = { OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2', MKL_NUM_THREADS: '2' };
  const openblas = given['BENCH_OPENBLAS_DIR'] ?? openblasCandidates.find((dir) => exists(`${dir}/libblas.so.3`));
  const blasEnv: Record<string, string> = openblas ? { LD_LIBRARY_PATH: [openblas, given['LD_LIBRARY_PATH']].filter((x) => x).join(':') } : {};
  const blas = openblas ? `OpenBLAS from ${openblas}` : 'the active libblas.so.3 (no Debian OpenBLAS build found: install libopenblas0-pthread)';
  if (allocator === 'stock') return { env: { ...threads, ...blasEnv }, description: `glibc malloc (stock), ${blas}` };
  const jemalloc = given['BENCH_JEMALLOC'] ?? jemallocCandidates.find((path) => exists(path));
  if (!jemalloc) return { env: {}, description: `jemalloc, ${blas}`, missing: 'libjemalloc.so.2 not found (Debian: apt-get install libjemalloc2; or set BENCH_JEMALLOC)' };
  const preload = [jemalloc, given['LD_PRELOAD']].filter((x) => x).join(':');
  return { env: { ...threads, ...blasEnv, LD_PRELOAD: preload, MALLOC_CONF: jemallocConf }, description: `jemalloc (${jemalloc}, MALLOC_CONF=${jemallocConf}), ${blas}` };
}

/** `pytorch/loss_bench.py` with `args`; its stdout is one JSON object. */
export async function runPytorchScript(allocator: PytorchAllocator, args: readonly string[], timeoutMs: number): Promise<ChildOutcome> {
  const setup = pytorchSetup(allocator);
  if (setup.missing) return { ok: false, error: setup.missing };
  const out = await runProcess('/usr/bin/python3', ['pytorch/loss_bench.py', ...args], { ...process.env, ...setup.env }, timeoutMs);
  if (out.timedOut) return { ok: false, error: `timed out after ${(timeoutMs / 1000).toFixed(0)} s` };
  if (out.code === 0) return { ok: true, result: { ...(JSON.parse(out.stdout) as Record<string, unknown>), setup: setup.description } };
  return { ok: false, error: summarizeFailure(out.stderr, out.code, out.signal) };
}

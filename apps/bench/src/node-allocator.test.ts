import { describe, expect, it } from 'vitest';
import { runProcess } from './child-process.js';
import { parseBenchOptions } from './cli-options.js';
import { nodeCellEnvironment, retainingTunables } from './node-allocator.js';

/**
 * The fewest minor page faults of filling a 32 MiB Float32Array (8192 pages) right after an identical one was
 * freed, over 5 tries (V8 frees backing stores on a background thread, so one try can race the free).
 */
const refill = `
const n = 8 << 20;
let fewest = Infinity;
(async () => {
  for (let t = 0; t < 5; t++) {
    let a = new Float32Array(n); a.fill(1); a = null; globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
    const before = process.resourceUsage().minorPageFault;
    new Float32Array(n).fill(2);
    fewest = Math.min(fewest, process.resourceUsage().minorPageFault - before);
  }
  console.log(fewest);
})();`;

async function refillFaults(env: NodeJS.ProcessEnv): Promise<number> {
  const out = await runProcess(process.execPath, ['--expose-gc', '-e', refill], env, 60_000);
  expect(out.code, out.stderr).toBe(0);
  return Number(out.stdout.trim());
}

const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;

describe('the Node cell processes\' allocator', () => {
  it('--node-allocator: tuned by default, stock on request, nothing else', () => {
    expect(parseBenchOptions([]).nodeAllocator).toBe('tuned');
    expect(parseBenchOptions(['--node-allocator', 'stock']).nodeAllocator).toBe('stock');
    expect(() => parseBenchOptions(['--node-allocator', 'jemalloc'])).toThrow(/--node-allocator: expected tuned or stock/);
    expect(() => parseBenchOptions(['--node-allocator', 'tuned,stock'])).toThrow(/--node-allocator/);
  });

  it('tuned appends the retaining tunables to the caller\'s; stock passes the environment through', () => {
    expect(nodeCellEnvironment('tuned', { PATH: '/bin' }).env).toEqual({ PATH: '/bin', GLIBC_TUNABLES: retainingTunables });
    expect(nodeCellEnvironment('tuned', { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).env['GLIBC_TUNABLES']).toBe(`glibc.malloc.arena_max=2:${retainingTunables}`);
    expect(nodeCellEnvironment('stock', { PATH: '/bin' })).toEqual({ env: { PATH: '/bin' }, description: 'glibc malloc (stock)' });
  });

  // The point of the setting, shown by the kernel's fault counter rather than by a clock: glibc's defaults unmap a
  // freed 32 MiB block, so refilling one faults in every page again; the retaining tunables reuse the block.
  it.skipIf(!glibc)(`tuned: a freed 32 MiB block is reused without faulting its 8192 pages in again (glibc ${glibc ?? 'absent: skipped'})`, async () => {
    const clean = { PATH: process.env['PATH'] ?? '' };
    const stock = await refillFaults(nodeCellEnvironment('stock', clean).env);
    const tuned = await refillFaults(nodeCellEnvironment('tuned', clean).env);
    expect(stock).toBeGreaterThanOrEqual(8192);
    expect(tuned).toBeLessThan(512);
  });
});

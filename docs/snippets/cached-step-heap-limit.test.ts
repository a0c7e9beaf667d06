// The heap-limit snippet of "Large batches", run as a reader runs it (tsx, in a child `node`), one step kind per
// process: after tfjs wasm's heap runs out, every later call in that process fails. At small batches both steps fit
// and must agree; the full demonstration (2048 pairs: the plain step exhausts the 4 GiB wasm32 heap, the cached step
// trains) takes two to three minutes on two cores, so it runs only with CONTRASTIVE_HEAP_LIMIT=1.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeArgs, readText, runNode } from '../../readme-snippets.shared.ts';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const snippet = join(docsRoot, 'snippets', 'cached-step-heap-limit.ts');
const heapMiB = 4096; // wasm32: tfjs wasm's heap ends at 4 GiB (its emscripten heap maximum is 4 GiB - 64 KiB)

interface StepReport {
  readonly size: number;
  readonly loss?: number;
  readonly peakMiB?: number;
  readonly failure?: string;
}

/** The lines the snippet logs, one per step: `<step> <pairs> pairs: loss <x> peak MiB <y>` or `... failed: <error>`. */
function reports(step: string, output: string): StepReport[] {
  const pattern = new RegExp(`^${step} (\\d+) pairs: (?:loss (\\S+) peak MiB (\\S+)|failed: (.*))$`, 'gm');
  return [...output.matchAll(pattern)].map((match) =>
    match[4] !== undefined ? { size: Number(match[1]), failure: match[4] } : { size: Number(match[1]), loss: Number(match[2]), peakMiB: Number(match[3]) },
  );
}

/** The snippet's arguments: the step, the smaller batches (pairs, profiled), the full batch (pairs, 0: none). */
async function runSteps(step: 'plain' | 'cached', smaller: string, full: number, timeoutMs: number) {
  const result = await runNode([...nodeArgs(snippet, docsRoot), step, smaller, String(full)], docsRoot, timeoutMs);
  return { ...result, steps: reports(step, result.output) };
}

describe('cached-step-heap-limit.ts (tfjs wasm, a child node per step kind)', () => {
  it('the page includes it', () => {
    expect(readText(join(docsRoot, 'guides', 'large-batches.md'))).toContain('<<< @/snippets/cached-step-heap-limit.ts');
  });

  it('at 64 and 128 pairs both steps fit, give the same losses, and the cached step peaks lower', { timeout: 180_000 }, async () => {
    const plain = await runSteps('plain', '64,128', 0, 80_000);
    const cached = await runSteps('cached', '64,128', 0, 80_000);
    for (const run of [plain, cached]) {
      expect({ code: run.code, signal: run.signal }, run.output).toEqual({ code: 0, signal: null });
      expect(run.steps.map((report) => report.size)).toEqual([64, 128]);
    }
    // The same seeded batch and weights, and updates equal up to float rounding: the losses agree.
    plain.steps.forEach((report, i) => {
      expect(Number.isFinite(report.loss)).toBe(true);
      expect(Math.abs(cached.steps[i]!.loss! - report.loss!)).toBeLessThan(1e-4 * Math.abs(report.loss!));
    });
    expect(cached.steps[1]!.peakMiB!).toBeGreaterThan(0);
    expect(cached.steps[1]!.peakMiB!).toBeLessThan(plain.steps[1]!.peakMiB!);
  });

  const enabled = process.env['CONTRASTIVE_HEAP_LIMIT'] === '1';
  const gate = enabled ? '' : ' (skipped: two to three minutes; set CONTRASTIVE_HEAP_LIMIT=1)';
  it.skipIf(!enabled)(`at 2048 pairs the plain step exhausts the wasm heap and the cached step trains${gate}`, { timeout: 600_000 }, async () => {
    const plain = await runSteps('plain', '256,512', 2048, 280_000);
    expect(plain.code, plain.output).toBe(1);
    const [small, larger, full] = plain.steps;
    // Its need, from the two batches that fit (linear in the batch), is above the heap: it must fail there.
    const perPair = (larger!.peakMiB! - small!.peakMiB!) / (larger!.size - small!.size);
    expect(small!.peakMiB! + perPair * (2048 - small!.size)).toBeGreaterThan(heapMiB);
    expect(full).toEqual({ size: 2048, failure: expect.stringMatching(/^RuntimeError: (Aborted\(\)|memory access out of bounds)/) });

    const cached = await runSteps('cached', '', 2048, 280_000);
    expect({ code: cached.code, signal: cached.signal }, cached.output).toEqual({ code: 0, signal: null });
    expect(Number.isFinite(cached.steps[0]!.loss)).toBe(true);
    expect(cached.steps[0]!.peakMiB!).toBeLessThan(heapMiB / 4);
  });
});

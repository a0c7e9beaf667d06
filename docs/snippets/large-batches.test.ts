// The snippets of "Large batches" run as written in Node (tfjs cpu): importing each module executes it; the numbers
// they log must be finite, and the cached step's peak memory must be below the plain step's.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';

afterEach(() => vi.restoreAllMocks());

async function run(path: string): Promise<unknown[][]> {
  const logged: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => void logged.push(values));
  await import(/* @vite-ignore */ path);
  return logged;
}

describe('Large batches snippets', () => {
  it('the page includes them', () => {
    const page = readFileSync(new URL('../guides/large-batches.md', import.meta.url), 'utf8');
    expect(page).toContain('<<< @/snippets/large-batches.ts');
    expect(page).toContain('<<< @/snippets/momentum-queue.ts');
  });

  it('large-batches.ts trains with the cached step and peaks lower than the plain step', { timeout: 120_000 }, async () => {
    const logged = await run('./large-batches.js');
    const losses = logged.filter((line) => line[0] === 'step').map((line) => line[3] as number);
    expect(losses.length).toBe(2);
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    const peaks = logged.find((line) => line[0] === 'peak MB: plain')!;
    const [plain, cached] = [peaks[1] as number, peaks[3] as number];
    expect(cached).toBeGreaterThan(0);
    expect(cached).toBeLessThan(plain / 2);
  });

  it('momentum-queue.ts fills the queue and logs finite losses', { timeout: 60_000 }, async () => {
    const logged = await run('./momentum-queue.js');
    expect(logged.length).toBe(6);
    for (const line of logged) expect(Number.isFinite(line[3] as number)).toBe(true);
    expect(logged.map((line) => line[5])).toEqual([64, 128, 192, 256, 256, 256]);
  });
});

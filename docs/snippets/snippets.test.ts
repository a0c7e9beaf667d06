/**
 * The snippets shown on the loss pages and in "Getting started" run as written (in Node, on the float64 reference
 * backend): importing each module executes it. Their console output is captured and must contain only finite
 * numbers. (The typecheck script checks every snippet against the packages' types; the browser-only snippets
 * run in the live examples' end-to-end test instead.)
 */
import { losses } from '@contrastive/core';
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

const lossSnippets = readdirSync(new URL('./losses/', import.meta.url)).filter((name) => name.endsWith('.ts'));
const lossPages = readdirSync(new URL('../losses/', import.meta.url)).filter((name) => name.endsWith('.md'));
const nodeSnippets = ['getting-started-node.ts', 'input-errors.ts', 'guarantees.ts'];

afterEach(() => vi.restoreAllMocks());

function numbersIn(values: unknown[]): number[] {
  return values.flatMap((value) => {
    if (typeof value === 'number') return [value];
    if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
    if (Array.isArray(value)) return numbersIn(value);
    return [];
  });
}

describe('documentation snippets', () => {
  it('there is one snippet per loss page, and one for every loss of the registry', () => {
    const snippetNames = lossSnippets.map((name) => name.replace(/\.ts$/, '')).sort();
    expect(snippetNames).toEqual(lossPages.map((name) => name.replace(/\.md$/, '')).sort());
    for (const loss of Object.values(losses)) expect(snippetNames, `docs/snippets/losses/${loss.name}.ts`).toContain(loss.name);
  });

  it.each([...lossSnippets.map((name) => `./losses/${name}`), ...nodeSnippets.map((name) => `./${name}`)])(
    '%s runs and logs finite numbers',
    async (path) => {
      const logged: unknown[][] = [];
      vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => void logged.push(values));
      await import(/* @vite-ignore */ path);
      expect(logged.length).toBeGreaterThan(0);
      const numbers = numbersIn(logged.flat());
      if (path !== './input-errors.ts') expect(numbers.length).toBeGreaterThan(0);
      for (const value of numbers) expect(Number.isFinite(value)).toBe(true);
    },
  );

  it('the input-error snippet reports the mismatched argument', async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => void logged.push(values));
    vi.resetModules();
    await import('./input-errors.js');
    expect(logged[0]?.[0]).toBe('positives');
  });
});

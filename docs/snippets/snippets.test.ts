/**
 * The snippets shown on the loss pages and in "Getting started" run as written (in Node, on the float64 reference
 * backend): importing each module executes it. Their console output is captured and must contain only finite
 * numbers. A loss page shows its snippet either by including `snippets/losses/<name>.ts` (`<<<`) or inline, as a
 * ```ts block after `## Example`, which scripts/generate-loss-index.mjs copies to
 * `snippets/losses/<name>.page.generated.ts` (git-ignored) so that it runs here and is typechecked with the docs.
 * (The typecheck script checks every snippet against the packages' types; the browser-only snippets run in the live
 * examples' end-to-end test instead.)
 */
import { losses } from '@contrastive/core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inlineExample } from '../../scripts/generate-loss-index.mjs';

const lossSnippets = readdirSync(new URL('./losses/', import.meta.url)).filter((name) => name.endsWith('.ts'));
const lossPages = readdirSync(new URL('../losses/', import.meta.url)).filter((name) => name.endsWith('.md'));
const pageText = (page: string) => readFileSync(new URL(`../losses/${page}.md`, import.meta.url), 'utf8');
const snippetPage = (file: string) => file.replace(/(\.page\.generated)?\.ts$/, '');
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
    const snippetNames = lossSnippets.map(snippetPage).sort();
    expect(snippetNames).toEqual(lossPages.map((name) => name.replace(/\.md$/, '')).sort());
    for (const loss of Object.values(losses)) expect(snippetNames, `docs/losses/${loss.name}.md's example`).toContain(loss.name);
  });

  it.each(lossPages.map((name) => name.replace(/\.md$/, '')))('%s shows the snippet that runs here', (page) => {
    const text = pageText(page);
    const included = `<<< @/snippets/losses/${page}.ts`;
    const inline = inlineExample(text);
    if (inline === undefined) {
      expect(text, `docs/losses/${page}.md: include its snippet file, or a \`\`\`ts block after ## Example`).toContain(included);
      expect(existsSync(new URL(`./losses/${page}.ts`, import.meta.url)), `docs/snippets/losses/${page}.ts`).toBe(true);
    } else {
      const generated = readFileSync(new URL(`./losses/${page}.page.generated.ts`, import.meta.url), 'utf8');
      expect(generated.endsWith(inline), 'the generated copy is stale: run `pnpm generate`').toBe(true);
    }
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

/**
 * End to end: builds the documentation site exactly as `pnpm --filter @contrastive/docs build` does (TypeDoc, then
 * VitePress), serves the output, and drives it in headless Chromium (Debian's, with SwiftShader WebGL).
 * Screenshots go to docs/test-results/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryUrl } from '../.vitepress/repository.js';
import { launchChromium } from './chromium.js';
import { crawlSite } from './link-crawl.js';
import { serveStatic } from './static-server.js';

const docs = fileURLToPath(new URL('..', import.meta.url));
const dist = fileURLToPath(new URL('../.vitepress/dist/', import.meta.url));
const results = fileURLToPath(new URL('../test-results/', import.meta.url));
let server: Server;
let browser: Browser;
let page: Page;
let site: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(results, { recursive: true });
  const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
  execFileSync(bin('typedoc'), [], { cwd: docs, stdio: 'pipe' });
  execFileSync(bin('vitepress'), ['build', '.'], { cwd: docs, stdio: 'pipe' });
  ({ url: site, server } = await serveStatic(dist));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('documentation site in headless Chromium', () => {
  it('serves the home page, a loss page with rendered math and its snippet, and the API reference', async () => {
    await page.goto(`${site}/`);
    expect(await page.textContent('.VPHero .name')).toContain('contrastive');
    await page.goto(`${site}/losses/nt-xent`);
    expect(await page.locator('mjx-container').count()).toBeGreaterThan(3);
    expect(await page.textContent('.vp-doc')).toContain('computeLossAndGradients(backend, ntXent');
    await page.screenshot({ path: `${results}loss-page-nt-xent.png` });
    await page.goto(`${site}/api/`);
    expect(await page.textContent('.vp-doc')).toContain('@contrastive/core');
    await page.goto(`${site}/api/@contrastive/core/`);
    expect(await page.textContent('.vp-doc')).toContain('computeLossAndGradients');
  });

  it('the live example computes a finite loss and gradient on WebGL that match the float64 reference', async () => {
    await page.goto(`${site}/guides/live-examples`);
    const example = page.locator('[data-testid="live-loss"]');
    await page.waitForSelector('[data-testid="live-loss"]:is([data-state="done"], [data-state="error"])', { timeout: 60_000 });
    if ((await example.getAttribute('data-state')) === 'error') throw new Error(await page.textContent('[data-testid="live-loss-error"]') ?? '');
    expect(await page.textContent('[data-testid="live-loss-ran"]')).toBe('webgl');
    const loss = Number(await page.getAttribute('[data-testid="live-loss-value"]', 'data-loss'));
    expect(Number.isFinite(loss)).toBe(true);
    const reference = Number((await page.locator('[data-testid="live-loss-value"] + td').textContent()) ?? NaN);
    expect(Math.abs(loss - reference)).toBeLessThan(1e-3 * Math.abs(reference));
    await example.screenshot({ path: `${results}live-loss-webgl.png` });
  });

  it('the live training demo runs on WebGL and its loss goes down', async () => {
    await page.click('[data-testid="live-training-start"]');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="live-training"]')?.getAttribute('data-state') === 'error' ||
        JSON.parse(document.querySelector('[data-testid="live-training-loss"]')?.getAttribute('data-losses') ?? '[]').length >= 40,
      undefined,
      { timeout: 90_000 },
    );
    if ((await page.getAttribute('[data-testid="live-training"]', 'data-state')) === 'error') {
      throw new Error(await page.textContent('[data-testid="live-training"] .error') ?? 'training failed');
    }
    await page.click('[data-testid="live-training-start"]'); // stop
    const losses = JSON.parse((await page.getAttribute('[data-testid="live-training-loss"]', 'data-losses'))!) as number[];
    expect(await page.textContent('[data-testid="live-training-backend"]')).toBe('webgl');
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.1);
    expect(await page.textContent('[data-testid="live-training-knn"]')).toMatch(/before training/);
    // Stopping ends training; the few-label table follows: 1, 5 and 10 labels per digit, three columns each.
    await page.waitForSelector('[data-testid="live-training-few-label"]', { timeout: 60_000 });
    const cells = await page.locator('[data-testid="live-training-few-label"] tbody tr').evaluateAll((rows) => rows.map((row) => Array.from(row.children, (cell) => cell.textContent?.trim())));
    expect(cells.map((row) => row[0])).toEqual(['1', '5', '10']);
    for (const row of cells) for (const cell of row.slice(1)) expect(cell).toMatch(/^\d+\.\d% ± \d+\.\d$/);
    await page.locator('[data-testid="live-training"]').screenshot({ path: `${results}live-training-webgl.png` });
  });

  it('embeds the playground, which draws its heat maps and a finite loss', async () => {
    await page.goto(`${site}/guides/playground`);
    await page.waitForSelector('[data-testid="playground-embed"] [data-testid="status"][data-state="done"]', { timeout: 60_000 });
    const loss = Number(await page.getAttribute('[data-testid="loss-value"]', 'data-loss'));
    expect(Number.isFinite(loss)).toBe(true);
    await page.locator('[data-testid="playground-embed"]').screenshot({ path: `${results}playground-embed.png` });
  });

  it('the benchmarks page shows the comparison tables and the charts, with unique heading ids', async () => {
    await page.goto(`${site}/guides/benchmarks`);
    const doc = page.locator('.vp-doc');
    const text = (await doc.textContent()) ?? '';
    expect(text).toContain('ours / PyTorch');
    expect(text).toContain('checks on');
    expect(await doc.locator('[data-testid="benchmarks-missing"]').count()).toBe(0);
    // The charts are images that loaded (the SVGs from apps/bench/results/, bundled by the build: a file under
    // assets/ or, for small ones, a data: URL).
    const charts = doc.locator('img[src*=".svg"], img[src^="data:image/svg+xml"]');
    expect(await charts.count()).toBe(3);
    for (const chart of await charts.all()) expect(await chart.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    // Method notes and the long tables are folded.
    expect(await doc.locator('details').count()).toBeGreaterThanOrEqual(4);
    const ids = await page.locator('[id]').evaluateAll((elements) => elements.map((element) => element.id));
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    // No result file names as headings, no internal work-item numbers.
    const headings = await doc.locator('h1, h2, h3, h4').allTextContents();
    expect(headings.filter((heading) => /\.md\b|issue|#\d/i.test(heading))).toEqual([]);
    expect(text).not.toMatch(/\bissue \d|#\d+\b/i);
    await page.screenshot({ path: `${results}benchmarks.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('has no broken internal link: every page, anchor and asset a page of the site points to exists', async () => {
    const crawl = await crawlSite({ site, distDirectory: dist, repositoryUrl, repositoryRoot: fileURLToPath(new URL('../../', import.meta.url)) });
    console.log(
      `[link crawl] ${crawl.pages.length} pages, ${crawl.internalLinks} internal links and assets, ` +
        `${crawl.repositoryLinks} links to repository files, ${crawl.externalLinks} external (not fetched), ${crawl.broken.length} broken`,
    );
    expect(crawl.pages.length).toBeGreaterThan(50);
    expect(crawl.pages).toContain('/guides/benchmarks');
    expect(crawl.broken).toEqual([]);
  });

  it('shows the logo, the favicon, the repository link and the version in the navigation', async () => {
    await page.goto(`${site}/`);
    expect(await page.getAttribute('link[rel="icon"]', 'href')).toBe('/favicon.svg');
    expect(await page.locator('.VPNavBarTitle img.logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await page.locator('.VPNavBar .VPSocialLink').first().getAttribute('href')).toBe(repositoryUrl);
    expect(await page.textContent('.VPNavBar')).toMatch(/v\d+\.\d+\.\d+/);
  });
});

/**
 * End to end: builds the playground with Vite, serves the build with `vite preview`, and drives it in headless
 * Chromium. Screenshots go to test-results/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = fileURLToPath(new URL('../test-results/', import.meta.url));
let server: PreviewServer;
let browser: Browser;
let page: Page;
let url: string;

beforeAll(async () => {
  mkdirSync(results, { recursive: true });
  await build({ root, logLevel: 'warn' });
  server = await preview({ root, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  url = server.resolvedUrls!.local[0]!;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 900, height: 800 } });
  page.on('pageerror', (error) => console.error('[page error]', error.message));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until the current run has finished and returns the loss it shows. */
async function settledLoss(): Promise<number> {
  await page.waitForSelector('[data-testid="status"][data-state="done"], [data-testid="status"][data-state="error"]');
  const status = await page.getAttribute('[data-testid="status"]', 'data-state');
  if (status === 'error') throw new Error(await page.textContent('[data-testid="status"]') ?? 'error');
  return Number(await page.getAttribute('[data-testid="loss-value"]', 'data-loss'));
}

async function heatMapPixels(testId: string): Promise<string> {
  return page.$eval(`[data-testid="${testId}"]`, (canvas) => (canvas as HTMLCanvasElement).toDataURL());
}

async function setTemperature(log10Temperature: number): Promise<void> {
  await page.$eval('[data-testid="temperature-slider"]', (input, value) => {
    (input as HTMLInputElement).value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, log10Temperature);
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.getAttribute('data-state') !== 'running');
}

describe('playground in headless Chromium', () => {
  it('renders both heat maps and a finite loss on the reference backend', async () => {
    await page.goto(url);
    const loss = await settledLoss();
    expect(Number.isFinite(loss)).toBe(true);
    expect(await page.textContent('[data-testid="backend-ran"]')).toContain('reference');
    const distinctColours = await page.$eval('[data-testid="cosine-heat-map"]', (element) => {
      const canvas = element as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set<string>();
      for (let i = 0; i < data.length; i += 4) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      return colours.size;
    });
    expect(distinctColours).toBeGreaterThan(8);
    await page.screenshot({ path: `${results}playground-reference.png`, fullPage: true });
  });

  it('reacts to the temperature: the softmax heat map and the loss change', async () => {
    await setTemperature(-1);
    const warmLoss = await settledLoss();
    const warmMap = await heatMapPixels('softmax-heat-map');
    await setTemperature(-2);
    const coldLoss = await settledLoss();
    expect(await page.textContent('[data-testid="temperature-value"]')).toBe('0.010');
    expect(await heatMapPixels('softmax-heat-map')).not.toBe(warmMap);
    expect(Number.isFinite(coldLoss)).toBe(true);
    expect(coldLoss).not.toBeCloseTo(warmLoss, 3);
    await page.screenshot({ path: `${results}playground-temperature-0.01.png`, fullPage: true });
  });

  it('runs the same loss on tfjs WebGL and agrees with the float64 reference', async () => {
    await setTemperature(-1);
    const reference = await settledLoss();
    await page.selectOption('[data-testid="backend-select"]', 'tfjs-webgl');
    await page.waitForFunction(() => document.querySelector('[data-testid="backend-ran"]')?.textContent?.includes('webgl'));
    const webgl = await settledLoss();
    expect(await page.textContent('[data-testid="backend-ran"]')).toMatch(/^tfjs webgl \(float(32|16)\)$/);
    expect(Math.abs(webgl - reference)).toBeLessThan(1e-3 * Math.max(1, Math.abs(reference)));
    await page.screenshot({ path: `${results}playground-webgl.png`, fullPage: true });
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser';

/** Pixels of the plot canvas that are neither white background nor near-white, by colour. */
async function canvasInk(page: Page) {
  return page.evaluate(() => {
    const source = document.querySelector<HTMLCanvasElement>('[data-testid="profile-canvas"]')!;
    const copy = document.createElement('canvas');
    copy.width = source.width;
    copy.height = source.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(source, 0, 0);
    const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
    let blue = 0;
    let orange = 0;
    let total = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (r > 240 && g > 240 && b > 240) continue;
      total++;
      if (b > 150 && r < 120) blue++;
      if (r > 170 && b < 90) orange++;
    }
    return { width: copy.width, height: copy.height, total, blue, orange };
  });
}

describe('the app in Chromium', () => {
  let browser: Browser;
  const errors: string[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(page: Page) {
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(inject('baseUrl'));
    await page.waitForFunction(() => document.body.dataset.state !== undefined, undefined, {
      timeout: 120_000,
    });
  }

  it('finds a WebGPU adapter in the page and in the worker, runs the kernel and draws it', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await open(page);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    expect(await page.getByTestId('backend').textContent()).toMatch(/WebGPU/);
    expect(await page.getByTestId('adapter-worker').textContent()).toMatch(/swiftshader/i);
    expect(await page.getByTestId('adapter-main').textContent()).toMatch(/swiftshader/i);
    expect(await page.getByTestId('webgpu-unavailable').isHidden()).toBe(true);
    const error = Number(await page.getByTestId('moments-error').textContent());
    expect(error).toBeLessThan(1e-5); // NaN fails here too
    const ink = await canvasInk(page);
    expect(ink.width).toBeGreaterThan(100);
    // both curves are on the canvas, not just the axes
    expect(ink.blue).toBeGreaterThan(200);
    expect(ink.orange).toBeGreaterThan(200);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU shows the explanation and the CPU reference drawing, not a blank page', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    // This page's main thread and its worker see no WebGPU, as in a browser without support.
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });
      const NativeWorker = window.Worker;
      window.Worker = class extends NativeWorker {
        constructor(url: string | URL, options?: WorkerOptions) {
          const shim = `Object.defineProperty(WorkerNavigator.prototype,'gpu',{get:()=>undefined});import(${JSON.stringify(new URL(url, location.href).href)});`;
          super(URL.createObjectURL(new Blob([shim], { type: 'text/javascript' })), options);
        }
      };
    });
    await open(page);
    expect(await page.getByTestId('webgpu-unavailable').isVisible()).toBe(true);
    expect(await page.getByTestId('webgpu-advice').textContent()).toMatch(/enable-unsafe-webgpu/);
    expect(await page.getByTestId('backend').textContent()).toMatch(/CPU/);
    const ink = await canvasInk(page);
    expect(ink.blue).toBeGreaterThan(200);
    expect(errors).toEqual([]);
    await page.close();
  });
});

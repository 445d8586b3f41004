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

describe('the VPB engine in the browser worker', () => {
  it('runs a `sim run` config (Landau set-up) in the worker on WebGPU and streams its rows', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(inject('baseUrl'));
      await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, {
        timeout: 120_000,
      });
      const config = {
        species: [
          { name: 'e', mass: 1, charge: -1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
          { name: 'n', mass: 1, charge: 0, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
        ],
        collisions: { enabled: false, gamma: 0, knudsen: 1 },
        field: { enabled: true },
        grid: { nx: 16, length: 4 * Math.PI, nv: 8, vmax: 5 },
        perturbation: { kind: 'density', amplitude: 0.01, mode: 1 },
        time: { dt: 0.1, tEnd: 1, outputEvery: 2 },
      };
      const result = await page.evaluate(
        (c) => (window as unknown as { vpb: { run: (c: unknown) => Promise<unknown> } }).vpb.run(c),
        config,
      );
      const { rows, steps, backend } = result as {
        rows: Record<string, number>[];
        steps: number;
        backend: string;
      };
      expect(backend).toBe('webgpu');
      expect(steps).toBe(10);
      expect(rows.length).toBe(6);
      const [first, last] = [rows[0]!, rows.at(-1)!];
      expect(rows.every((r) => Object.values(r).every(Number.isFinite))).toBe(true);
      expect(Math.abs(last.mass_A! - first.mass_A!) / first.mass_A!).toBeLessThan(1e-5);
      // the Langmuir wave exchanges field and kinetic energy: the field changes, the total does not
      expect(Math.abs(last.field_L2! - first.field_L2!) / first.field_L2!).toBeGreaterThan(0.05);
      expect(Math.abs(last.energy_total! - first.energy_total!) / first.energy_total!).toBeLessThan(1e-4);
      // an invalid config is refused with the field named, as by the CLI
      const refusal = await page.evaluate(async () => {
        try {
          await (window as unknown as { vpb: { run: (c: unknown) => Promise<unknown> } }).vpb.run({
            species: [],
          });
          return 'accepted';
        } catch (e) {
          return String(e);
        }
      });
      expect(refusal).toMatch(/species/);
    } finally {
      await browser.close();
    }
  });
});

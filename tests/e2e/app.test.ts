import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accuracyCostRatio } from '../../src/physics/collision/accuracy';
import { type SimulationConfig, TIMESERIES_COLUMNS } from '../../src/physics/config';
import { PRESETS, presetById } from '../../src/physics/presets';
import { shareUrl } from '../../src/physics/shareUrl';
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
    // the app runs on the float64 CPU backend, on a small grid it says it forced
    const grid = await page.evaluate(
      () =>
        (window as unknown as { vpb: { state: () => { config: SimulationConfig } } }).vpb.state().config.grid,
    );
    expect(grid.nv).toBe(8);
    expect(grid.nx).toBeLessThanOrEqual(16);
    expect(await page.getByTestId('cpu-grid-note').textContent()).toMatch(/N_v = 8/);
    expect(await page.getByTestId('run-warnings').textContent()).toMatch(/CPU fallback grid/);
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

// ---------------------------------------------------------------------------------------------
// The interactive app of issue 6, driven as a user would: the smallest grid the collision operator
// accepts (n_x = 8, N_v = 8 with an explicit box), given through a share URL.

const ARTIFACTS = 'test-results/e2e';

/** The equal-masses preset on an 8 × 8³ grid, a row at every step. */
const SMALL: SimulationConfig = (() => {
  const preset = presetById('equal-masses')!.config;
  return {
    ...preset,
    // a deliberately small grid (fast on SwiftShader): its ~20 % exchange-rate error is accepted
    grid: { ...preset.grid, nx: 8, nv: 8, vmax: 4.5, tolerance: 0.5 },
    time: { ...preset.time, outputEvery: 1 },
  };
})();

interface AppState {
  runState: string;
  epoch: number;
  time: number | null;
  step: number | null;
  config: SimulationConfig;
  rows: number;
}
interface Drawn {
  time: number;
  step: number;
  v: number[];
  phaseSpace: number[][];
  field: number[];
}
type Hook = {
  state: () => AppState;
  drawn: () => Drawn;
  plotData: (name: string) => (number | null)[][] | null;
  settled: () => Promise<void>;
};

const appState = (page: Page) =>
  page.evaluate(() => (window as unknown as { vpb: Hook }).vpb.state()) as Promise<AppState>;
const plotData = (page: Page, name: string) =>
  page.evaluate((n) => (window as unknown as { vpb: Hook }).vpb.plotData(n), name) as Promise<
    (number | null)[][]
  >;
const drawn = (page: Page) => page.evaluate(() => (window as unknown as { vpb: Hook }).vpb.drawn());
const nextFrame = (page: Page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
const readout = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());

/** Waits until the readout's number satisfies `above` (strictly greater). */
async function waitForReadoutAbove(page: Page, id: string, above: number, timeout = 60_000) {
  await page.waitForFunction(
    ([testId, limit]) => {
      const text = document.querySelector(`[data-testid="${testId}"]`)?.textContent ?? '';
      const value = Number(text);
      return text !== '' && Number.isFinite(value) && value > (limit as number);
    },
    [id, above] as const,
    { timeout },
  );
}

/**
 * Luminance variance (0 = one flat colour) and size of a view's PNG, as the page's PNG export makes
 * it (the 3D views render in a worker, so their PNG is what the user gets, not a DOM read-back).
 */
function pngVariance(page: Page, view: string) {
  return page.evaluate(async (name) => {
    const blob = await (window as unknown as { vpb: { png: (v: string) => Promise<Blob> } }).vpb.png(name);
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    let sum = 0;
    let sum2 = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const y = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
      sum += y;
      sum2 += y * y;
    }
    const mean = sum / n;
    return { type: blob.type, width: bitmap.width, height: bitmap.height, variance: sum2 / n - mean * mean };
  }, view);
}

describe('the interactive app (issue 6)', () => {
  let browser: Browser;
  let page: Page;
  let initialDrawn: Drawn | null = null;
  const errors: string[] = [];

  async function openApp(url: string): Promise<Page> {
    const p = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await p.addInitScript(() => {
      const w = window as unknown as { longTasks: { start: number; duration: number }[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await p.goto(url);
    await p.waitForFunction(() => document.body.dataset.state !== undefined, undefined, { timeout: 120_000 });
    expect(await p.evaluate(() => document.body.dataset.state)).toBe('ready');
    return p;
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    page = await openApp(shareUrl(inject('baseUrl'), SMALL));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads on SwiftShader, plays: time advances, remainder updates, views are drawn', async () => {
    expect(await page.getByTestId('adapter').textContent()).toMatch(/swiftshader/i);
    expect(await page.getByTestId('run-state').textContent()).toBe('paused');
    expect((await appState(page)).config.grid).toMatchObject({ nx: 8, nv: 8, vmax: 4.5 });
    expect(await readout(page, 'sim-time')).toBe(0);
    const l2AtStart = await readout(page, 'remainder-l2');
    initialDrawn = await drawn(page);
    expect(initialDrawn.time).toBe(0);
    expect(Number.isFinite(l2AtStart)).toBe(true);
    // the norms' trusted balls and the t = 0 round-off floor are shown beside them (PHYSICS.md §3)
    expect(await page.getByTestId('remainder-ball').textContent()).toMatch(/^r_A \d\.\d+, r_B \d\.\d+$/);
    expect(await page.getByTestId('remainder-floor').textContent()).toMatch(/^L² \S+, L∞ \S+$/);
    // the grid's exchange rates against the exact ones, under N_v (gridAccuracy.ts)
    expect(await page.getByTestId('grid-accuracy').textContent()).toMatch(
      /^exchange-rate error \S+ % \(energy\), \S+ % \(momentum\) against the exact rates/,
    );

    await page.getByRole('button', { name: 'Play' }).click();
    expect(await page.getByTestId('run-state').textContent()).toBe('playing');
    await waitForReadoutAbove(page, 'sim-time', 0);
    const t1 = await readout(page, 'sim-time');
    await waitForReadoutAbove(page, 'sim-time', t1);
    expect(await readout(page, 'sim-time')).toBeGreaterThan(t1);
    const l2 = await readout(page, 'remainder-l2');
    const linf = await readout(page, 'remainder-linf');
    expect(Number.isFinite(l2) && Number.isFinite(linf)).toBe(true);
    expect(l2).not.toBe(l2AtStart); // the remainder leaves its t = 0 round-off floor
    // the time series gather rows as they come
    await page.waitForFunction(() => (window as unknown as { vpb: Hook }).vpb.state().rows >= 3, undefined, {
      timeout: 60_000,
    });
    await nextFrame(page); // the views hold the latest snapshot
    for (const view of ['phase-space', 'velocity', 'densities', 'field', 'remainder', 'drifts', 'entropy']) {
      const stats = await pngVariance(page, view);
      expect(stats.type, view).toBe('image/png');
      expect(stats.width, view).toBeGreaterThan(200);
      expect(stats.variance, view).toBeGreaterThan(20);
    }
    // every plot has a legend with its series and labelled axes
    const legends = await page.locator('.u-legend').count();
    expect(legends).toBeGreaterThanOrEqual(6);
    await page.screenshot({ path: `${ARTIFACTS}/app-playing.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('has no main-thread task over 100 ms while the simulation runs', async () => {
    expect(await page.getByTestId('run-state').textContent()).toBe('playing');
    const start = await page.evaluate(() => performance.now());
    const t0 = await readout(page, 'sim-time');
    await page.waitForTimeout(8_000);
    const t1 = await readout(page, 'sim-time');
    expect(t1).toBeGreaterThan(t0); // it really ran meanwhile
    const tasks = await page.evaluate(
      (since) =>
        (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter(
          (t) => t.start >= since,
        ),
      start,
    );
    const longest = Math.max(0, ...tasks.map((t) => t.duration));
    // issue 7's figure (≤ 50 ms) is measured, not asserted: the long-task API reports only tasks
    // over 50 ms, so "none" means none blocked longer (BENCHMARKS.md records the line)
    console.info(
      `main thread over 8 s of running: ${tasks.length} long tasks (> 50 ms), longest ${longest.toFixed(0)} ms`,
    );
    expect(longest, JSON.stringify(tasks)).toBeLessThan(100);
  });

  it('changing m_B and e_B restarts the run and changes what is plotted', async () => {
    // m_B while paused: the run restarts at t = 0, and f^B(x, v1) at t = 0 is another Maxwellian
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Play' }).waitFor();
    await page.waitForFunction(
      () => !(window as unknown as { vpb: Hook }).vpb.state().runState.startsWith('play'),
    );
    const before = await appState(page);
    expect(before.step ?? 0).toBeGreaterThan(0);
    const mB = page.getByLabel('m_B', { exact: true });
    expect(await mB.getAttribute('title')).toMatch(/restarts the run/);
    await mB.fill('1.1'); // N_v = 8 resolves m_B up to about 1.13 at θ_B = 0.8 in this box
    await mB.press('Enter');
    await page.waitForFunction(
      (epoch) => (window as unknown as { vpb: Hook }).vpb.state().epoch > epoch,
      before.epoch,
      { timeout: 60_000 },
    );
    await nextFrame(page);
    const afterMass = await appState(page);
    expect(afterMass.config.species[1].mass).toBe(1.1);
    expect(afterMass.step).toBe(0); // restarted
    expect(await readout(page, 'sim-time')).toBe(0);
    expect(await page.getByTestId('control-error').isHidden()).toBe(true);
    const drawnAfter = await drawn(page);
    expect(drawnAfter.time).toBe(0);
    const peak = (d: Drawn) => Math.max(...d.phaseSpace[1]!);
    // n̄_B(1 + a)·√(m_B/(2πθ_B))·exp(−m_B v²/(2θ_B)) at the node v = ±0.5625: 2.9 % higher at m_B = 1.1
    expect(peak(drawnAfter) / peak(initialDrawn!)).toBeGreaterThan(1.02);

    // e_B while playing: restarts and keeps playing; with e_A = 1, e_B = −1 and the same density
    // wave in both species the net charge, hence E(x), vanishes at t = 0
    await page.getByRole('button', { name: 'Play' }).click();
    await waitForReadoutAbove(page, 'sim-time', 0);
    const fieldBefore = await plotData(page, 'field');
    const eB = page.getByLabel('e_B', { exact: true });
    await eB.fill('-1');
    await eB.press('Enter');
    await page.waitForFunction(
      (epoch) => (window as unknown as { vpb: Hook }).vpb.state().epoch > epoch,
      afterMass.epoch,
      { timeout: 60_000 },
    );
    await nextFrame(page);
    const afterCharge = await appState(page);
    expect(afterCharge.config.species[1].charge).toBe(-1);
    expect(afterCharge.runState).toBe('playing');
    const fieldAfter = await plotData(page, 'field');
    const amplitude = (d: (number | null)[][]) => Math.max(...(d[1] ?? []).map((v) => Math.abs(v ?? 0)));
    expect(amplitude(fieldBefore)).toBeGreaterThan(1e-3);
    expect(amplitude(fieldAfter)).toBeLessThan(0.2 * amplitude(fieldBefore));
    expect(await mB.inputValue()).toBe('1.1');
    expect(await eB.inputValue()).toBe('-1');
    await waitForReadoutAbove(page, 'sim-time', 0);
  });

  it('refuses m_A = 0 and NaN with the message, reverts the control and keeps running', async () => {
    const mA = page.getByLabel('m_A', { exact: true });
    for (const bad of ['0', 'NaN']) {
      const before = await appState(page);
      const previous = await mA.inputValue();
      await mA.fill(bad);
      await mA.press('Enter');
      const error = page.getByTestId('control-error');
      await error.waitFor({ state: 'visible', timeout: 60_000 });
      expect(await error.textContent()).toMatch(/mass/);
      expect(await mA.inputValue()).toBe(previous);
      const after = await appState(page);
      expect(after.epoch).toBe(before.epoch); // no restart
      expect(after.config.species[0].mass).toBe(before.config.species[0].mass);
      const t = await readout(page, 'sim-time');
      await waitForReadoutAbove(page, 'sim-time', t);
      expect(await page.getByTestId('run-state').textContent()).toBe('playing');
    }
    // an accepted change clears the message
    const epoch = (await appState(page)).epoch;
    const gamma = page.getByLabel('γ', { exact: true });
    await gamma.fill('0.5');
    await gamma.press('Enter');
    await page.waitForFunction((e) => (window as unknown as { vpb: Hook }).vpb.state().epoch > e, epoch, {
      timeout: 60_000,
    });
    expect(await page.getByTestId('control-error').isHidden()).toBe(true);
    expect((await appState(page)).config.collisions.gamma).toBe(0.5);
    expect(await page.getByLabel('ε', { exact: true }).getAttribute('aria-label')).toBe('ε');

    // issue 15: λ = Δt ν̄/ε of the run under ε, with what it means for the remainder
    const stiffness = (await page.getByTestId('collision-step').textContent()) ?? '';
    expect(stiffness).toMatch(/^collision step: .*λ = \d/);

    // issue 7: the collision accuracy dropdown restarts the run; the worker's measured error is beside it
    const accuracy = page.getByLabel('collision accuracy', { exact: true });
    expect(await accuracy.getAttribute('title')).toMatch(/restarts the run/);
    const note = page.getByTestId('quadrature-error');
    const standardText = await note.textContent();
    expect(standardText).toMatch(/^quadrature error \d\.\de-\d+ vs reference .*, 1× cost of standard$/);
    const beforeAccuracy = (await appState(page)).epoch;
    await accuracy.selectOption('fast'); // the cheaper rule, so the tests after this one stay fast
    await page.waitForFunction(
      (e) => (window as unknown as { vpb: Hook }).vpb.state().epoch > e,
      beforeAccuracy,
      { timeout: 60_000 },
    );
    const fastState = await appState(page);
    expect(fastState.config.collisions.accuracy).toBe('fast');
    // the cost ratio is the work model's for the run's N_v (0.3–0.45 of standard), said to 2 digits
    const ratio = accuracyCostRatio('fast', fastState.config.grid.nv);
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThan(0.5);
    const noteText = (await note.textContent()) ?? '';
    expect(noteText).toMatch(/^quadrature error \d\.\de-\d+ vs reference .*, 0\.\d+× cost of standard$/);
    expect(noteText.endsWith(`, ${Number(ratio.toPrecision(2))}× cost of standard`)).toBe(true);
  });

  it('exports the time series as the CLI CSV (header, increasing t)', async () => {
    await page.waitForFunction(() => (window as unknown as { vpb: Hook }).vpb.state().rows >= 3, undefined, {
      timeout: 60_000,
    });
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByTestId('export-csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe('timeseries.csv');
    const text = readFileSync((await download.path())!, 'utf8');
    const [header, ...lines] = text.trim().split('\n');
    expect(header).toBe(TIMESERIES_COLUMNS.join(','));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const t = lines.map((l) => Number(l.split(',')[0]));
    expect(t[0]).toBe(0);
    for (let i = 1; i < t.length; i++) expect(t[i]!).toBeGreaterThan(t[i - 1]!);
    for (const line of lines) expect(line.split(',').map(Number).every(Number.isFinite)).toBe(true);
  });

  it('the Δt/2 check beside the remainder readouts reruns the run so far and gives its verdict', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Play' }).waitFor();
    await waitForReadoutAbove(page, 'sim-time', 0);
    const before = await readout(page, 'sim-time');
    expect(await page.getByTestId('remainder-trust').textContent()).toMatch(/^not checked/);
    await page.getByTestId('check-dt').click();
    await page.waitForFunction(
      () =>
        /trustworthy|failed/.test(
          document.querySelector('[data-testid="remainder-trust"]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 240_000 },
    );
    const text = (await page.getByTestId('remainder-trust').textContent()) ?? '';
    // the check compares the run's last output (an advance in flight at Pause may still land after
    // `before`, and the check waits for it in the worker), for each readout
    await nextFrame(page);
    const after = await readout(page, 'sim-time');
    const at = Number(
      /^at t = (\S+) Δt\/2 moves L² \S+ %, L∞ \S+ %, E \S+ %: (NOT )?trustworthy/.exec(text)?.[1],
    );
    expect(at, text).toBeGreaterThanOrEqual(before * (1 - 1e-3)); // the line shows 4 digits
    expect(at).toBeLessThanOrEqual(after * (1 + 1e-3));
    const verdict = await page.getByTestId('remainder-trust').getAttribute('data-trustworthy');
    expect(verdict).toBe(text.includes('NOT trustworthy') ? 'false' : 'true');
    expect(await page.getByTestId('run-notice').textContent()).toContain('Δt/2 check: at t =');
    expect(errors).toEqual([]);
    await page.getByRole('button', { name: 'Play' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
  });

  it('the floor check beside the remainder readouts reruns the run so far as its ε → 0 limit', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Play' }).waitFor();
    await waitForReadoutAbove(page, 'sim-time', 0);
    const before = await readout(page, 'sim-time');
    const out = page.getByTestId('remainder-discretisation-floor');
    expect(await out.textContent()).toMatch(/^not checked/);
    await page.getByTestId('check-floor').click();
    await page.waitForFunction(
      () =>
        /above it|failed/.test(
          document.querySelector('[data-testid="remainder-discretisation-floor"]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 240_000 },
    );
    const text = (await out.textContent()) ?? '';
    await nextFrame(page);
    const after = await readout(page, 'sim-time');
    const match =
      /^at t = (\S+) the floor .* is L² (\S+) \(run (\S+)×\), L∞ \S+ \(run \S+×\), E \S+ \(run \S+×\): (NOT )?above it/.exec(
        text,
      );
    expect(match, text).not.toBeNull();
    const at = Number(match![1]);
    expect(at).toBeGreaterThanOrEqual(before * (1 - 1e-3));
    expect(at).toBeLessThanOrEqual(after * (1 + 1e-3));
    expect(Number(match![2])).toBeGreaterThanOrEqual(0); // a number, not "not finite"
    expect(await out.getAttribute('data-trustworthy')).toBe(text.includes('NOT above') ? 'false' : 'true');
    expect(await page.getByTestId('run-notice').textContent()).toContain('floor check: at t =');
    expect(errors).toEqual([]);
    await page.getByRole('button', { name: 'Play' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
  });

  it('keeps the floor live beside the readouts when asked, and names the fluid reference (issue 20)', async () => {
    const collisional: SimulationConfig = {
      ...SMALL,
      collisions: { ...SMALL.collisions, enabled: true, gamma: 0, knudsen: 0.1 },
    };
    const second = await openApp(shareUrl(inject('baseUrl'), collisional));
    try {
      // the default reference on this smooth wave: spectral, no hand-over
      await second.waitForFunction(
        () => document.querySelector('[data-testid="fluid-reference"]')?.textContent === 'spectral',
        undefined,
        { timeout: 60_000 },
      );
      await second.getByTestId('live-floor').check();
      await second.getByRole('button', { name: 'Play' }).click();
      await second.waitForFunction(
        () =>
          /^live: at t = /.test(
            document.querySelector('[data-testid="remainder-discretisation-floor"]')?.textContent ?? '',
          ),
        undefined,
        { timeout: 120_000 },
      );
      const text = (await second.getByTestId('remainder-discretisation-floor').textContent()) ?? '';
      const match = /^live: at t = (\S+) the floor .* is L² (\S+) \(run (\S+)×\)/.exec(text);
      expect(match, text).not.toBeNull();
      expect(Number(match![1])).toBeGreaterThan(0);
      expect(Number.isFinite(Number(match![2]))).toBe(true);
      // it follows the run: a later output shows a later time
      const first = Number(match![1]);
      await second.waitForFunction(
        (t0) => {
          const m = /^live: at t = (\S+)/.exec(
            document.querySelector('[data-testid="remainder-discretisation-floor"]')?.textContent ?? '',
          );
          return m !== null && Number(m[1]) > t0;
        },
        first,
        { timeout: 120_000 },
      );
      await second.getByTestId('live-floor').uncheck();
      expect(await second.evaluate(() => document.body.dataset.run)).toBe('playing');
    } finally {
      await second.close();
    }
    expect(errors).toEqual([]);
  }, 300_000);

  it('the share URL reproduces the parameters in a new page', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(await page.getByTestId('run-state').textContent()).toBe('paused');
    await page.getByTestId('copy-share-url').click();
    const url = await page.getByTestId('share-url').inputValue();
    expect(url).toContain('mB=1.1');
    const config = (await appState(page)).config;
    const second = await openApp(url);
    try {
      const restored = (await appState(second)).config;
      expect(restored).toEqual(config);
      expect(await second.getByLabel('m_B', { exact: true }).inputValue()).toBe('1.1');
      expect(await second.getByLabel('e_B', { exact: true }).inputValue()).toBe('-1');
      expect(await second.getByLabel('γ', { exact: true }).inputValue()).toBe('0.5');
      expect(await second.getByTestId('url-error').isHidden()).toBe(true);
    } finally {
      await second.close();
    }
    // a broken URL is refused with its reason, and the default preset runs instead
    const broken = new URL(url);
    broken.searchParams.set('mA', 'abc');
    const third = await openApp(broken.href);
    try {
      expect(await third.getByTestId('url-error').isVisible()).toBe(true);
      expect(await third.getByTestId('url-error-message').textContent()).toMatch(/mA/);
      expect((await appState(third)).config.species[0].name).toBe(PRESETS[0]!.config.species[0].name);
    } finally {
      await third.close();
    }
    expect(errors).toEqual([]);
  });
  it('shows the transport coefficients of the set-up, computed in their own worker (issue 17)', async () => {
    // one gas of Maxwell molecules split into two identical species: η = 2εθ/(πd²) and
    // λ = (15/4)η/m exactly (Chapman & Cowling); the quick N_v = 16 estimate is 4–5 % off them
    const oneGas: SimulationConfig = {
      ...SMALL,
      species: [
        { ...SMALL.species[0], mass: 1, diameter: 1, density: 1, temperature: 1 },
        { ...SMALL.species[1], mass: 1, diameter: 1, density: 1, temperature: 1 },
      ],
      collisions: { ...SMALL.collisions, enabled: true, gamma: 0, knudsen: 0.1 },
    };
    const second = await openApp(shareUrl(inject('baseUrl'), oneGas));
    try {
      await second.waitForFunction(
        () =>
          // the finished estimate's status names its accuracy; the progress line ("— N_v = 16:
          // diffusion solve (10 s)") must not end the wait
          /exact theory/.test(document.querySelector('[data-testid="transport-status"]')?.textContent ?? ''),
        undefined,
        { timeout: 120_000 },
      );
      const status = await second.getByTestId('transport-status').textContent();
      expect(status).toMatch(/off exact theory|of exact theory/);
      expect(status).toMatch(/ε = 0\.1 included/);
      const eta = await readout(second, 'transport-viscosity');
      const lambda = await readout(second, 'transport-conductivity');
      const kT = await readout(second, 'transport-thermal-diffusion');
      const exactEta = (2 * 0.1) / Math.PI;
      expect(Math.abs(eta - exactEta) / exactEta).toBeLessThan(0.1);
      expect(Math.abs(lambda - (15 / 4) * exactEta) / ((15 / 4) * exactEta)).toBeLessThan(0.15);
      expect(Math.abs(kT)).toBeLessThan(1e-6);
      expect(await readout(second, 'transport-diffusion')).toBeGreaterThan(0);
      // the linear Navier–Stokes–Poisson wave is drawn beside kinetic and Euler–Poisson
      expect(await second.getByTestId('transport-wave').textContent()).toMatch(
        /damping rate \S+ \(Euler–Poisson: 0\)/,
      );
      const densities = await plotData(second, 'densities');
      expect(densities?.[5]?.every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
      const kinetic = densities![1]!;
      const predicted = densities![5]!;
      // at t = 0 both are the initial wave (kinetic densities to their quadrature, 1e−3 of the mean)
      for (const [i, v] of predicted.entries()) expect(Math.abs(v! - kinetic[i]!)).toBeLessThan(1e-3);
      // the solve ran beside the session, not in it: the page is still ready and responsive
      expect(await second.evaluate(() => document.body.dataset.state)).toBe('ready');
    } finally {
      await second.close();
    }
    expect(errors).toEqual([]);
  }, 180_000);

  it('runs the validity sweep with a progress bar, and Cancel stops it and gives the live run back', async () => {
    await page.getByRole('button', { name: 'Play' }).click();
    expect(await page.getByTestId('run-state').textContent()).toBe('playing');
    await page.getByTestId('sweep-knudsen').fill('0.1, 0.05');
    await page.getByTestId('sweep-run').click();
    expect(await page.getByTestId('run-state').textContent()).toBe('sweeping');
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="sweep-progress"]') as HTMLProgressElement).value > 0,
      undefined,
      { timeout: 120_000 },
    );
    expect(await page.getByTestId('sweep-status').textContent()).toMatch(/point 1 of 2/);
    await page.getByTestId('sweep-cancel').click();
    await page.waitForFunction(
      () => /cancelled/.test(document.querySelector('[data-testid="sweep-status"]')?.textContent ?? ''),
      undefined,
      { timeout: 120_000 },
    );
    expect(await page.getByTestId('sweep-run').isEnabled()).toBe(true);
    expect(await page.getByTestId('run-state').textContent()).toBe('playing');
    const t = await readout(page, 'sim-time');
    await waitForReadoutAbove(page, 'sim-time', t);
    // a bad list is refused in place
    await page.getByTestId('sweep-knudsen').fill('0.1, -2');
    await page.getByTestId('sweep-run').click();
    expect(await page.getByTestId('sweep-status').textContent()).toMatch(/-2/);
  });

  it('saves a screenshot of every preset (test-results/e2e/preset-*.png)', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    const select = page.getByLabel('preset', { exact: true });
    for (const preset of PRESETS) {
      const epoch = (await appState(page)).epoch;
      await select.selectOption({ label: preset.title });
      await page.waitForFunction((e) => (window as unknown as { vpb: Hook }).vpb.state().epoch > e, epoch, {
        timeout: 120_000,
      });
      await page.evaluate(() => (window as unknown as { vpb: Hook }).vpb.settled());
      expect((await appState(page)).config.species[0].name).toBe(preset.config.species[0].name);
      expect(await page.getByTestId('preset-explanation').textContent()).toBe(preset.explanation);
      await page.screenshot({ path: `${ARTIFACTS}/preset-${preset.id}.png`, fullPage: true });
    }
    expect(errors).toEqual([]);
  });
});

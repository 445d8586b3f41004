/**
 * Issue 8 in the browser, driven as a user would on the built app: the run survives a lost GPU
 * device, a reload resumes the autosaved run (IndexedDB), and a corrupted checkpoint file is
 * refused with its reason while the run goes on (an intact one replaces the run). The set-up is the
 * app test's small one (equal masses on an 8 × 8³ grid, a row at every step) given by share URL.
 * The ε-sweep: a reload mid-sweep keeps its finished points (IndexedDB) and "Resume sweep" runs
 * only the others; a corrupt stored sweep is refused and deleted; a device lost mid-sweep is
 * re-acquired and only the interrupted run is redone (set-up SWEEP: a point takes seconds).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeCheckpoint } from '../../src/engine/checkpoint';
import type { SimulationConfig } from '../../src/physics/config';
import { PRESETS, presetById } from '../../src/physics/presets';
import { shareUrl } from '../../src/physics/shareUrl';
import { launchChromium } from '../support/browser';

const ARTIFACTS = 'test-results/e2e';

const SMALL: SimulationConfig = (() => {
  const preset = presetById('equal-masses')!.config;
  return {
    ...preset,
    // a deliberately small grid (fast on SwiftShader): its ~20 % exchange-rate error is accepted
    grid: { ...preset.grid, nx: 8, nv: 8, vmax: 4.5, tolerance: 0.5 },
    time: { ...preset.time, outputEvery: 1 },
  };
})();

/**
 * Collisionless, opposite charges, a 50 % density wave, dt = 2.5 = 40× the automatic (CFL) dt:
 * the step guard rolls back and halves dt to its floor without help and gives up naming the CFL
 * limit (tests/unit/engine/stepGuard.rollback.test.ts runs the same set-up on the CPU backend; at
 * 20 % the moment-exact v-shift no longer fails).
 */
const UNSTABLE: SimulationConfig = {
  ...SMALL,
  species: [
    { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
    { name: 'B', mass: 1.2, charge: -1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
  ],
  collisions: { enabled: false, gamma: 0, knudsen: 1 },
  field: { enabled: true },
  grid: { nx: 8, length: 6, nv: 8, vmax: null },
  perturbation: { kind: 'density', amplitude: 0.5, mode: 1 },
  time: { dt: 2.5, tEnd: 20, outputEvery: 1 },
};

/**
 * SMALL with one temperature (well-prepared: T_valid > 0, so a point is drawn on the log axes) up to
 * t = 0.25 at dt = 0.125: a sweep point is 2 steps at dt and 4 at dt/2, a few seconds on SwiftShader.
 */
const SWEEP: SimulationConfig = {
  ...SMALL,
  species: [SMALL.species[0], { ...SMALL.species[1], temperature: 1 }],
  time: { dt: 0.125, tEnd: 0.25, outputEvery: 1 },
};

/** What the worker's sweep answered (sessionApi.ts SweepResult, the fields read here). */
interface SweepAnswer {
  cancelled: boolean;
  points: { knudsen: number; index?: number; record?: unknown }[];
  computed?: number[];
  resumed?: number[];
  recoveries?: string[];
}

interface AppState {
  runState: string;
  epoch: number;
  time: number | null;
  step: number | null;
  config: SimulationConfig;
  rows: number;
}
type Hook = {
  state: () => AppState;
  sweepResult: () => SweepAnswer | null;
  loseDevice: () => Promise<boolean>;
  autosaveNow: () => Promise<void>;
  notices: () => string[];
};

const appState = (page: Page) =>
  page.evaluate(() => (window as unknown as { vpb: Hook }).vpb.state()) as Promise<AppState>;
const readout = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());
const nextFrame = (page: Page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));

/** Waits until the readout's number is strictly greater than `above`. */
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

/** Waits until the run log has a line matching `pattern`. */
async function waitForNotice(page: Page, pattern: RegExp, timeout = 60_000) {
  await page.waitForFunction(
    ([source, flags]) =>
      new RegExp(source, flags).test(document.querySelector('[data-testid="run-notice"]')?.textContent ?? ''),
    [pattern.source, pattern.flags] as const,
    { timeout },
  );
}

/** Waits until the sweep status matches `pattern`. */
async function waitForSweepStatus(page: Page, pattern: RegExp, timeout = 120_000) {
  await page.waitForFunction(
    ([source, flags]) =>
      new RegExp(source, flags).test(
        document.querySelector('[data-testid="sweep-status"]')?.textContent ?? '',
      ),
    [pattern.source, pattern.flags] as const,
    { timeout },
  );
}

/** Waits until IndexedDB holds the stored sweep with `points` finished points (the panel says so once committed). */
async function waitForStoredPoints(page: Page, points: number, timeout = 120_000) {
  await page.waitForFunction(
    (n) =>
      document.querySelector<HTMLElement>('[data-testid="validity-panel"]')?.dataset.storedPoints ===
      String(n),
    points,
    { timeout },
  );
}

/** The record under `key` in the page's IndexedDB store (autosave.ts), or `put` one there. */
function storedRecord(page: Page, key: string, put?: unknown): Promise<unknown> {
  return page.evaluate(
    ([k, value, write]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('vpb-mixture', 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('checkpoints', write ? 'readwrite' : 'readonly');
          const request = write
            ? tx.objectStore('checkpoints').put(value, k)
            : tx.objectStore('checkpoints').get(k);
          tx.oncomplete = () => {
            open.result.close();
            resolve(write ? null : (request.result ?? null));
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [key, put ?? null, put !== undefined] as const,
  );
}

const sweepResult = (page: Page) =>
  page.evaluate(() => (window as unknown as { vpb: Hook }).vpb.sweepResult()) as Promise<SweepAnswer | null>;
const tableRows = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid="sweep-table"] tbody tr'), (tr) =>
      Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? ''),
    ),
  );

async function waitForEpochAbove(page: Page, epoch: number) {
  await page.waitForFunction((e) => (window as unknown as { vpb: Hook }).vpb.state().epoch > e, epoch, {
    timeout: 60_000,
  });
}

describe('reliability in the browser (issue 8)', () => {
  let browser: Browser;
  const errors: string[] = [];

  /** A page in a fresh browser context (its own IndexedDB), ready. */
  async function openApp(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(url);
    await waitForReady(page);
    return page;
  }

  async function waitForReady(page: Page) {
    await page.waitForFunction(() => document.body.dataset.state !== undefined, undefined, {
      timeout: 120_000,
    });
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
  }

  async function play(page: Page) {
    await page.getByRole('button', { name: 'Play' }).click();
    expect(await page.getByTestId('run-state').textContent()).toBe('playing');
    await waitForReadoutAbove(page, 'sim-time', 0);
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('recovers from a lost GPU device mid-run: sim-time keeps advancing, the log says so', async () => {
    const page = await openApp(shareUrl(inject('baseUrl'), SMALL));
    try {
      await play(page);
      const before = await readout(page, 'sim-time');
      await waitForReadoutAbove(page, 'sim-time', before);
      const epoch = (await appState(page)).epoch;
      const atLoss = await readout(page, 'sim-time');
      expect(await page.evaluate(() => (window as unknown as { vpb: Hook }).vpb.loseDevice())).toBe(true);
      await waitForNotice(page, /recover/i, 120_000);
      await waitForReadoutAbove(page, 'sim-time', atLoss, 120_000);
      const after = await readout(page, 'sim-time');
      await waitForReadoutAbove(page, 'sim-time', after, 60_000);
      const state = await appState(page);
      expect(state.runState).toBe('playing');
      expect(state.epoch).toBe(epoch); // the same run, continued (not restarted)
      expect(state.config.grid).toMatchObject({ nx: 8, nv: 8 });
      expect(await page.getByTestId('run-notice').textContent()).not.toMatch(/gave up|stopped/);
      await page.screenshot({ path: `${ARTIFACTS}/reliability-device-loss.png`, fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a reload without a set-up in the URL resumes the autosaved run; Discard autosave forgets it', async () => {
    const page = await openApp(shareUrl(inject('baseUrl'), SMALL));
    try {
      await play(page);
      await waitForReadoutAbove(page, 'sim-time', 0.2);
      const saved = await readout(page, 'sim-time');
      await page.evaluate(() => (window as unknown as { vpb: Hook }).vpb.autosaveNow());
      expect(await page.getByTestId('autosave-status').textContent()).toMatch(/autosaved at t = /);

      await page.goto(inject('baseUrl')); // no share parameters
      await waitForReady(page);
      await waitForNotice(page, /resumed the autosaved run at t = /);
      const state = await appState(page);
      expect(state.config.grid).toMatchObject({ nx: 8, nv: 8, vmax: 4.5 });
      expect(state.config.species[1].temperature).toBe(SMALL.species[1].temperature);
      expect(state.time!).toBeGreaterThanOrEqual(saved);
      await nextFrame(page);
      expect(await readout(page, 'sim-time')).toBeGreaterThanOrEqual(saved);
      expect(state.rows).toBeGreaterThan(1); // the recorded series came back with the run
      expect(await page.getByTestId('run-state').textContent()).toBe('paused');
      expect(await page.getByTestId('url-error').isHidden()).toBe(true);
      // it goes on from there
      await play(page);
      await waitForReadoutAbove(page, 'sim-time', state.time!);

      // Discard autosave: the next reload starts from the default preset at t = 0
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.getByTestId('autosave-discard').click();
      await waitForNotice(page, /discarded/);
      await page.reload();
      await waitForReady(page);
      const fresh = await appState(page);
      expect(fresh.config.species[0].name).toBe(PRESETS[0]!.config.species[0].name);
      expect(fresh.time).toBe(0);
      expect(await page.getByTestId('run-notice').textContent()).not.toMatch(/resumed/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('refuses a corrupted checkpoint with its reason and keeps running; an intact one replaces the run', async () => {
    const page = await openApp(shareUrl(inject('baseUrl'), SMALL));
    try {
      await play(page);
      await waitForReadoutAbove(page, 'sim-time', 0.1);
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.getByTestId('checkpoint-save').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.vpbc$/);
      const intact = readFileSync((await download.path())!);
      expect(intact.subarray(0, 7).toString('latin1')).toBe('VPBCKPT');
      const file = decodeCheckpoint(new Uint8Array(intact));
      expect(file.time).toBeGreaterThan(0);

      // one flipped bit in the middle of the data: the CRC-32 no longer matches
      const corrupted = Buffer.from(intact);
      const at = Math.floor(corrupted.length / 2);
      corrupted[at] = corrupted[at]! ^ 0x10;
      const epoch = (await appState(page)).epoch;
      await page.getByTestId('checkpoint-file').setInputFiles({
        name: 'corrupted.vpbc',
        mimeType: 'application/octet-stream',
        buffer: corrupted,
      });
      const error = page.getByTestId('checkpoint-error');
      await error.waitFor({ state: 'visible', timeout: 60_000 });
      expect(await error.textContent()).toMatch(/checksum/);
      expect(await error.textContent()).toMatch(/corrupted\.vpbc/);
      const t = await readout(page, 'sim-time');
      await waitForReadoutAbove(page, 'sim-time', t);
      const kept = await appState(page);
      expect(kept.runState).toBe('playing');
      expect(kept.epoch).toBe(epoch); // the running run was kept
      await page.screenshot({ path: `${ARTIFACTS}/reliability-refused-file.png`, fullPage: true });

      // a changed parameter restarts the run; then the intact file brings back its run and parameters
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.waitForFunction(
        () => (window as unknown as { vpb: Hook }).vpb.state().runState === 'paused',
      );
      const mB = page.getByLabel('m_B', { exact: true });
      await mB.fill('1.1');
      await mB.press('Enter');
      await waitForEpochAbove(page, epoch);
      expect((await appState(page)).config.species[1].mass).toBe(1.1);
      const beforeLoad = (await appState(page)).epoch;
      await page.getByTestId('checkpoint-file').setInputFiles({
        name: 'intact.vpbc',
        mimeType: 'application/octet-stream',
        buffer: intact,
      });
      await waitForEpochAbove(page, beforeLoad);
      await nextFrame(page);
      const loaded = await appState(page);
      expect(loaded.config.species[1].mass).toBe(SMALL.species[1].mass);
      expect(await mB.inputValue()).toBe(String(SMALL.species[1].mass));
      expect(loaded.time).toBe(file.time);
      expect(loaded.step).toBe(file.step);
      expect(await readout(page, 'sim-time')).toBe(Number(file.time.toPrecision(6)));
      expect(await error.isHidden()).toBe(true);
      await waitForNotice(page, /loaded the run in intact\.vpbc/);
      await play(page);
      await waitForReadoutAbove(page, 'sim-time', file.time);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows the step guard giving up (rollbacks, likely cause), stops, and Reset still works', async () => {
    const page = await openApp(shareUrl(inject('baseUrl'), UNSTABLE));
    try {
      expect((await appState(page)).config.time.dt).toBe(2.5);
      await page.getByRole('button', { name: 'Play' }).click();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="run-state"]')?.textContent === 'stopped',
        undefined,
        { timeout: 120_000 },
      );
      const log = (await page.getByTestId('run-notice').textContent()) ?? '';
      expect(log).toMatch(/rolled back: .*dt halved to/);
      expect(log).toMatch(/gave up/);
      expect(log).toMatch(/CFL/);
      // the series were rebuilt after each rollback: increasing t, every value finite
      const series = (await page.evaluate(() =>
        (window as unknown as { vpb: { plotData: (n: string) => unknown } }).vpb.plotData('entropy'),
      )) as number[][];
      const times = series[0]!;
      expect(times.length).toBeGreaterThan(2);
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
      expect(series.flat().every(Number.isFinite)).toBe(true);
      expect(await page.getByRole('button', { name: 'Play' }).isDisabled()).toBe(true);
      // nothing non-finite was drawn
      const t = await readout(page, 'sim-time');
      expect(Number.isFinite(t)).toBe(true);
      expect(Number.isFinite(await readout(page, 'remainder-l2'))).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}/reliability-gave-up.png`, fullPage: true });

      // the page stays usable: Reset goes back to t = 0, and the run can be stepped again
      const epoch = (await appState(page)).epoch;
      await page.getByRole('button', { name: 'Reset' }).click();
      await waitForEpochAbove(page, epoch);
      await nextFrame(page);
      expect(await page.getByTestId('run-state').textContent()).toBe('paused');
      expect(await readout(page, 'sim-time')).toBe(0);
      await page.getByRole('button', { name: 'Step' }).click();
      await waitForReadoutAbove(page, 'sim-time', 0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
  it('a reload mid-sweep keeps its finished points; Resume sweep runs only the others; a corrupt record is refused', async () => {
    const page = await openApp(shareUrl(inject('baseUrl'), SWEEP));
    try {
      await page.getByTestId('sweep-knudsen').fill('0.1, 0.05');
      await page.getByTestId('sweep-run').click();
      // point 1 finished and stored; point 2 is under way when the page goes
      await waitForStoredPoints(page, 1);
      const stored = (await storedRecord(page, 'sweep')) as {
        knudsen: number[];
        points: { index: number; point: { knudsen: number } }[];
      };
      expect(stored.knudsen).toEqual([0.1, 0.05]);
      expect(stored.points.map((p) => p.index)).toEqual([0]);
      expect(await page.getByTestId('run-state').textContent()).toBe('sweeping');

      await page.reload();
      await waitForReady(page);
      // the finished point is shown, and resuming is offered
      const resume = page.getByTestId('sweep-resume');
      expect(await resume.isVisible()).toBe(true);
      expect(await resume.textContent()).toBe('Resume sweep (1 of 2 done)');
      expect(await page.getByTestId('sweep-status').textContent()).toMatch(
        /unfinished sweep .*1 of 2 points done/,
      );
      expect(await page.getByTestId('run-notice').textContent()).toMatch(/found an unfinished sweep/);
      const shown = await tableRows(page);
      expect(shown).toHaveLength(1);
      expect(Number(shown[0]![0])).toBe(0.1);
      expect(await page.getByTestId('sweep-knudsen').inputValue()).toBe('0.1, 0.05');
      const plotted = (await page.evaluate(() =>
        (window as unknown as { vpb: { plotData: (n: string) => unknown } }).vpb.plotData('validity'),
      )) as (number | null)[][];
      expect(plotted[0]).toEqual([10]); // 1/ε of the stored point

      await resume.click();
      expect(await page.getByTestId('run-state').textContent()).toBe('sweeping');
      await waitForSweepStatus(page, /sweep done/);
      const result = (await sweepResult(page))!;
      // the worker took point 1 as stored and ran point 2 only
      expect(result.resumed).toEqual([0]);
      expect(result.computed).toEqual([1]);
      expect(result.points.map((p) => p.knudsen)).toEqual([0.1, 0.05]);
      expect(result.points[0]!.record).toEqual(stored.points[0]!.point);
      expect(await page.getByTestId('sweep-status').textContent()).toMatch(
        /1 point taken from the stored sweep, 1 computed now/,
      );
      expect(await tableRows(page)).toHaveLength(2);
      // a finished sweep leaves nothing stored, and nothing to resume
      await page.waitForFunction(
        () =>
          document.querySelector<HTMLElement>('[data-testid="validity-panel"]')?.dataset.storedPoints ===
          undefined,
      );
      expect(await storedRecord(page, 'sweep')).toBeNull();
      expect(await resume.isHidden()).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}/reliability-sweep-resumed.png`, fullPage: true });

      // a corrupt record (a point of another ε) is refused with its reason and deleted; the page works
      await storedRecord(page, 'sweep', {
        ...stored,
        points: [{ index: 0, point: { ...stored.points[0]!.point, knudsen: 0.2 } }],
      });
      await page.reload();
      await waitForReady(page);
      const status = (await page.getByTestId('sweep-status').textContent()) ?? '';
      expect(status).toMatch(/refused and deleted: .*ε = 0\.2/);
      expect(await page.getByTestId('sweep-status').getAttribute('class')).toMatch(/error/);
      expect(await resume.isHidden()).toBe(true);
      expect(await tableRows(page)).toHaveLength(0);
      expect(await storedRecord(page, 'sweep')).toBeNull();
      // the URL's run started as usual
      expect((await appState(page)).config.time.tEnd).toBe(SWEEP.time.tEnd);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a GPU device lost mid-sweep is re-acquired and only the interrupted run is redone', async () => {
    const page = await openApp(shareUrl(inject('baseUrl'), SWEEP));
    try {
      await page.getByTestId('sweep-knudsen').fill('0.1, 0.05');
      await page.getByTestId('sweep-run').click();
      await waitForStoredPoints(page, 1);
      // point 2's runs are under way
      expect(await page.evaluate(() => (window as unknown as { vpb: Hook }).vpb.loseDevice())).toBe(true);
      await waitForSweepStatus(page, /sweep done/);
      const result = (await sweepResult(page))!;
      expect(result.cancelled).toBe(false);
      expect(result.points.map((p) => p.knudsen)).toEqual([0.1, 0.05]);
      expect(result.computed).toEqual([0, 1]); // each point finished once
      expect(result.recoveries).toHaveLength(1);
      expect(result.recoveries![0]).toMatch(
        /device was lost .* during point 2 of 2 .*a new device was acquired.* 1 finished point kept/,
      );
      expect(await page.getByTestId('run-notice').textContent()).toMatch(
        /sweep recovered: the GPU device was lost/,
      );
      expect(await page.getByTestId('sweep-status').textContent()).toMatch(/one device-loss recovery/);
      expect(await tableRows(page)).toHaveLength(2);
      // the live run goes on on the new device
      await play(page);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

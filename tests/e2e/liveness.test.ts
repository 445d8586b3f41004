/**
 * Issue 16, "the page is live on any adapter", as a new user meets it on SwiftShader (the CI
 * machine's only adapter): no set-up in the URL, no autosave (a fresh browser context), so the page
 * opens its first preset fitted to the adapter. Data within 10 s of load; sim-time moves within
 * 10 s of pressing Play; a preset chosen while a step runs is shown within 2 s (the running advance
 * is abandoned, not awaited); the step-time readout says what a step costs here.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SimulationConfig } from '../../src/physics/config';
import { PRESETS } from '../../src/physics/presets';
import { SOFTWARE_MAX_NX } from '../../src/ui/parameters';
import { launchChromium } from '../support/browser';

type Hook = { state: () => { runState: string; config: SimulationConfig; step: number | null } };
const appState = (page: Page) => page.evaluate(() => (window as unknown as { vpb: Hook }).vpb.state());

describe('the page is live on a software adapter (issue 16)', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const errors: string[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens a fitted preset with data in 10 s, steps within 10 s of Play, switches presets mid-step in 2 s', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    const loadStart = Date.now();
    await page.goto(inject('baseUrl'));
    await page.waitForFunction(
      () => {
        const t = document.querySelector('[data-testid="sim-time"]')?.textContent;
        return t !== undefined && t !== '—' && Number(t) === 0;
      },
      undefined,
      { timeout: 10_000 },
    );
    const loadMs = Date.now() - loadStart;
    expect(await page.getByTestId('adapter').textContent()).toMatch(/swiftshader/i);
    const first = await appState(page);
    expect(first.config.species[0].name).toBe(PRESETS[0]!.config.species[0].name);
    expect(first.config.grid.nv).toBe(8);
    expect(first.config.grid.nx).toBeLessThanOrEqual(SOFTWARE_MAX_NX);
    expect(await page.getByTestId('cpu-grid-note').textContent()).toMatch(/Software adapter/);
    expect(await page.getByTestId('run-warnings').textContent()).toMatch(
      /software-adapter grid: .*N_v \d+ → 8/,
    );

    const playAt = Date.now();
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="sim-time"]')?.textContent) > 0,
      undefined,
      { timeout: 10_000 },
    );
    const firstStepMs = Date.now() - playAt;
    // steps per second over 4 s of playing, and the readout's own estimate
    const stepBefore = (await appState(page)).step!;
    await page.waitForTimeout(4000);
    const stepAfter = (await appState(page)).step!;
    const stepsPerSecond = (stepAfter - stepBefore) / 4;
    const stepTime = await page.getByTestId('step-time').textContent();
    expect(stepTime).toMatch(/s per step on this adapter/);
    console.log(
      `liveness on SwiftShader: data ${loadMs} ms after load, first step ${firstStepMs} ms after Play, ` +
        `${stepsPerSecond} steps/s (readout: ${stepTime})`,
    );
    expect(stepsPerSecond).toBeGreaterThan(0.5);

    // another preset while the loop's advance is in flight: shown within 2 s, still playing
    const next = PRESETS.find((p) => p.id === 'd-layer')!;
    const select = page.getByLabel('preset', { exact: true });
    const switchAt = Date.now();
    await select.selectOption({ label: next.title });
    await page.waitForFunction(
      (name) => (window as unknown as { vpb: Hook }).vpb.state().config.species[1].name === name,
      next.config.species[1].name,
      { timeout: 2000 },
    );
    const switchMs = Date.now() - switchAt;
    console.log(`preset switch while playing: shown ${switchMs} ms after the choice`);
    expect(await page.getByTestId('preset-explanation').textContent()).toBe(next.explanation);
    expect((await appState(page)).config.grid.nv).toBe(8);
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="sim-time"]')?.textContent) > 0,
      undefined,
      { timeout: 10_000 },
    );
    expect((await appState(page)).runState).toBe('playing');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

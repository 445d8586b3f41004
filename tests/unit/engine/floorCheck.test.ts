/**
 * The floor check (issue 20; engine/floorCheck.ts): the run's remainder readouts against those of the
 * scheme's own ε → 0 limit on the same grid and Δt, read at the run's ε. Float64 CPU backend, the
 * issue's two-ion wave on a small grid (n_x 8, N_v 8, L 4.5, spectral fluid, t = 0.25).
 * - At λ̄ = Δt ν̄/ε ≈ 20 the exponential step resets F to M every step: the run IS its fluid limit,
 *   and its remainder is all floor (ratio 1 to 1e−6). The floor run does not depend on ε: its L²
 *   readout scales exactly like 1/ε.
 * - At λ̄ ≤ 1 (time.dtRule "expansion") the run is above its floor (measured 3.5× in L², 2.4× in L∞).
 */
import { describe, expect, it } from 'vitest';
import { floorCheck } from '../../../src/engine/floorCheck';
import { runSimulation } from '../../../src/engine/run';
import type { ResolvedConfig, TimeseriesRow } from '../../../src/physics/config';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';
import { FLOOR_MARGIN } from '../../../src/physics/floorCheck';

const wave = (knudsen: number, dt: number | null, collisions = true) =>
  resolveConfig(
    parseConfig({
      species: [
        { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
        { name: 'B', mass: 1.1, charge: 2, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      ],
      collisions: { enabled: collisions, gamma: 0, knudsen },
      field: { enabled: true },
      grid: { nx: 8, length: 4 * Math.PI, nv: 8, vmax: 4.5 },
      perturbation: { kind: 'isentropic', amplitude: 0.05, mode: 1 },
      time: { dt, tEnd: 0.25, outputEvery: 1, dtRule: 'expansion' },
      remainder: { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 1, norm: 'energy', fluid: 'spectral' },
    }),
  ).config;

async function lastRow(config: ResolvedConfig): Promise<TimeseriesRow> {
  const rows: TimeseriesRow[] = [];
  await runSimulation(config, null, (r) => rows.push(r), { guard: false });
  return rows.at(-1)!;
}

describe('the floor check', () => {
  it('at λ̄ ≫ 1 the run is its own fluid limit: the readout is all floor; the floor scales like 1/ε', async () => {
    const checks = [];
    for (const eps of [0.02, 0.01]) {
      const config = wave(eps, 0.0625); // λ̄ ≈ 20 and 40
      checks.push(await floorCheck(config, await lastRow(config), null));
    }
    const [a, b] = checks as [(typeof checks)[0], (typeof checks)[0]];
    for (const c of checks) {
      expect(c.time).toBeCloseTo(0.25, 12);
      expect(c.aboveFloor).toBe(false);
      for (const r of Object.values(c.ratios)) expect(Math.abs(r - 1)).toBeLessThan(1e-6);
      expect(c.floor.remainder_L2).toBeGreaterThan(0.1); // a real floor, not round-off
    }
    // the floor run does not see ε: its L² readout is ‖F_∞ − F_0‖/ε (the weighted L∞ one carries
    // an ε-dependent weight of its own)
    expect(b.floor.remainder_L2 / a.floor.remainder_L2).toBeCloseTo(2, 9);
  }, 300_000);

  it('at λ̄ ≤ 1 the run is above its floor, and the floor is the smaller part', async () => {
    const config = wave(0.02, null);
    expect(config.time.dt).toBeLessThan(0.004); // λ̄ ≤ 1 by the "expansion" rule
    const check = await floorCheck(config, await lastRow(config), null);
    expect(check.aboveFloor).toBe(true);
    for (const r of Object.values(check.ratios)) expect(r).toBeGreaterThan(FLOOR_MARGIN);
    expect(check.floor.remainder_L2).toBeGreaterThan(0); // a floor there is, measured
  }, 300_000);

  it('refuses a run without collisions and a row at t = 0', async () => {
    const off = wave(0.02, 0.0625, false);
    await expect(floorCheck(off, await lastRow(off), null)).rejects.toThrow(/collisions on/);
    const on = wave(0.02, 0.0625);
    const rows: TimeseriesRow[] = [];
    await runSimulation(on, null, (r) => rows.push(r), { guard: false });
    await expect(floorCheck(on, rows[0]!, null)).rejects.toThrow(/at least one step/);
  }, 300_000);
});

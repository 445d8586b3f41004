import { describe, expect, it } from 'vitest';
import { assessHealth, likelyCause } from '../../../src/engine/stepGuard';
import { type ResolvedConfig, TIMESERIES_COLUMNS, type TimeseriesRow } from '../../../src/physics/config';

const row = (over: Partial<TimeseriesRow> = {}): TimeseriesRow => ({
  ...(Object.fromEntries(TIMESERIES_COLUMNS.map((c) => [c, 1])) as TimeseriesRow),
  ...over,
});
const healthyState = () => Float32Array.from({ length: 64 }, (_, i) => 0.5 + 0.5 * Math.sin(i) ** 2);

describe('assessHealth', () => {
  it('passes a healthy output', () => {
    expect(assessHealth(healthyState(), row(), row()).ok).toBe(true);
  });
  it('flags NaN in a column and in F', () => {
    const a = assessHealth(healthyState(), row({ entropy: Number.NaN }), row());
    expect(a.ok === false && a.problem).toMatch(/entropy = NaN/);
    const s = healthyState();
    s[40] = Number.POSITIVE_INFINITY;
    const b = assessHealth(s, row(), row());
    expect(b.ok === false && b.problem).toMatch(/species B has a non-finite value/);
  });
  it('flags F negative beyond 5 % of its peak, not the small tails of the spectral method', () => {
    const s = healthyState();
    s[3] = -0.01; // 1 % of the peak 1
    expect(assessHealth(s, row(), row()).ok).toBe(true);
    s[3] = -0.2;
    const v = assessHealth(s, row(), row());
    expect(v.ok === false && v.problem).toMatch(/species A reaches -0.200/);
  });
  it('flags a mass drift above 1e−3 and an energy drift above 10 %', () => {
    expect(assessHealth(healthyState(), row({ mass_B: 1.0005 }), row()).ok).toBe(true);
    const m = assessHealth(healthyState(), row({ mass_B: 1.002 }), row());
    expect(m.ok === false && m.problem).toMatch(/mass_B drifted by 2.00e-3/);
    const e = assessHealth(healthyState(), row({ energy_total: 1.5 }), row());
    expect(e.ok === false && e.problem).toMatch(/energy_total drifted/);
  });
});

describe('likelyCause', () => {
  const config = (dt: number): ResolvedConfig => ({
    species: [
      { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      { name: 'B', mass: 2, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
    ],
    collisions: { enabled: true, gamma: 0, knudsen: 0.1 },
    field: { enabled: true },
    grid: { nx: 16, length: 10, nv: 16, vmax: 6 },
    perturbation: { kind: 'density', amplitude: 0.01, mode: 1 },
    time: { dt, tEnd: 10, outputEvery: 1 },
  });
  it('names the CFL limit when dt is far above it', () => {
    // advectX limit: 0.5 Δx / L = 0.5 · (10/16) / 6 ≈ 0.052
    expect(likelyCause(config(1))).toMatch(/CFL limit: dt = 1\.00 > 0\.0521 \(advectX limit\)/);
  });
  it('names the grid when the configuration warned about the mass ratio', () => {
    expect(likelyCause(config(0.01), ['grid.nv = 8 cannot resolve the mass ratio 16'])).toMatch(/too coarse/);
  });
});

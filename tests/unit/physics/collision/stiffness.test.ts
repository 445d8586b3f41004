import { describe, expect, it } from 'vitest';
import { collisionStiffness, meanCollisionFrequencies } from '../../../../src/physics/collision/stiffness';
import type { ResolvedConfig } from '../../../../src/physics/config';

const species = (name: string, mass: number, diameter: number, density: number, temperature: number) => ({
  name,
  mass,
  charge: 1,
  diameter,
  density,
  temperature,
  drift: [0, 0, 0] as const,
});

function config(gamma: number, patch: Partial<ResolvedConfig> = {}): ResolvedConfig {
  return {
    species: [species('A', 1, 1, 0.6, 1.2), species('B', 2, 2, 0.4, 0.8)],
    collisions: { enabled: true, gamma, knudsen: 0.01 },
    field: { enabled: true },
    grid: { nx: 16, length: 2 * Math.PI, nv: 16, vmax: 6 },
    perturbation: { kind: 'density', amplitude: 0.01, mode: 1 },
    time: { dt: 0.05, tEnd: 1, outputEvery: 1 },
    ...patch,
  };
}

describe('meanCollisionFrequencies', () => {
  it('Maxwell molecules: ν̄_α = Σ_β π d_αβ² n̄_β, independent of the temperatures', () => {
    const [a, b] = meanCollisionFrequencies(config(0));
    const dAB = 1.5;
    expect(a).toBeCloseTo(Math.PI * (1 * 0.6 + dAB ** 2 * 0.4), 12);
    expect(b).toBeCloseTo(Math.PI * (dAB ** 2 * 0.6 + 4 * 0.4), 12);
  });

  it('hard spheres: π d² n̄ times the mean relative speed √(8/π) s, s² = θ_α/m_α + θ_β/m_β', () => {
    const [a] = meanCollisionFrequencies(config(1));
    const speed = (s2: number) => Math.sqrt((8 / Math.PI) * s2);
    const expected = Math.PI * (0.6 * speed(1.2 + 1.2) + 1.5 ** 2 * 0.4 * speed(1.2 + 0.4));
    expect(Math.abs(a - expected) / expected).toBeLessThan(1e-12);
  });
});

describe('collisionStiffness', () => {
  it('λ = Δt ν̄/ε, and the exponential step at λ > 1 with transport is flagged with what to do', () => {
    const s = collisionStiffness(config(0));
    const nu = Math.max(...meanCollisionFrequencies(config(0)));
    expect(s.lambda).toBeCloseTo((0.05 * nu) / 0.01, 12);
    expect(s.lambda).toBeGreaterThan(10);
    expect(s.navierStokesAccurate).toBe(false);
    expect(s.note).toContain('collisions.scheme "trapezoidal"');
    expect(s.note).toContain(`time.dt ≤ ${Number((0.01 / nu).toPrecision(3))}`);
  });

  it('not flagged: the trapezoidal step, a homogeneous run, or λ ≤ 1', () => {
    const trapezoidal = config(0);
    expect(
      collisionStiffness({ ...trapezoidal, collisions: { ...trapezoidal.collisions, scheme: 'trapezoidal' } })
        .navierStokesAccurate,
    ).toBe(true);
    expect(
      collisionStiffness(config(0, { grid: { nx: 1, length: 1, nv: 16, vmax: 6 } })).navierStokesAccurate,
    ).toBe(true);
    const resolved = collisionStiffness(config(0, { time: { dt: 0.001, tEnd: 1, outputEvery: 1 } }));
    expect(resolved.lambda).toBeLessThan(1);
    expect(resolved.navierStokesAccurate).toBe(true);
  });

  it('the trapezoidal step states its rate error λ̄²/12; the exponential step says Δt does not bound its own', () => {
    const base = config(0, { time: { dt: 0.0005, tEnd: 1, outputEvery: 1 } });
    const trapezoidal = collisionStiffness({
      ...base,
      collisions: { ...base.collisions, scheme: 'trapezoidal' },
    });
    expect(trapezoidal.rateError).toBeCloseTo(trapezoidal.lambda ** 2 / 12, 14);
    expect(trapezoidal.note).toContain('relaxation-rate error ≈ λ²/12');
    expect(trapezoidal.dtRule).toBe('accurate');
    const exponential = collisionStiffness(base);
    expect(exponential.rateError).toBeNull();
    expect(exponential.note).toContain('relaxation-rate error not bounded by Δt');
  });
});

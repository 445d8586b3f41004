import { describe, expect, it } from 'vitest';
import {
  collisionAccurateStep,
  collisionStiffness,
  meanCollisionFrequencies,
} from '../../../../src/physics/collision/stiffness';
import type { ResolvedConfig } from '../../../../src/physics/config';
import { parseConfig, resolveConfig } from '../../../../src/physics/configSchema';
import { planSweep } from '../../../../src/physics/sweepPlan';

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

describe('time.dtRule "expansion" and the sweep default (issue 20)', () => {
  // a config the "accurate" rule caps at ε = 0.01: λ̄ ≤ 1 would take more than 4× the transport steps
  const parsed = (dtRule?: 'accurate' | 'expansion' | 'stable', scheme?: 'trapezoidal') =>
    parseConfig({
      species: [
        { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
        { name: 'B', mass: 1.1, charge: 2, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      ],
      collisions: { enabled: true, gamma: 0, knudsen: 0.01, ...(scheme ? { scheme } : {}) },
      field: { enabled: true },
      grid: { nx: 8, length: 4 * Math.PI, nv: 16, vmax: 7.62 },
      perturbation: { kind: 'isentropic', amplitude: 0.05, mode: 1 },
      time: { dt: null, tEnd: 2, outputEvery: 1, ...(dtRule ? { dtRule } : {}) },
    });
  const lambdaOf = (c: ResolvedConfig) => collisionStiffness(c).lambda;

  it('keeps λ̄ ≤ 1 at every ε where "accurate" is capped; the note names the cap and the way out', () => {
    const capped = resolveConfig(parsed('accurate')).config;
    const expansion = resolveConfig(parsed('expansion')).config;
    expect(lambdaOf(capped)).toBeGreaterThan(4);
    expect(collisionStiffness(capped).note).toMatch(/capped .* "expansion" drops the cap/);
    expect(lambdaOf(expansion)).toBeLessThanOrEqual(1 + 1e-9);
    expect(lambdaOf(expansion)).toBeGreaterThan(0.9); // not more steps than it needs
    expect(collisionAccurateStep(expansion, 1)).toMatchObject({ capped: false });
  });

  it('is the sweep default with the exponential step; a config’s own rule and the trapezoidal step keep theirs', () => {
    const plan = planSweep(parsed(), [0.04, 0.02, 0.01], { trustCheck: false });
    expect(plan.dtRule).toBe('expansion');
    for (const c of plan.configs) expect(lambdaOf(c)).toBeLessThanOrEqual(1 + 1e-9);
    // dt ∝ ε (to the rounding that makes tEnd/dt an integer)
    expect(plan.configs[2]!.time.dt / plan.configs[0]!.time.dt).toBeCloseTo(0.25, 2);
    expect(planSweep(parsed('accurate'), [0.01], { trustCheck: false }).dtRule).toBe('accurate');
    expect(planSweep(parsed(undefined, 'trapezoidal'), [0.01], { trustCheck: false }).dtRule).toBe(
      'accurate',
    );
  });
});

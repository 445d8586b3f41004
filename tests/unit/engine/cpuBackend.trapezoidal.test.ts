/**
 * The trapezoidal collision step inside the run (config collisions.scheme, CPU backend): the
 * conservation columns of a short collisional, field-driven run stay at round-off, and the scheme
 * is really the one used (the rows differ from the exponential step's).
 */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../../src/engine/run';
import type { ResolvedConfig, TimeseriesRow } from '../../../src/physics/config';

const species = (name: string, mass: number, charge: number, temperature: number) => ({
  name,
  mass,
  charge,
  diameter: 1,
  density: 1,
  temperature,
  drift: [0, 0, 0] as const,
});

function config(scheme: 'exponential' | 'trapezoidal'): ResolvedConfig {
  return {
    species: [species('A', 1, 1, 1.2), species('B', 2, 0.5, 0.8)],
    collisions: { enabled: true, gamma: 0, knudsen: 0.05, scheme },
    field: { enabled: true },
    grid: { nx: 4, length: 2 * Math.PI, nv: 8, vmax: 6 },
    perturbation: { kind: 'density', amplitude: 0.05, mode: 1 },
    time: { dt: 0.05, tEnd: 0.3, outputEvery: 1 },
  };
}

async function rows(scheme: 'exponential' | 'trapezoidal'): Promise<TimeseriesRow[]> {
  const out: TimeseriesRow[] = [];
  await runSimulation(config(scheme), null, (row) => out.push(row), { guard: false });
  return out;
}

describe('collisions.scheme = "trapezoidal" on the CPU backend', () => {
  it('conserves mass, momentum and total energy to round-off, and is not the exponential step', async () => {
    const trapezoidal = await rows('trapezoidal');
    const exponential = await rows('exponential');
    const first = trapezoidal[0]!;
    const last = trapezoidal.at(-1)!;
    expect(trapezoidal).toHaveLength(7);
    expect(Math.abs(last.mass_A - first.mass_A) / first.mass_A).toBeLessThan(1e-12);
    expect(Math.abs(last.mass_B - first.mass_B) / first.mass_B).toBeLessThan(1e-12);
    expect(Math.abs(last.momentum_x - first.momentum_x)).toBeLessThan(1e-12);
    // kinetic + field energy: the Strang step conserves it to its splitting error, O(Δt²) per unit time
    expect(Math.abs(last.energy_total - first.energy_total) / first.energy_total).toBeLessThan(1e-4);
    // the temperatures relax towards each other under both, at different rates (λ = μΔt/ε ≈ 3 here)
    const gap = (r: TimeseriesRow) => r.temperature_A - r.temperature_B;
    expect(gap(last)).toBeLessThan(gap(first));
    expect(Math.abs(gap(last) - gap(exponential.at(-1)!))).toBeGreaterThan(1e-6);
  }, 120_000);
});

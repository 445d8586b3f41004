/**
 * Issue 20's first test: for smooth well-prepared data at the default grid, the kinetic–fluid density
 * error `fluid_density_error_L2` at a fixed time falls like ε over ε = 0.04, 0.02, 0.01 (each halving
 * within 30 % of a halving): no ε-independent floor. The issue's wave: A (m 1, e 1), B (m 1.1, e 2),
 * one θ, isentropic amplitude 0.05, ℓ = 4π, n_x 8, N_v 16 in the automatic box (withAccurateAutomaticBox,
 * as `sim run` chooses it), Maxwell molecules, the default fluid reference ("auto": spectral on this
 * smooth wave, the run asserts no hand-over), automatic Δt by time.dtRule "expansion"
 * (λ̄ = 1 at every ε, the validity sweep's default), float64 CPU backend, t = 0.0625 (≥ 10 times the
 * initial layer ε/ν̄ at ε = 0.04). Also the issue's second test, on the same runs: the remainder
 * (F_ε − F_0)/ε at that t does not grow as ε falls (with n = 0 it is F_1 + O(ε), order one).
 * Before the moment-exact v-shift the error was ε-independent at t = 2 (the bare trigonometric shift's
 * force is 0.8–1.3 % off on this grid: README issue 20). Both failures are seen here (measured):
 * without the correction the remainder at t grows 28 % from ε = 0.04 to 0.01 (0.128, 0.135, 0.164);
 * with the capped "accurate" Δt (λ̄ up to 7) the density error's halvings are 0.63 and 0.84.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../../src/engine/run';
import { withAccurateAutomaticBox } from '../../../src/physics/collision/gridAccuracy';
import type { TimeseriesRow } from '../../../src/physics/config';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';

const T = 0.0625;

function issueWave(knudsen: number) {
  const parsed = parseConfig({
    species: [
      { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      { name: 'B', mass: 1.1, charge: 2, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
    ],
    collisions: { enabled: true, gamma: 0, knudsen },
    field: { enabled: true },
    grid: { nx: 8, length: 4 * Math.PI, nv: 16, vmax: null },
    perturbation: { kind: 'isentropic', amplitude: 0.05, mode: 1 },
    time: { dt: null, tEnd: T, outputEvery: 1, dtRule: 'expansion' },
  });
  return resolveConfig(withAccurateAutomaticBox(parsed).config).config;
}

async function densityErrorAtT(knudsen: number) {
  const config = issueWave(knudsen);
  const rows: TimeseriesRow[] = [];
  const result = await runSimulation(config, null, (row) => rows.push(row), { guard: false });
  expect(config.remainder?.fluid).toBe('auto');
  expect(result.fluidReference).toEqual({ scheme: 'spectral', failure: null, switched: null });
  const last = rows.at(-1)!;
  expect(last.t).toBeCloseTo(T, 12);
  return { error: last.fluid_density_error_L2, remainder: last.remainder_energy, config };
}

describe('the kinetic run and its fluid limit (issue 20)', () => {
  it('differ by O(ε) at the default grid: the density error halves with ε (0.04, 0.02, 0.01)', async () => {
    const runs = [];
    for (const eps of [0.04, 0.02, 0.01]) runs.push(await densityErrorAtT(eps));
    const [a, b, c] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    // the default grid, not a comfortable one
    expect(a.config.grid.nv).toBe(16);
    expect(a.config.grid.vmax).toBeGreaterThan(7); // the automatic box: Δv ≈ one thermal speed
    // λ̄ the same at every ε: dt ∝ ε
    expect(b.config.time.dt / a.config.time.dt).toBeCloseTo(0.5, 1);
    for (const r of runs) expect(Number.isFinite(r.error) && r.error > 0).toBe(true);
    const halvings = [b.error / a.error, c.error / b.error];
    console.info(
      `fluid_density_error_L2 at t = ${T}: ${runs.map((r) => r.error.toExponential(3)).join(', ')}`,
    );
    for (const ratio of halvings) {
      expect(ratio).toBeGreaterThan(0.35);
      expect(ratio).toBeLessThan(0.65);
    }
    // the remainder at fixed t: ε-independent, not growing like 1/ε
    console.info(`remainder_energy at t = ${T}: ${runs.map((r) => r.remainder.toFixed(4)).join(', ')}`);
    for (const r of runs) expect(Number.isFinite(r.remainder) && r.remainder > 0).toBe(true);
    expect(c.remainder / a.remainder).toBeLessThan(1.15);
    expect(c.remainder / a.remainder).toBeGreaterThan(0.85);
  }, 900_000);
});

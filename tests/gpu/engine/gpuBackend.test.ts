/**
 * The VPB solver on the GPU against the kinetic theory it must reproduce (PHYSICS.md §5 cases 4
 * and 6), its conservation laws, and its float64 CPU twin.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../../src/engine/cpuBackend';
import { GpuBackend } from '../../../src/engine/gpuBackend';
import { runSimulation } from '../../../src/engine/run';
import { initialState, simulationSetup, strangStep } from '../../../src/engine/step';
import type { GpuContext } from '../../../src/gpu/context';
import type { ResolvedConfig, TimeseriesRow } from '../../../src/physics/config';
import { langmuirRoot } from '../../../src/physics/dispersion';
import { maxRelativeError } from '../../support/compare';
import { testGpu } from '../../support/gpu';
import { oscillationFit } from '../../support/oscillation';

function config(patch: Partial<ResolvedConfig> & Pick<ResolvedConfig, 'species'>): ResolvedConfig {
  return {
    collisions: { enabled: false, gamma: 0, knudsen: 1 },
    field: { enabled: true },
    grid: { nx: 16, length: 4 * Math.PI, nv: 16, vmax: 5 },
    perturbation: { kind: 'density', amplitude: 0.01, mode: 1 },
    time: { dt: 0.1, tEnd: 12, outputEvery: 1 },
    ...patch,
  };
}

const species = (name: string, mass: number, charge: number, temperature = 1) => ({
  name,
  mass,
  charge,
  diameter: 1,
  density: 1,
  temperature,
  drift: [0, 0, 0] as const,
});

async function run(gpu: GpuContext, c: ResolvedConfig): Promise<TimeseriesRow[]> {
  const rows: TimeseriesRow[] = [];
  await runSimulation(c, gpu.device, (row) => rows.push(row));
  return rows;
}

describe('the VPB solver on the GPU', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('linear Landau damping: frequency and damping rate of ‖E‖ match the dispersion relation within 5%', async () => {
    // one charged species (ω_p = 1, v_t = 1), the other neutral; k = 2π/ℓ = 0.5
    const c = config({ species: [species('e', 1, -1), species('neutral', 1, 0)] });
    const rows = await run(gpu, c);
    const k = (2 * Math.PI) / c.grid.length;
    const root = langmuirRoot(c.species, k).omega; // computed here, from the theory
    const fit = oscillationFit(
      rows.map((r) => r.t),
      rows.map((r) => r.field_L2),
      1,
      12, // before the recurrence time 2π/(kΔv) = 20
    );
    expect(Math.abs(fit.frequency - root.re) / root.re).toBeLessThan(0.05);
    expect(Math.abs(fit.dampingRate - root.im) / Math.abs(root.im)).toBeLessThan(0.05);
    expect(rows.every((r) => Object.values(r).every(Number.isFinite))).toBe(true);
  });

  it('two ion species with e_A/m_A ≠ e_B/m_B oscillate at the kinetic frequency (→ Σ e²n/m as k → 0)', async () => {
    // m_B = 4 m_A, same charge; θ_B = 4 θ_A so both thermal speeds are 1; k = 0.25
    const c = config({
      species: [species('A', 1, 1), species('B', 4, 1, 4)],
      grid: { nx: 16, length: 8 * Math.PI, nv: 16, vmax: 5 },
      time: { dt: 0.1, tEnd: 20, outputEvery: 1 },
    });
    const rows = await run(gpu, c);
    const k = (2 * Math.PI) / c.grid.length;
    const root = langmuirRoot(c.species, k).omega;
    expect(Math.abs(root.re - Math.sqrt(1.25)) / Math.sqrt(1.25)).toBeLessThan(0.1); // near the k → 0 limit
    const fit = oscillationFit(
      rows.map((r) => r.t),
      rows.map((r) => r.field_L2),
      0.5,
      20,
    );
    expect(Math.abs(fit.frequency - root.re) / root.re).toBeLessThan(0.05);
    // and not the frequency of either species alone
    expect(Math.abs(fit.frequency - 1) / fit.frequency).toBeGreaterThan(0.05);
  });

  it('conserves masses to f32 round-off, and momentum and energy within the stated bounds, with collisions and field', async () => {
    const c = config({
      // θ_B = 2θ_A: both thermal speeds 1, so N_v = 8 with L = 4.5 holds both species
      species: [species('A', 1, 1), { ...species('B', 2, 1, 2), density: 0.7, drift: [0.2, 0, 0] as const }],
      collisions: { enabled: true, gamma: 0, knudsen: 0.5 },
      grid: { nx: 8, length: 4 * Math.PI, nv: 8, vmax: 4.5 },
      perturbation: { kind: 'density', amplitude: 0.05, mode: 1 },
      time: { dt: 0.05, tEnd: 2, outputEvery: 10 },
    });
    const rows = await run(gpu, c);
    const [first, last] = [rows[0]!, rows.at(-1)!];
    const momentumScale = first.mass_A * 1 + first.mass_B * 2; // Σ m_α N_α × (thermal speed 1)
    // Stated bounds (README): masses to f32 round-off; momentum and energy are exact for the
    // collision step and the Poisson coupling, and move only by the band-limited v-shift of data
    // that are not band-limited at the box edge (±4.5 thermal speeds here) and by Strang's O(Δt²)
    // energy error: 2e−4 of Σ m_α N_α for momentum and 1e−4 relative for energy over 40 steps.
    expect(Math.abs(last.mass_A - first.mass_A) / first.mass_A).toBeLessThan(1e-5);
    expect(Math.abs(last.mass_B - first.mass_B) / first.mass_B).toBeLessThan(1e-5);
    expect(Math.abs(last.momentum_x - first.momentum_x) / momentumScale).toBeLessThan(2e-4);
    expect(Math.abs(last.energy_total - first.energy_total) / first.energy_total).toBeLessThan(1e-4);
    // the run did something: the temperatures relaxed toward each other
    expect(Math.abs(last.temperature_A - last.temperature_B)).toBeLessThan(
      0.5 * Math.abs(first.temperature_A - first.temperature_B),
    );
  });

  it('GPU and CPU backends take the same steps (f32 level)', async () => {
    const c = config({
      species: [species('A', 1, 1), { ...species('B', 2, -1, 0.8), density: 0.7 }],
      collisions: { enabled: true, gamma: 0.5, knudsen: 0.3 },
      grid: { nx: 4, length: 6, nv: 8, vmax: 5 },
      perturbation: { kind: 'isentropic', amplitude: 0.1, mode: 1 },
      time: { dt: 0.1, tEnd: 0.3, outputEvery: 1 },
    });
    const setup = simulationSetup(c);
    const state = initialState(setup);
    const gpuBackend = await GpuBackend.create(gpu.device, setup, state);
    const cpuBackend = new CpuBackend(setup, state);
    for (let n = 0; n < 3; n++) {
      await strangStep(setup, gpuBackend);
      await strangStep(setup, cpuBackend);
    }
    const gpuState = await gpuBackend.state();
    const cpuMoments = await cpuBackend.moments();
    const gpuMoments = await gpuBackend.moments();
    const scale = new Float64Array(gpuMoments.length).fill(Math.max(...cpuMoments.map(Math.abs)));
    expect(maxRelativeError(gpuMoments, cpuMoments, scale)).toBeLessThan(1e-5);
    const cpuState = cpuBackend.snapshot();
    const stateScale = new Float64Array(cpuState.length).fill(Math.max(...cpuState));
    expect(maxRelativeError(gpuState, cpuState, stateScale)).toBeLessThan(1e-5);
    expect(maxRelativeError(cpuState, state, stateScale)).toBeGreaterThan(1e-3); // it moved
    gpuBackend.destroy();
  });
  it('GPU and CPU backends take the same trapezoidal steps (collisions.scheme, λ ≈ 6, f32 level)', async () => {
    // a smooth isentropic wave: F stays near its local Maxwellian, the regime the step is for
    const c = config({
      species: [species('A', 1, 1), { ...species('B', 2, -1), density: 0.7 }],
      collisions: { enabled: true, gamma: 0, knudsen: 0.05, scheme: 'trapezoidal' },
      grid: { nx: 4, length: 6, nv: 8, vmax: 6 },
      perturbation: { kind: 'isentropic', amplitude: 0.1, mode: 1 },
      time: { dt: 0.1, tEnd: 0.2, outputEvery: 1 },
    });
    const setup = simulationSetup(c);
    expect(() => GpuBackend.checkFits(gpu.device, setup)).not.toThrow();
    const state = initialState(setup);
    const gpuBackend = await GpuBackend.create(gpu.device, setup, state);
    const cpuBackend = new CpuBackend(setup, state);
    const exponential = new CpuBackend(
      simulationSetup({ ...c, collisions: { ...c.collisions, scheme: 'exponential' } }),
      state,
    );
    for (let n = 0; n < 2; n++) {
      await strangStep(setup, gpuBackend);
      await strangStep(setup, cpuBackend);
      await strangStep(setup, exponential);
    }
    const gpuState = await gpuBackend.state();
    const cpuState = cpuBackend.snapshot();
    const scale = new Float64Array(cpuState.length).fill(Math.max(...cpuState));
    const error = maxRelativeError(gpuState, cpuState, scale);
    expect(error).toBeLessThan(1e-5);
    // the scheme matters at this λ: the exponential step's state is further from the twin than that
    expect(maxRelativeError(exponential.snapshot(), cpuState, scale)).toBeGreaterThan(
      10 * Math.max(error, 1e-7),
    );
    gpuBackend.destroy();
  });
  it('refuses collisions.projection "maxwellian" (float64 only), naming the field; "uniform" fits', () => {
    const c = config({
      species: [species('A', 1, 1), { ...species('B', 2, -1), density: 0.7 }],
      collisions: { enabled: true, gamma: 0, knudsen: 0.05, projection: 'maxwellian' },
      grid: { nx: 4, length: 6, nv: 8, vmax: 6 },
      perturbation: { kind: 'isentropic', amplitude: 0.1, mode: 1 },
      time: { dt: 0.1, tEnd: 0.2, outputEvery: 1 },
    });
    expect(() => GpuBackend.checkFits(gpu.device, simulationSetup(c))).toThrow(
      /collisions\.projection.*CPU backend/,
    );
    const uniform = { ...c, collisions: { ...c.collisions, projection: 'uniform' as const } };
    expect(() => GpuBackend.checkFits(gpu.device, simulationSetup(uniform))).not.toThrow();
  });
});

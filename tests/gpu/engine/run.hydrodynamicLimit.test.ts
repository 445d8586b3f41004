/**
 * The ε → 0 limit of the kinetic solver (PHYSICS.md §2, §5 item 6; issue 5): at small Knudsen
 * number two ion species with e_A/m_A ≠ e_B/m_B are locked to one velocity and oscillate at the
 * two-fluid Euler–Poisson frequency, not at the collisionless one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GpuBackend } from '../../../src/engine/gpuBackend';
import { runSimulation } from '../../../src/engine/run';
import { fieldFromMoments, initialState, simulationSetup, strangStep } from '../../../src/engine/step';
import type { GpuContext } from '../../../src/gpu/context';
import { DEFAULT_REMAINDER, type ResolvedConfig, type TimeseriesRow } from '../../../src/physics/config';
import { langmuirRoot } from '../../../src/physics/dispersion';
import { fieldEnergy } from '../../../src/physics/poisson';
import { testGpu } from '../../support/gpu';
import { oscillationFit } from '../../support/oscillation';

describe('the kinetic solver at small ε', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('oscillates at the Euler–Poisson frequency ω² = n_e²/ρ + (5/3)(ñθ/ρ)k², not the collisionless one', async () => {
    const species = (name: string, mass: number, charge: number) => ({
      name,
      mass,
      charge,
      diameter: 1,
      density: 1,
      temperature: 1,
      drift: [0, 0, 0] as const,
    });
    const config: ResolvedConfig = {
      species: [species('A', 1, 1), species('B', 2, 0.5)],
      collisions: { enabled: true, gamma: 0, knudsen: 1e-4 },
      field: { enabled: true },
      grid: { nx: 8, length: 8 * Math.PI, nv: 8, vmax: 4.5 },
      perturbation: { kind: 'isentropic', amplitude: 0.01, mode: 1 },
      time: { dt: 0.1, tEnd: 16, outputEvery: 1 },
    };
    // Linearised two-fluid Euler–Poisson (PHYSICS.md §2): one velocity u for both species, so
    // n_α' = n̄_α s; ρ ∂t u' = −∂x p' + n_e E', ∂x E' = n_e s, p' = (5/3) ñθ s (isentropic), giving
    // ω² = n_e²/ρ + (5/3)(ñθ/ρ) k² with n_e = Σ e_α n̄_α, ρ = Σ m_α n̄_α, ñ = Σ n̄_α.
    const k = (2 * Math.PI) / config.grid.length;
    const [ne, rho, ntilde, theta] = [1 + 0.5, 1 + 2, 2, 1];
    const fluidOmega = Math.sqrt(ne ** 2 / rho + (5 / 3) * ((ntilde * theta) / rho) * k * k);
    const collisionless = langmuirRoot(config.species, k).omega.re;
    expect(Math.abs(collisionless - fluidOmega) / fluidOmega).toBeGreaterThan(0.15); // the two differ

    const setup = simulationSetup(config);
    const backend = await GpuBackend.create(gpu.device, setup, initialState(setup));
    const t: number[] = [];
    const norm: number[] = [];
    const steps = Math.round(config.time.tEnd / config.time.dt);
    for (let n = 0; n <= steps; n++) {
      if (n > 0) await strangStep(setup, backend);
      const field = fieldFromMoments(setup, await backend.moments());
      t.push(n * config.time.dt);
      norm.push(Math.sqrt(2 * fieldEnergy(field, config.grid.length)));
    }
    backend.destroy();
    const fit = oscillationFit(t, norm, 0.5, config.time.tEnd);
    expect(Math.abs(fit.frequency - fluidOmega) / fluidOmega).toBeLessThan(0.05);
  }, 360_000); // 160 steps, each with two collision-operator evaluations (the well-balanced step)
});

describe('the Hilbert-expansion remainder on the GPU', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  const neutral = (name: string, mass: number) => ({
    name,
    mass,
    charge: 0,
    diameter: 1,
    density: 1,
    temperature: 1,
    drift: [0, 0, 0] as const,
  });

  function limitConfig(knudsen: number, amplitude: number, dt: number, tEnd: number): ResolvedConfig {
    return {
      species: [neutral('A', 1), neutral('B', 2)],
      collisions: { enabled: true, gamma: 0, knudsen },
      field: { enabled: false },
      grid: { nx: 8, length: 4 * Math.PI, nv: 8, vmax: 4.5 },
      perturbation: { kind: 'isentropic', amplitude, mode: 1 },
      time: { dt, tEnd, outputEvery: Math.round(tEnd / dt) },
      remainder: { ...DEFAULT_REMAINDER, fluid: 'spectral' },
    };
  }

  async function lastRow(c: ResolvedConfig): Promise<TimeseriesRow[]> {
    const rows: TimeseriesRow[] = [];
    await runSimulation(c, gpu.device, (row) => rows.push(row));
    return rows;
  }

  it('the limit: ‖F_ε − F_0‖ at a fixed time falls like ε (ε = 0.04, 0.02, 0.01; Δt = ε/32, checked at Δt/2)', async () => {
    // Well-prepared data (F(0) = F_0(0), isentropic wave, neutral 1:2 mixture). After the initial
    // layer (~15 collision times ε/μ, μ ≈ 6.2 the largest loss frequency here) F_ε − F_0 is the
    // Chapman–Enskog term ε F_1 plus the Navier–Stokes drift of the moments, both O(ε).
    //
    // Time step: the collision step is first order in λ = μΔt/ε, and its error in the O(ε) part
    // is a FRACTION of it that depends on λ only; at fixed Δt (λ ∝ 1/ε) the smaller ε are
    // under-resolved and the decay looks faster than ε (measured at Δt = 0.002: ratios 2.8, 3.0).
    // So Δt = ε/32 (λ ≈ 0.19) at every ε: the same relative error at every point, which the
    // ratios cancel. The Δt/2 rerun bounds that error: measured 24 % at ε = 0.04 (and the absolute
    // change, 1.1e−3, is 0.03 ε: e_h ≪ ε, the trust rule of PHYSICS.md §3).
    // Measured ratios at t = 0.1: 2.02 and 2.09. Cost: 720 steps at n_x = 4, N_v = 8.
    // Caution (README, "The limit, measured"): with the second-order step, converged in Δt here,
    // the same set-up gives ratios 1.87 and 3.44, so part of this ≈ 2 is the first-order step's error.
    const deviation = async (knudsen: number, dt: number) => {
      const c = limitConfig(knudsen, 0.05, dt, 0.1);
      const rows = await lastRow({ ...c, grid: { ...c.grid, nx: 4 } });
      const last = rows.at(-1)!;
      expect(last.t).toBeCloseTo(0.1, 12);
      // ε · ‖F_R/√μ‖ = ‖(F_ε − F_0)/√μ‖ over the trusted balls
      return knudsen * last.remainder_L2;
    };
    const eps = [0.04, 0.02, 0.01];
    const d: number[] = [];
    for (const knudsen of eps) d.push(await deviation(knudsen, knudsen / 32));
    for (const x of d) expect(Number.isFinite(x) && x > 0).toBe(true);
    for (let i = 0; i + 1 < d.length; i++) {
      const ratio = d[i]! / d[i + 1]!;
      expect(ratio).toBeGreaterThan(2 * 0.7);
      expect(ratio).toBeLessThan(2 * 1.3);
    }
    const refined = await deviation(0.04, 0.04 / 64);
    expect(Math.abs(refined - d[0]!) / refined).toBeLessThan(0.3);
    expect(Math.abs(refined - d[0]!)).toBeLessThan(0.1 * 0.04);
  }, 900_000);

  it('a run started at a global bi-Maxwellian has remainder norms at round-off that do not grow', async () => {
    // N_v = 16 on L = 6 resolves both species, so the collision step's equilibrium (the continuous
    // Maxwellian of the discrete moments, projected) and F_0 (the discrete Maxwellian) coincide to
    // round-off; on an under-resolved grid they differ by the discretisation error of the moments.
    const c = limitConfig(1e-3, 0, 0.05, 0.5);
    const rows = await lastRow({
      ...c,
      grid: { nx: 2, length: 4 * Math.PI, nv: 16, vmax: 6 },
      time: { dt: 0.05, tEnd: 0.5, outputEvery: 5 },
    });
    const afterFirstOutput = rows[1]!;
    for (const r of rows) {
      expect(Number.isFinite(r.remainder_energy)).toBe(true);
      // ε·‖F_R/√μ‖ = ‖(F − F_0)/√μ‖: the f32 round-off of an O(1) distribution (a wrong F_0 or a
      // drifting equilibrium gives 1e−3 and more)
      expect(1e-3 * r.remainder_L2).toBeLessThan(1e-5);
      expect(1e-3 * r.remainder_Linf_w).toBeLessThan(1e-5);
    }
    // no growth beyond the accumulation of f32 rounding (F_R = round-off/ε, here ε = 1e−3)
    expect(rows.at(-1)!.remainder_L2).toBeLessThan(20 * afterFirstOutput.remainder_L2);
  });
});

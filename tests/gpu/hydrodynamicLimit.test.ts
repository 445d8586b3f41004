/**
 * The ε → 0 limit of the kinetic solver (PHYSICS.md §2, §5 item 6; issue 5): at small Knudsen
 * number two ion species with e_A/m_A ≠ e_B/m_B are locked to one velocity and oscillate at the
 * two-fluid Euler–Poisson frequency, not at the collisionless one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fieldFromMoments,
  GpuBackend,
  initialState,
  simulationSetup,
  strangStep,
} from '../../src/engine/simulation';
import type { GpuContext } from '../../src/gpu/context';
import type { ResolvedConfig } from '../../src/physics/config';
import { langmuirRoot } from '../../src/physics/dispersion';
import { fieldEnergy } from '../../src/physics/poisson';
import { testGpu } from '../support/gpu';
import { oscillationFit } from '../support/oscillation';

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
  });
});

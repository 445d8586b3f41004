/**
 * The hydrodynamic limit beside the kinetic run (PHYSICS.md §2, §3): the two-fluid
 * Euler–Poisson solution on the same x grid, advanced in lock-step, and at each output the
 * remainder F_R = (F_ε − F_0)/ε measured against the fluid's discrete bi-Maxwellian F_0 by either
 * backend (GPU kernel or float64 twin). An observer of the run, not part of the step.
 */
import type { RemainderConfig } from '../physics/config';
import { DEFAULT_REMAINDER } from '../physics/config';
import { fluidStateFromConfig, TwoFluidEulerPoisson } from '../physics/fluid/twoFluidEulerPoisson';
import { mixtureEquilibrium } from '../physics/maxwellian';
import { MOMENT_COUNT } from '../physics/moments';
import { logWeightCoefficients, remainderEnergy } from '../physics/remainder';
import { type RemainderBall, remainderBall } from '../physics/remainderBall';
import {
  type FluidFieldsOnGrid,
  fluidCellParameters,
  type RemainderNorms,
  type RemainderParameters,
  remainderNormsFromSums,
} from '../physics/remainderNorms';
import type { RemainderSums, SimulationSetup } from './step';

export interface RemainderRow {
  remainder_L2: number;
  remainder_Linf_w: number;
  remainder_field_L2: number;
  remainder_energy: number;
  fluid_density_error_L2: number;
  /** ε^5 ‖∇_{x,v}(w_γ F_R/√μ_M)‖_{L∞}, the last term of E(t). */
  remainder_gradient_Linf: number;
}

export class RemainderMonitor {
  readonly fluid: TwoFluidEulerPoisson;
  readonly settings: RemainderConfig;
  /** θ_M of the global Maxwellian and the trusted velocity balls the norms are taken in. */
  readonly ball: RemainderBall;

  /**
   * The fluid starts from the kinetic initial data's own discrete moments (raw moments, mass 1,
   * [species][cell][MOMENT_COUNT]): per cell the mixture equilibrium (n_A, n_B, u, θ) with the same
   * n_α, momentum and energy, so that F_0(0) is the discrete Maxwellian of F(0) itself.
   */
  constructor(
    private readonly setup: SimulationSetup,
    initialMoments: Float64Array,
  ) {
    const { config } = setup;
    this.settings = config.remainder ?? DEFAULT_REMAINDER;
    const { nx } = config.grid;
    const [mA, mB] = [config.species[0].mass, config.species[1].mass];
    const template = fluidStateFromConfig(config);
    const densityA = new Float64Array(nx);
    const densityB = new Float64Array(nx);
    const velocity = [new Float64Array(nx), new Float64Array(nx), new Float64Array(nx)] as const;
    const temperature = new Float64Array(nx);
    for (let i = 0; i < nx; i++) {
      const raw = (s: number, mass: number) => {
        const m = initialMoments.subarray((s * nx + i) * MOMENT_COUNT, (s * nx + i + 1) * MOMENT_COUNT);
        return [m[0]!, mass * m[1]!, mass * m[2]!, mass * m[3]!, mass * m[4]!];
      };
      const eq = mixtureEquilibrium(raw(0, mA), raw(1, mB), mA, mB);
      densityA[i] = eq.densityA;
      densityB[i] = eq.densityB;
      for (let k = 0; k < 3; k++) velocity[k]![i] = eq.drift[k]!;
      temperature[i] = eq.temperature;
    }
    this.fluid = new TwoFluidEulerPoisson(
      { ...template, densityA, densityB, velocity, temperature },
      { scheme: this.settings.fluid ?? 'finiteVolume' },
    );
    this.ball = remainderBall(config);
  }

  advance(dt: number): void {
    this.fluid.advance(dt);
  }

  kernelParameters(t: number): RemainderParameters {
    const { config } = this.setup;
    const gamma = config.collisions.gamma;
    return {
      masses: [config.species[0].mass, config.species[1].mass],
      charges: [config.species[0].charge, config.species[1].charge],
      knudsen: config.collisions.knudsen,
      thetaM: this.ball.thetaM,
      gamma,
      weight: logWeightCoefficients(gamma, t, this.settings),
      trustedRadius: this.ball.trustedRadius,
      cellWidth: config.grid.length / config.grid.nx,
    };
  }

  fluidFields(): FluidFieldsOnGrid {
    const f = this.fluid;
    return { densityA: f.densityA, densityB: f.densityB, velocity: f.velocity, temperature: f.temperature };
  }

  /** The remainder columns of the timeseries at time t, from the backend's sums and the raw moments. */
  async measure(t: number, backend: RemainderSums, moments: Float64Array): Promise<RemainderRow> {
    const { config, grid } = this.setup;
    const fields = this.fluidFields();
    const masses = [config.species[0].mass, config.species[1].mass] as const;
    const cells = fluidCellParameters(grid, fields, masses);
    const p = this.kernelParameters(t);
    const sums = await backend.remainderSums(cells, p);
    const norms: RemainderNorms = remainderNormsFromSums(sums, grid, config.grid.length, p.knudsen);
    const { nx, length } = config.grid;
    let densityError = 0;
    for (const [s, fluid] of [
      [0, fields.densityA],
      [1, fields.densityB],
    ] as const) {
      let sum = 0;
      for (let i = 0; i < nx; i++) sum += (moments[(s * nx + i) * MOMENT_COUNT]! - fluid[i]!) ** 2;
      densityError += Math.sqrt((sum * length) / nx);
    }
    return {
      remainder_L2: norms.l2,
      remainder_Linf_w: norms.linfWeighted,
      remainder_field_L2: norms.fieldL2,
      remainder_energy: remainderEnergy({
        l2: norms.l2,
        field: norms.fieldL2,
        linfWeighted: norms.linfWeighted,
        gradientTerm: norms.gradient,
      }),
      fluid_density_error_L2: densityError,
      remainder_gradient_Linf: norms.gradient,
    };
  }
}

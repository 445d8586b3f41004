/**
 * The hydrodynamic limit beside the kinetic run (PHYSICS.md §2, §3): the two-fluid
 * Euler–Poisson solution on the same x grid, advanced in lock-step, and at each output the
 * remainder F_R = (F_ε − F_0)/ε measured against the fluid's discrete bi-Maxwellian F_0 by either
 * backend (GPU kernel or float64 twin). With remainder.order 1 the remainder is
 * F_R = (F_ε − F_0 − εF_1)/ε^r (r = remainder.scaling), F_0 + εF_1 from the first-order reference
 * (firstOrderReference.ts: U_0 and U_1 in lock-step, one 𝓛⁻¹ solve per cell per output) and the norms
 * by the float64 twin on the host, for either backend. An observer of the run, not part of the step: when the
 * fluid reference fails (a non-physical state, a non-finite value) the remainder columns read NaN
 * from there on, the failure is recorded with its time and reason, and the kinetic run goes on.
 * With `remainder.fluid: "auto"` the spectral fluid hands over to finite volumes, from the state
 * before the step, when its state stops being resolved (fluid/smoothness.ts) or it fails.
 */
import type { RemainderConfig } from '../physics/config';
import { DEFAULT_REMAINDER, FIRST_ORDER_COLUMNS } from '../physics/config';
import { unresolvedVariable } from '../physics/fluid/smoothness';
import {
  type FluidScheme,
  type FluidSolverState,
  type FluidState,
  fluidStateFromConfig,
  TwoFluidEulerPoisson,
} from '../physics/fluid/twoFluidEulerPoisson';
import type { FirstOrderProfiles, HilbertFluidState } from '../physics/hilbert/firstOrderFluid';
import { mixtureEquilibrium } from '../physics/maxwellian';
import { MOMENT_COUNT } from '../physics/moments';
import { logWeightCoefficients, remainderEnergy, remainderScaling } from '../physics/remainder';
import { type RemainderBall, remainderBall } from '../physics/remainderBall';
import {
  discreteFluidMaxwellians,
  type FluidFieldsOnGrid,
  fluidCellParameters,
  type RemainderNorms,
  type RemainderParameters,
  remainderNormsFromSums,
  remainderStateSums,
} from '../physics/remainderNorms';
import {
  FirstOrderReference,
  type HilbertExpansionParts,
  hilbertExpansionParts,
} from './firstOrderReference';
import { FLUID_REFERENCE_COLUMNS, type RemainderSums, type SimulationSetup } from './step';

export interface RemainderRow {
  remainder_L2: number;
  remainder_Linf_w: number;
  remainder_field_L2: number;
  remainder_energy: number;
  fluid_density_error_L2: number;
  /** ε^5 ‖∇_{x,v}(w_γ F_R/√μ_M)‖_{L∞}, the last term of E(t). */
  remainder_gradient_Linf: number;
  /** ‖F_ε − Σ_{i≤n} ε^i F_i‖ in L²(dx dv), both species, the whole box (no division by ε^r, no weight). */
  hilbert_residual_L2: number;
  /** L²_x sizes of U_1 = (n_1^A, n_1^B, u_1, θ_1) and of E_1 (0 at order 0: no first-order term). */
  fluid1_density_A_L2: number;
  fluid1_density_B_L2: number;
  fluid1_velocity_L2: number;
  fluid1_temperature_L2: number;
  fluid1_field_L2: number;
}

/** When and why the fluid reference stopped (the remainder columns are NaN from `time` on). */
export interface FluidReferenceFailure {
  /** The fluid time the failed step started from. */
  readonly time: number;
  readonly reason: string;
}

/** `remainder.fluid: "auto"`: when and why the spectral fluid handed over to finite volumes. */
export interface FluidSchemeSwitch {
  readonly time: number;
  readonly reason: string;
}

/** Everything of the reference that changes over a run (rollbacks and checkpoints carry it). */
export interface FluidReferenceState {
  readonly fluid: FluidSolverState;
  readonly scheme: FluidScheme;
  readonly failure: FluidReferenceFailure | null;
  readonly switched: FluidSchemeSwitch | null;
  /** [U_0; U_1] of the first-order reference (remainder.order 1), else null. */
  readonly firstOrder: HilbertFluidState | null;
}

/** What a reader of the run is told about the reference: scheme, failure, hand-over. */
export type FluidReferenceStatus = Omit<FluidReferenceState, 'fluid' | 'firstOrder'>;

/** The remainder columns of a row without a fluid reference. */
const NO_REFERENCE: RemainderRow = Object.fromEntries(
  FLUID_REFERENCE_COLUMNS.map((c) => [c, Number.NaN]),
) as Record<(typeof FLUID_REFERENCE_COLUMNS)[number], number>;

export class RemainderMonitor {
  private solver: TwoFluidEulerPoisson;
  /** The fluid state of the last step is checked for resolution and may hand over (config "auto"). */
  private readonly automatic: boolean;
  /** The fluid at t = 0 (a solver of either scheme is built from it, then given a state). */
  private readonly initialState: FluidState;
  private failed: FluidReferenceFailure | null = null;
  private handedOver: FluidSchemeSwitch | null = null;
  readonly settings: RemainderConfig;
  /** θ_M of the global Maxwellian and the trusted velocity balls the norms are taken in. */
  readonly ball: RemainderBall;
  /** U_0, U_1 and F_0 + εF_1 (remainder.order 1), else null. */
  private readonly firstOrder: FirstOrderReference | null;

  /**
   * The fluid starts from the kinetic initial data's own discrete moments (raw moments, mass 1,
   * [species][cell][MOMENT_COUNT]): per cell the mixture equilibrium (n_A, n_B, u, θ) with the same
   * n_α, momentum and energy, so that F_0(0) is the discrete Maxwellian of F(0) itself. So does the
   * first-order reference's U_0 (with U_1(0) = 0); `parts` are its set-up (built here when absent).
   */
  constructor(
    private readonly setup: SimulationSetup,
    initialMoments: Float64Array,
    parts: HilbertExpansionParts | null = null,
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
    const choice = this.settings.fluid ?? 'auto';
    this.automatic = choice === 'auto';
    this.initialState = { ...template, densityA, densityB, velocity, temperature };
    this.solver = new TwoFluidEulerPoisson(this.initialState, {
      scheme: choice === 'finiteVolume' ? 'finiteVolume' : 'spectral',
    });
    this.ball = remainderBall(config);
    this.firstOrder =
      this.settings.order === 1
        ? new FirstOrderReference(this.initialState, parts ?? hilbertExpansionParts(config))
        : null;
  }

  /** The Euler–Poisson solver now (a different object after an "auto" hand-over). */
  get fluid(): TwoFluidEulerPoisson {
    return this.solver;
  }

  /** The failure that stopped the reference, or null while it is running. */
  get failure(): FluidReferenceFailure | null {
    return this.failed;
  }

  /** The "auto" hand-over to finite volumes, or null (none yet, or a fixed scheme). */
  get switched(): FluidSchemeSwitch | null {
    return this.handedOver;
  }

  /**
   * The fluid over dt, in lock-step with the kinetic step. A failure stops the reference (not the
   * run); under "auto" the spectral scheme first hands over to finite volumes and retakes the step.
   */
  advance(dt: number): void {
    if (this.failed) return;
    const before = this.solver.exportState();
    let problem = this.tryAdvance(dt);
    if (problem && this.automatic && this.solver.scheme === 'spectral') {
      this.handedOver = { time: before.time, reason: problem };
      this.solver = new TwoFluidEulerPoisson(this.initialState, { scheme: 'finiteVolume' });
      this.solver.restoreState(before);
      problem = this.tryAdvance(dt);
    }
    if (problem) {
      // the reference stays at its last good state (finite, physical: checkpoints carry it)
      this.solver.restoreState(before);
      this.failed = { time: before.time, reason: `${this.solver.scheme} fluid: ${problem}` };
      return;
    }
    if (this.firstOrder) {
      const saved = this.firstOrder.exportState();
      try {
        this.firstOrder.advance(dt);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        this.firstOrder.restoreState(saved);
        this.failed = { time: saved.time, reason: e.message };
      }
    }
  }

  /** One advance; the reason it cannot serve as the reference after it, or null. */
  private tryAdvance(dt: number): string | null {
    try {
      this.solver.advance(dt);
      const { conserved } = this.solver.exportState();
      if (!conserved.every(Number.isFinite)) return `a non-finite value at t ≈ ${this.solver.time}`;
      this.solver.temperature; // throws the RangeError naming the cell for n_α < 0, ρ ≤ 0 or p ≤ 0
      if (this.automatic && this.solver.scheme === 'spectral') {
        const unresolved = unresolvedVariable(conserved, this.solver.nx);
        if (unresolved) {
          return (
            `${unresolved.variable} is not resolved at t ≈ ${this.solver.time.toPrecision(4)} ` +
            `(${(100 * unresolved.tail).toPrecision(2)} % of its spectrum in the upper half of the modes)`
          );
        }
      }
      return null;
    } catch (e) {
      if (e instanceof RangeError) return e.message;
      throw e;
    }
  }

  /** The reference's state, for a rollback or a checkpoint. */
  exportState(): FluidReferenceState {
    return {
      fluid: this.solver.exportState(),
      scheme: this.solver.scheme,
      failure: this.failed,
      switched: this.handedOver,
      firstOrder: this.firstOrder?.exportState() ?? null,
    };
  }

  /** The reference's scheme, failure and hand-over, without copying the solver's state. */
  exportStatus(): FluidReferenceStatus {
    return { scheme: this.solver.scheme, failure: this.failed, switched: this.handedOver };
  }

  /** Back to an exported state (the scheme it had included). */
  restoreState(state: FluidReferenceState): void {
    if (state.scheme !== this.solver.scheme) {
      this.solver = new TwoFluidEulerPoisson(this.initialState, { scheme: state.scheme });
    }
    this.solver.restoreState(state.fluid);
    if (this.firstOrder) {
      if (!state.firstOrder)
        throw new RangeError('the saved fluid reference has no first-order state (remainder.order 1)');
      this.firstOrder.restoreState(state.firstOrder);
    }
    this.failed = state.failure;
    this.handedOver = state.switched;
  }

  /** The norms' parameters at t; `knudsen` is the divisor ε^r of F_R (r = remainder.scaling). */
  kernelParameters(t: number): RemainderParameters {
    const { config } = this.setup;
    const gamma = config.collisions.gamma;
    return {
      masses: [config.species[0].mass, config.species[1].mass],
      charges: [config.species[0].charge, config.species[1].charge],
      knudsen: config.collisions.knudsen ** remainderScaling(this.settings),
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

  /**
   * The remainder columns of the timeseries at time t, from the backend's sums (order 0) or the state
   * on the host (order 1), the raw moments and the state F (read back at every output); all NaN once
   * the reference has failed.
   */
  async measure(
    t: number,
    backend: RemainderSums,
    moments: Float64Array,
    state: Float32Array | Float64Array,
  ): Promise<RemainderRow> {
    if (this.failed) return NO_REFERENCE;
    const { config, grid } = this.setup;
    const { nx, length } = config.grid;
    const knudsen = config.collisions.knudsen;
    const masses = [config.species[0].mass, config.species[1].mass] as const;
    const p = this.kernelParameters(t);
    const euler = this.fluidFields();
    let fields: FluidFieldsOnGrid = euler;
    let norms: RemainderNorms;
    let residual: number;
    let firstOrderSizes: Pick<RemainderRow, (typeof FIRST_ORDER_COLUMNS)[number]>;
    if (this.firstOrder) {
      // F_ε − εF_1 against F_0 of U_0: the twin's sums of F_R = (F_ε − F_0 − εF_1)/ε^r
      const terms = this.firstOrder.terms();
      fields = terms.zerothState;
      const shifted = Float64Array.from(state, (f, j) => f - knudsen * terms.first[j]!);
      const cells = fluidCellParameters(grid, fields, masses);
      norms = remainderNormsFromSums(remainderStateSums(shifted, grid, nx, cells, p), grid, length, knudsen);
      residual = phaseSpaceDistance(shifted, terms.zeroth, grid, config.grid);
      firstOrderSizes = firstOrderFluidSizes(terms.fluid1, length);
    } else {
      const cells = fluidCellParameters(grid, fields, masses);
      const sums = await backend.remainderSums(cells, p);
      norms = remainderNormsFromSums(sums, grid, length, knudsen);
      residual = phaseSpaceDistance(state, discreteFluidMaxwellians(grid, cells, masses), grid, config.grid);
      firstOrderSizes = NO_FIRST_ORDER;
    }
    let densityError = 0;
    for (const [s, fluid] of [
      [0, euler.densityA],
      [1, euler.densityB],
    ] as const) {
      let sum = 0;
      for (let i = 0; i < nx; i++) sum += (moments[(s * nx + i) * MOMENT_COUNT]! - fluid[i]!) ** 2;
      densityError += Math.sqrt((sum * length) / nx);
    }
    if (![norms.l2, norms.linfWeighted, norms.fieldL2, norms.gradient].every(Number.isFinite)) {
      // F_0 of this fluid state has no finite norms on the run's velocity grid (e.g. a cell the fluid
      // emptied or cooled below what the grid resolves): from here the remainder is not measured
      const low = (a: ArrayLike<number>) => Math.min(...Array.from(a)).toPrecision(3);
      const which = this.firstOrder ? 'first-order reference: U_0' : `${this.solver.scheme} fluid: its F_0`;
      this.failed = {
        time: t,
        reason:
          `${which} gives non-finite remainder norms on the velocity grid ` +
          `(fluid min n_A ${low(fields.densityA)}, min n_B ${low(fields.densityB)}, min θ ${low(fields.temperature)})`,
      };
      return NO_REFERENCE;
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
      hilbert_residual_L2: residual,
      ...firstOrderSizes,
    };
  }
}

/** At order 0 the truncated expansion has no first-order term: U_1's sizes are 0 (rows stay finite). */
const NO_FIRST_ORDER = Object.fromEntries(FIRST_ORDER_COLUMNS.map((c) => [c, 0])) as Record<
  (typeof FIRST_ORDER_COLUMNS)[number],
  number
>;

/** ‖a − b‖ in L²(dx dv) over both species and the whole box, [species][cell][N_v³] layout. */
function phaseSpaceDistance(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  grid: { readonly dv: number },
  x: { readonly nx: number; readonly length: number },
): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += (a[j]! - b[j]!) ** 2;
  return Math.sqrt(sum * (x.length / x.nx) * grid.dv ** 3);
}

/** The L²_x sizes of U_1's profiles (velocity: all three components together) and of E_1. */
function firstOrderFluidSizes(
  u1: FirstOrderProfiles,
  length: number,
): Record<(typeof FIRST_ORDER_COLUMNS)[number], number> {
  const dx = length / u1.densityA.length;
  const size = (...arrays: ArrayLike<number>[]) => {
    let sum = 0;
    for (const a of arrays) for (let i = 0; i < a.length; i++) sum += a[i]! ** 2;
    return Math.sqrt(sum * dx);
  };
  return {
    fluid1_density_A_L2: size(u1.densityA),
    fluid1_density_B_L2: size(u1.densityB),
    fluid1_velocity_L2: size(...u1.velocity),
    fluid1_temperature_L2: size(u1.temperature),
    fluid1_field_L2: size(u1.field),
  };
}

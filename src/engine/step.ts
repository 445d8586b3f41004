/**
 * The VPB step (PHYSICS.md §1), written once against abstract operations (STYLE habit 7): free
 * transport in x, acceleration by the self-consistent field along v1, collisions, and the periodic
 * Poisson solve, on the 1D-in-x, 3D-in-v grid for both species. The GPU backend (gpuBackend.ts,
 * WGSL through WebGPU) and the float64 CPU backend (cpuBackend.ts, the twins) implement the
 * operations; one Strang step is
 *
 *     X(Δt/2) → Poisson → V(Δt/2) → C(Δt) → V(Δt/2) → X(Δt/2)
 *
 * X and V are exact-in-time shifts (semi-Lagrangian, band-limited) and the Strang composition of
 * the Vlasov–Poisson part is second order in Δt; the collision step C is the first-order
 * exponential AP scheme, so with collisions on the splitting is first order in Δt (and stays
 * stable and consistent as ε → 0). Neither V nor C changes the density, so one Poisson solve per
 * step, on the state after the first X(Δt/2), serves both V half-steps.
 *
 * Also here, shared by both backends and the session: the run's set-up, F at t = 0, E(x) from the
 * moments, and the kinetic columns of a timeseries row.
 */
import { HILBERT_COLUMNS, type ResolvedConfig, type TimeseriesRow } from '../physics/config';
import { perturbedMaxwellian } from '../physics/initialData';
import { MOMENT_COUNT } from '../physics/moments';
import { fieldEnergy, poissonSolveFft } from '../physics/poisson';
import type { RemainderParameters } from '../physics/remainderNorms';
import { type VelocityGrid, velocityGrid } from '../physics/velocityGrid';

/**
 * The columns RemainderMonitor measures against the fluid reference (NaN once it has failed): the
 * remainder norms of physics/sweepPlan.ts REMAINDER_COLUMNS, the two beside them, ‖F_ε − Σ_{i≤n} ε^i F_i‖
 * and the first-order fluid's sizes (config.ts FIRST_ORDER_COLUMNS, 0 at remainder.order 0).
 */
export const FLUID_REFERENCE_COLUMNS = [
  'remainder_L2',
  'remainder_Linf_w',
  'remainder_field_L2',
  'remainder_energy',
  'fluid_density_error_L2',
  'remainder_gradient_Linf',
  ...HILBERT_COLUMNS,
] as const satisfies readonly (keyof TimeseriesRow)[];

/** The kinetic columns of the timeseries (the remainder ones come from RemainderMonitor). */
export type KineticRow = Omit<TimeseriesRow, (typeof FLUID_REFERENCE_COLUMNS)[number]>;

/** Backends evaluate the per-cell sums of the remainder norms (GPU kernel or float64 twin). */
export interface RemainderSums {
  remainderSums(cells: Float64Array, p: RemainderParameters): Promise<Float64Array>;
}

/**
 * The operations of one Strang step; `moments` are raw (mass 1): [species][cell][MOMENT_COUNT];
 * `remainderSums` are the per-cell sums of the remainder norms (remainderNorms.ts).
 */
export interface StepBackend extends RemainderSums {
  readonly name: 'webgpu' | 'cpu';
  advectX(): void;
  /**
   * The Poisson solve for the state as it is now (PHYSICS.md §1): E(x) and the v-advection weights
   * for the advectV() calls that follow. Recorded on the GPU, no read-back.
   */
  solveField(): void;
  /** v-advection over Δt/2 by the field of the last solveField(). */
  advectV(): void;
  /** The collision step over Δt (the GPU's trapezoidal step waits for its solver's read-backs). */
  collide(): void | Promise<void>;
  moments(): Promise<Float64Array>;
  /** The whole state F as it is now, [species][cell][N³] (a copy the caller owns). */
  readState(): Promise<Float32Array | Float64Array>;
  /**
   * Replaces the state by `state` (same layout), e.g. the t = 0 data on a reset or a rollback. A
   * Float64Array keeps the CPU backend's float64 state exact (the GPU rounds it to f32).
   */
  load(state: Float32Array | Float64Array): void;
  /**
   * Takes `setup` (the same grid, another time.dt) for the steps that follow: the step guard's
   * halving of Δt. Only the Δt-dependent parameters are rewritten; nothing is rebuilt.
   */
  retime(setup: SimulationSetup): void;
  destroy(): void;
}

export interface SimulationSetup {
  readonly config: ResolvedConfig;
  readonly grid: VelocityGrid;
  readonly chargeToMass: readonly [number, number];
  readonly fieldOn: boolean;
  readonly collisionsOn: boolean;
}

export function simulationSetup(config: ResolvedConfig): SimulationSetup {
  const [A, B] = config.species;
  return {
    config,
    grid: velocityGrid(config.grid.nv, config.grid.vmax),
    chargeToMass: [A.charge / A.mass, B.charge / B.mass],
    fieldOn: config.field.enabled && (A.charge !== 0 || B.charge !== 0),
    collisionsOn: config.collisions.enabled,
  };
}

/** F at t = 0, [species][cell][N³], from the species' densities, temperatures, drifts and the perturbation. */
export function initialState(setup: SimulationSetup): Float32Array<ArrayBuffer> {
  const { config, grid } = setup;
  const { nx, length } = config.grid;
  const state = new Float32Array(2 * nx * grid.pointsPerCell);
  config.species.forEach((s, i) => {
    const species = { mass: s.mass, density: s.density, temperature: s.temperature, drift: s.drift };
    state.set(
      perturbedMaxwellian(grid, nx, length, species, config.perturbation),
      i * nx * grid.pointsPerCell,
    );
  });
  return state;
}

/** E(x) from the raw moments: charge ρ = Σ e_α n_α(x), neutralised by its mean (PHYSICS.md §1). */
export function fieldFromMoments(setup: SimulationSetup, moments: Float64Array): Float64Array {
  const { nx, length } = setup.config.grid;
  if (!setup.fieldOn) return new Float64Array(nx);
  const charge = new Float64Array(nx);
  setup.config.species.forEach((s, a) => {
    for (let i = 0; i < nx; i++) charge[i]! += s.charge * moments[(a * nx + i) * MOMENT_COUNT]!;
  });
  return poissonSolveFft(charge, length).field;
}

/** The kinetic columns of the timeseries row (KineticRow) from the raw moments and the field. */
export function diagnosticsRow(
  setup: SimulationSetup,
  t: number,
  moments: Float64Array,
  field: Float64Array,
): KineticRow {
  const { nx, length } = setup.config.grid;
  const dx = length / nx;
  const totals = setup.config.species.map((_, a) => {
    const sum = new Float64Array(MOMENT_COUNT);
    for (let i = 0; i < nx; i++)
      for (let k = 0; k < MOMENT_COUNT; k++) sum[k]! += moments[(a * nx + i) * MOMENT_COUNT + k]! * dx;
    return sum; // ∫∫F, ∫∫v F, ½∫∫|v|²F, ∫∫F log F
  });
  const [a, b] = totals as [Float64Array, Float64Array];
  const [mA, mB] = [setup.config.species[0].mass, setup.config.species[1].mass];
  const temperature = (s: Float64Array, m: number) => {
    const u2 = (s[1]! ** 2 + s[2]! ** 2 + s[3]! ** 2) / (s[0]! * s[0]!);
    return (m * (2 * s[4]! - s[0]! * u2)) / (3 * s[0]!); // m∫∫|v − u|²F / (3∫∫F)
  };
  const kinetic = mA * a[4]! + mB * b[4]!;
  const energyField = fieldEnergy(field, length);
  return {
    t,
    mass_A: a[0]!,
    mass_B: b[0]!,
    momentum_x: mA * a[1]! + mB * b[1]!,
    momentum_y: mA * a[2]! + mB * b[2]!,
    momentum_z: mA * a[3]! + mB * b[3]!,
    energy_kinetic: kinetic,
    energy_field: energyField,
    energy_total: kinetic + energyField,
    entropy: a[5]! + b[5]!,
    temperature_A: temperature(a, mA),
    temperature_B: temperature(b, mB),
    velocity_x_A: a[1]! / a[0]!,
    velocity_x_B: b[1]! / b[0]!,
    field_L2: Math.sqrt(2 * energyField),
  };
}

/** One Strang step (module comment), written once for both backends. */
export async function strangStep(setup: SimulationSetup, backend: StepBackend): Promise<void> {
  backend.advectX();
  if (setup.fieldOn) {
    backend.solveField(); // from the state after X(Δt/2), the Strang midpoint's density
    backend.advectV();
    if (setup.collisionsOn) await backend.collide();
    backend.advectV();
  } else if (setup.collisionsOn) {
    await backend.collide();
  }
  backend.advectX();
}

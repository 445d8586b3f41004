/**
 * The VPB solver (PHYSICS.md §1): free transport in x, acceleration by the self-consistent field
 * along v1, collisions, and the periodic Poisson solve, on the 1D-in-x, 3D-in-v grid for both
 * species. The Strang step is written once against abstract operations (STYLE habit 7); a GPU
 * backend (WGSL through WebGPU) and a float64 CPU backend (the twins) implement them:
 *
 *     X(Δt/2) → Poisson → V(Δt/2) → C(Δt) → V(Δt/2) → X(Δt/2)
 *
 * X and V are exact-in-time shifts (semi-Lagrangian, band-limited) and the Strang composition of
 * the Vlasov–Poisson part is second order in Δt; the collision step C is the first-order
 * exponential AP scheme, so with collisions on the splitting is first order in Δt (and stays
 * stable and consistent as ε → 0). X does not change the density and neither V nor C do, so one
 * Poisson solve per step serves both V half-steps. Runs identically in Node and in a worker.
 */
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import { CollisionStep } from '../gpu/CollisionStep';
import { Transport } from '../gpu/Transport';
import { VelocityMoments } from '../gpu/VelocityMoments';
import { collisionStep } from '../physics/collision/collisionStep';
import { mixtureSpectralTables } from '../physics/collision/spectral';
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';

/** The kinetic columns of the timeseries (the remainder ones come from RemainderMonitor). */
export type KineticRow = Omit<
  TimeseriesRow,
  | 'remainder_L2'
  | 'remainder_Linf_w'
  | 'remainder_field_L2'
  | 'remainder_energy'
  | 'fluid_density_error_L2'
  | 'remainder_gradient_Linf'
>;

import { RemainderNorms } from '../gpu/RemainderNorms';
import { MOMENT_COUNT, velocityMoments } from '../physics/moments';
import { fieldEnergy, poissonSolveFft } from '../physics/poisson';
import { type RemainderParameters, remainderStateSums } from '../physics/remainderNorms';
import { advectV, advectVWeights, advectX, advectXWeights } from '../physics/transport';
import { type VelocityGrid, velocityGrid } from '../physics/velocityGrid';
import { perturbedMaxwellian } from './initialData';
import type { RemainderSums } from './remainderMonitor';
import { SimulationSession, yieldToEventLoop } from './session';

/**
 * The operations of one Strang step; `moments` are raw (mass 1): [species][cell][MOMENT_COUNT];
 * `remainderSums` are the per-cell sums of the remainder norms (remainderNorms.ts).
 */
export interface StepBackend extends RemainderSums {
  readonly name: 'webgpu' | 'cpu';
  advectX(): void;
  advectV(field: Float64Array): void;
  collide(): void;
  moments(): Promise<Float64Array>;
  /** The whole state F as it is now, [species][cell][N³] (a copy the caller owns). */
  readState(): Promise<Float32Array | Float64Array>;
  /** Replaces the state by `state` (same layout), e.g. the t = 0 data on a reset. */
  load(state: Float32Array<ArrayBuffer>): void;
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

/** The timeseries row of issue 4 from the raw moments and the field. */
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
    const field = fieldFromMoments(setup, await backend.moments());
    backend.advectV(field);
    if (setup.collisionsOn) backend.collide();
    backend.advectV(field);
  } else if (setup.collisionsOn) {
    backend.collide();
  }
  backend.advectX();
}

export class GpuBackend implements StepBackend {
  readonly name = 'webgpu' as const;
  private readonly buffers: [GPUBuffer, GPUBuffer];
  private current = 0;
  private encoder: GPUCommandEncoder | null = null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly setup: SimulationSetup,
    private readonly transport: Transport,
    private readonly momentsKernel: VelocityMoments,
    private readonly collisions: CollisionStep | null,
    private readonly remainder: RemainderNorms,
    state: Float32Array,
  ) {
    this.buffers = [
      createStorageBuffer(device, 'Simulation.state0', state),
      createStorageBuffer(device, 'Simulation.state1', state),
    ];
  }

  static async create(device: GPUDevice, setup: SimulationSetup, state: Float32Array): Promise<GpuBackend> {
    const { config, grid } = setup;
    const { nx, length } = config.grid;
    const [transport, moments, remainder, collisions] = await Promise.all([
      Transport.create(device, grid, nx, length),
      VelocityMoments.create(device, grid, 2 * nx),
      RemainderNorms.create(device, grid, nx),
      setup.collisionsOn
        ? CollisionStep.create(device, grid, nx, {
            species: [
              { mass: config.species[0].mass, diameter: config.species[0].diameter },
              { mass: config.species[1].mass, diameter: config.species[1].diameter },
            ],
            gamma: config.collisions.gamma,
          })
        : null,
    ]);
    transport.setAdvectXStep(config.time.dt / 2);
    moments.setParameters({ mass: 1 });
    collisions?.setTimeStep(config.time.dt, config.collisions.knudsen);
    return new GpuBackend(device, setup, transport, moments, collisions, remainder, state);
  }

  advectX(): void {
    this.transport.recordX(this.commands(), this.buffers[this.current]!, this.buffers[1 - this.current]!);
    this.current = 1 - this.current;
  }

  advectV(field: Float64Array): void {
    // written to the queue now, before the submit that carries this step's passes
    this.transport.setField(field, this.setup.chargeToMass, this.setup.config.time.dt / 2);
    this.transport.recordV(this.commands(), this.buffers[this.current]!, this.buffers[1 - this.current]!);
    this.current = 1 - this.current;
  }

  collide(): void {
    this.collisions?.record(this.commands(), this.buffers[this.current]!);
  }

  async moments(): Promise<Float64Array> {
    this.momentsKernel.record(this.commands(), this.buffers[this.current]!);
    this.flush();
    return Float64Array.from(await readFloat32(this.device, this.momentsKernel.output));
  }

  async remainderSums(cells: Float64Array, p: RemainderParameters): Promise<Float64Array> {
    this.remainder.setParameters(cells, p);
    this.remainder.record(this.commands(), this.buffers[this.current]!);
    this.flush();
    return Float64Array.from(await this.remainder.read());
  }

  /** The state as it is now (submits what is recorded). */
  async state(): Promise<Float32Array> {
    this.flush();
    return readFloat32(this.device, this.buffers[this.current]!);
  }

  readState(): Promise<Float32Array> {
    return this.state();
  }

  load(state: Float32Array<ArrayBuffer>): void {
    // after what is recorded so far: the queue orders this write behind the earlier submits
    this.flush();
    this.current = 0;
    this.device.queue.writeBuffer(this.buffers[0]!, 0, state);
  }

  flush(): void {
    if (this.encoder) this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
  }

  destroy(): void {
    this.flush();
    this.transport.destroy();
    this.momentsKernel.destroy();
    this.collisions?.destroy();
    this.remainder.destroy();
    for (const b of this.buffers) b.destroy();
  }

  private commands(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder({ label: 'Simulation.step' });
    return this.encoder;
  }
}

export class CpuBackend implements StepBackend {
  readonly name = 'cpu' as const;
  private state: Float64Array;
  private readonly xWeights: Float64Array;
  private readonly tables;

  constructor(
    private readonly setup: SimulationSetup,
    state: ArrayLike<number>,
  ) {
    const { config, grid } = setup;
    this.state = Float64Array.from(state);
    this.xWeights = advectXWeights(grid, config.grid.nx, config.grid.length, config.time.dt / 2);
    this.tables = setup.collisionsOn
      ? mixtureSpectralTables(
          grid,
          [
            { mass: config.species[0].mass, diameter: config.species[0].diameter },
            { mass: config.species[1].mass, diameter: config.species[1].diameter },
          ],
          config.collisions.gamma,
        )
      : null;
  }

  advectX(): void {
    this.state = advectX(this.state, this.setup.grid, this.setup.config.grid.nx, this.xWeights);
  }

  advectV(field: Float64Array): void {
    const { grid, config, chargeToMass } = this.setup;
    this.state = advectV(
      this.state,
      grid,
      config.grid.nx,
      advectVWeights(grid, field, chargeToMass, config.time.dt / 2),
    );
  }

  collide(): void {
    if (!this.tables) return;
    const { grid, config } = this.setup;
    const { nx } = config.grid;
    const points = grid.pointsPerCell;
    for (let i = 0; i < nx; i++) {
      const a = this.state.subarray(i * points, (i + 1) * points);
      const b = this.state.subarray((nx + i) * points, (nx + i + 1) * points);
      const next = collisionStep(a, b, this.tables, config.time.dt, config.collisions.knudsen);
      a.set(next.fA);
      b.set(next.fB);
    }
  }

  async moments(): Promise<Float64Array> {
    return velocityMoments(this.state, this.setup.grid, 2 * this.setup.config.grid.nx, 1);
  }

  async remainderSums(cells: Float64Array, p: RemainderParameters): Promise<Float64Array> {
    return remainderStateSums(this.state, this.setup.grid, this.setup.config.grid.nx, cells, p);
  }

  /** A copy of the state, [species][cell][N³]. */
  snapshot(): Float64Array {
    return Float64Array.from(this.state);
  }

  async readState(): Promise<Float64Array> {
    return this.snapshot();
  }

  load(state: Float32Array<ArrayBuffer>): void {
    this.state = Float64Array.from(state);
  }

  destroy(): void {}
}

export interface RunResult {
  readonly steps: number;
  readonly backend: 'webgpu' | 'cpu';
}

export interface RunOptions {
  /**
   * Stops the run between two steps once aborted (the result then counts the steps taken). With a
   * signal the loop also yields to the event loop after every step, so that the message that
   * aborts it (a worker's cancel) can be delivered at all.
   */
  readonly signal?: AbortSignal;
}

/**
 * Runs `config` to tEnd, calling onRow at t = 0 and every outputEvery steps (and at the end).
 * `device` null selects the float64 CPU backend. A thin loop over SimulationSession, the one
 * stepping code path of the CLI, the worker's interactive session and its ε-sweep.
 */
export async function runSimulation(
  config: ResolvedConfig,
  device: GPUDevice | null,
  onRow: (row: TimeseriesRow, step: number, totalSteps: number) => void,
  options: RunOptions = {},
): Promise<RunResult> {
  const session = await SimulationSession.create(config, device, { recordRows: false });
  const { signal } = options;
  try {
    onRow(session.latestRow, 0, session.totalSteps);
    if (!signal) {
      await session.advance(session.totalSteps, onRow);
    } else {
      while (!session.done && !signal.aborted) {
        await session.advance(1, onRow);
        await yieldToEventLoop();
      }
    }
    return { steps: session.step, backend: session.backendName };
  } finally {
    session.destroy();
  }
}

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
 * stable and consistent as ε → 0). Neither V nor C changes the density, so one Poisson solve per
 * step, on the state after the first X(Δt/2), serves both V half-steps. On the GPU that solve is
 * recorded like any other pass (moments kernel → fieldSolve.wgsl → weights), so a step submits
 * without waiting for a read-back (issue 7); the CPU backend solves in float64 (poissonSolveFft and
 * advectVWeights, the reference). Runs identically in Node and in a worker.
 */
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import { CollisionStep } from '../gpu/CollisionStep';
import { FieldSolve } from '../gpu/FieldSolve';
import { checkGridFitsDevice } from '../gpu/memoryPlan';
import { Transport } from '../gpu/Transport';
import { VelocityMoments } from '../gpu/VelocityMoments';
import { accuracyQuadrature } from '../physics/collision/accuracy';
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
import type { Checkpoint } from './checkpoint';
import { perturbedMaxwellian } from './initialData';
import type { RemainderSums } from './remainderMonitor';
import { type GuardEvent, SimulationSession, yieldToEventLoop } from './session';

/** The device could not allocate what a run needs (an 'out-of-memory' error scope caught it). */
export class GpuOutOfMemoryError extends Error {
  override name = 'GpuOutOfMemoryError';
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
  collide(): void;
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
    backend.solveField(); // from the state after X(Δt/2), the Strang midpoint's density
    backend.advectV();
    if (setup.collisionsOn) backend.collide();
    backend.advectV();
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
    private setup: SimulationSetup,
    private readonly transport: Transport,
    private readonly momentsKernel: VelocityMoments,
    private readonly collisions: CollisionStep | null,
    private readonly remainder: RemainderNorms,
    private readonly fieldSolver: FieldSolve | null,
    state: Float32Array,
  ) {
    this.buffers = [
      createStorageBuffer(device, 'Simulation.state0', state),
      createStorageBuffer(device, 'Simulation.state1', state),
    ];
  }

  /**
   * Checks the grid against the device's buffer limits before anything is allocated (memoryPlan.ts:
   * an InvalidParameterError naming the largest grid.nx that fits), then builds the kernels and the
   * state buffers inside an 'out-of-memory' error scope, so that a device that cannot hold the run
   * says so in words (GpuOutOfMemoryError) instead of failing later on an invalid buffer.
   */
  static async create(device: GPUDevice, setup: SimulationSetup, state: Float32Array): Promise<GpuBackend> {
    const { config, grid } = setup;
    const { nx, length } = config.grid;
    GpuBackend.checkFits(device, setup);
    device.pushErrorScope('out-of-memory');
    let backend: GpuBackend | null = null;
    let failure: unknown = null;
    try {
      const building = Transport.create(device, grid, nx, length);
      const [transport, moments, remainder, collisions, fieldSolver] = await Promise.all([
        building,
        VelocityMoments.create(device, grid, 2 * nx),
        RemainderNorms.create(device, grid, nx),
        setup.collisionsOn
          ? CollisionStep.create(device, grid, nx, {
              species: [
                { mass: config.species[0].mass, diameter: config.species[0].diameter },
                { mass: config.species[1].mass, diameter: config.species[1].diameter },
              ],
              gamma: config.collisions.gamma,
              quadrature: accuracyQuadrature(config.collisions.accuracy ?? 'standard', grid.nv),
            })
          : null,
        setup.fieldOn
          ? building.then((t) => FieldSolve.create(device, grid, nx, length, t.vWeights)) // writes V's weights
          : null,
      ]);
      backend = new GpuBackend(device, setup, transport, moments, collisions, remainder, fieldSolver, state);
      backend.writeTimeStep();
    } catch (e) {
      failure = e;
    }
    const outOfMemory = await device.popErrorScope().catch(() => null);
    if (outOfMemory || failure) backend?.destroy();
    if (outOfMemory) {
      throw new GpuOutOfMemoryError(
        `the GPU ran out of memory building the run (grid.nx = ${nx}, grid.nv = ${grid.nv}${setup.collisionsOn ? ', collisions on' : ''}): ` +
          `${outOfMemory.message || 'out of memory'}; lower grid.nx or grid.nv`,
      );
    }
    if (failure) throw failure;
    return backend!;
  }

  /**
   * Throws InvalidParameterError (grid.nx with the largest n_x that fits, or grid.nv) when the run's
   * buffers exceed `device`'s limits; callers may check before building even the initial state.
   */
  static checkFits(device: GPUDevice, setup: SimulationSetup): void {
    const size = { nx: setup.config.grid.nx, nv: setup.grid.nv, collisions: setup.collisionsOn };
    checkGridFitsDevice(size, device.limits, 'this device');
  }

  retime(setup: SimulationSetup): void {
    this.flush(); // what is recorded so far ran at the old Δt
    this.setup = setup;
    this.writeTimeStep();
  }

  /** The Δt-dependent uniforms: x-shift weights (Δt/2), the v-shift per unit field, the collision step's Δt/ε. */
  private writeTimeStep(): void {
    const { config, chargeToMass } = this.setup;
    this.transport.setAdvectXStep(config.time.dt / 2);
    const [A, B] = config.species;
    this.fieldSolver?.setParameters([A.charge, B.charge], chargeToMass, config.time.dt / 2);
    this.momentsKernel.setParameters({ mass: 1 });
    this.collisions?.setTimeStep(config.time.dt, config.collisions.knudsen);
  }

  advectX(): void {
    this.transport.recordX(this.commands(), this.buffers[this.current]!, this.buffers[1 - this.current]!);
    this.current = 1 - this.current;
  }

  solveField(): void {
    if (!this.fieldSolver) throw new Error('solveField: this run has no field (setup.fieldOn is false)');
    const encoder = this.commands();
    this.momentsKernel.record(encoder, this.buffers[this.current]!);
    this.fieldSolver.record(encoder, this.momentsKernel.output); // into transport.vWeights
  }

  advectV(): void {
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

  load(state: Float32Array | Float64Array): void {
    // after what is recorded so far: the queue orders this write behind the earlier submits
    this.flush();
    this.current = 0;
    const values = state instanceof Float32Array ? state : Float32Array.from(state);
    this.device.queue.writeBuffer(this.buffers[0]!, 0, values as Float32Array<ArrayBuffer>);
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
    this.fieldSolver?.destroy();
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
  private xWeights: Float64Array;
  /** v-advection weights of the last solveField(), null when the state or Δt changed since. */
  private vWeights: Float64Array | null = null;
  private readonly tables;

  constructor(
    private setup: SimulationSetup,
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
          accuracyQuadrature(config.collisions.accuracy ?? 'standard', grid.nv),
        )
      : null;
  }

  advectX(): void {
    this.state = advectX(this.state, this.setup.grid, this.setup.config.grid.nx, this.xWeights);
  }

  solveField(): void {
    const { grid, config, chargeToMass } = this.setup;
    const moments = velocityMoments(this.state, grid, 2 * config.grid.nx, 1);
    this.vWeights = advectVWeights(
      grid,
      fieldFromMoments(this.setup, moments),
      chargeToMass,
      config.time.dt / 2,
    );
  }

  advectV(): void {
    if (!this.vWeights) throw new Error('advectV: no field; call solveField() first');
    this.state = advectV(this.state, this.setup.grid, this.setup.config.grid.nx, this.vWeights);
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

  load(state: Float32Array | Float64Array): void {
    this.state = Float64Array.from(state);
    this.vWeights = null;
  }

  retime(setup: SimulationSetup): void {
    this.setup = setup;
    const { grid, config } = setup;
    this.xWeights = advectXWeights(grid, config.grid.nx, config.grid.length, config.time.dt / 2);
    this.vWeights = null;
  }

  destroy(): void {}
}

export interface RunResult {
  /** Steps taken, at the final dt (2^halvings times the config's count when the guard halved dt). */
  readonly steps: number;
  readonly backend: 'webgpu' | 'cpu';
  /** Only when the step guard halved the time step: how many times, and the dt at the end. */
  readonly halvings?: number;
  readonly dt?: number;
}

export interface RunOptions {
  /**
   * Stops the run between two steps once aborted (the result then counts the steps taken). With a
   * signal the loop also yields to the event loop after every step, so that the message that
   * aborts it (a worker's cancel) can be delivered at all.
   */
  readonly signal?: AbortSignal;
  /**
   * Continue from this checkpoint (its config is the run's; `config` is ignored). onRow is called
   * for the rows after the checkpoint only: the earlier ones are in the checkpoint.
   */
  readonly resume?: Checkpoint;
  /**
   * Take a checkpoint at the first output step at or after every `checkpointEvery` steps of the
   * config's dt (outputs only: there the step guard's last good state is the checkpointed one, so a
   * resumed run rolls back exactly as the uninterrupted run would). Needs onCheckpoint.
   */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** The step guard's rollbacks (dt halved), as they happen. */
  readonly onGuardEvent?: (event: GuardEvent) => void;
  /** Check every output and roll back on failure (default true; session.ts). */
  readonly guard?: boolean;
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
  const { signal, resume, checkpointEvery, onCheckpoint } = options;
  const checkpointing = checkpointEvery !== undefined && onCheckpoint !== undefined;
  if (checkpointing && !(Number.isInteger(checkpointEvery) && checkpointEvery >= 1)) {
    throw new RangeError(`checkpointEvery must be an integer ≥ 1, got ${checkpointEvery}`);
  }
  const sessionOptions = {
    // a checkpoint carries every row so far (a resumed run writes the whole timeseries)
    recordRows: checkpointing || resume !== undefined,
    ...(options.guard === undefined ? {} : { guard: options.guard }),
    ...(options.onGuardEvent ? { onGuardEvent: options.onGuardEvent } : {}),
  };
  const session = resume
    ? await SimulationSession.restore(resume, device, sessionOptions)
    : await SimulationSession.create(config, device, sessionOptions);
  try {
    if (!resume) onRow(session.latestRow, 0, session.totalSteps);
    if (!signal && !checkpointing) {
      await session.advance(session.totalSteps, onRow);
    } else {
      // checkpoint times in units of the config's dt, so a halving of dt does not change them
      const baseDt = session.baseConfig.time.dt;
      let lastCheckpoint = session.time;
      while (!session.done && !signal?.aborted) {
        await session.advance(1, onRow);
        const atOutput = session.lastOutputStep === session.step;
        if (
          checkpointing &&
          atOutput &&
          !session.done &&
          session.time - lastCheckpoint >= checkpointEvery * baseDt * (1 - 1e-9)
        ) {
          await onCheckpoint(await session.checkpoint());
          lastCheckpoint = session.time;
        }
        if (signal) await yieldToEventLoop();
      }
    }
    const { halvings } = session;
    return {
      steps: session.step,
      backend: session.backendName,
      ...(halvings > 0 ? { halvings, dt: session.config.time.dt } : {}),
    };
  } finally {
    session.destroy();
  }
}

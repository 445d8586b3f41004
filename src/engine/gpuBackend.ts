/**
 * The GPU backend of the step (step.ts): the state F in two storage buffers that the passes
 * ping-pong between, and one kernel object per operation (Transport, FieldSolve, CollisionStep,
 * VelocityMoments, RemainderNorms). Passes are recorded into one command encoder, submitted when a
 * result is read back or the state or Δt is replaced; the Poisson solve is recorded like any other
 * pass (moments kernel → fieldSolve.wgsl → the v-shift weights), so a step needs no read-back.
 *
 * The collision kernels are built after the others and not awaited by create(): the t = 0 state,
 * its moments, remainder norms and field need none of them, and they are most of the compile time
 * (on SwiftShader ~7 s of a run's start-up: issue 16, data within 10 s of load). collide() waits for
 * them; a failure to build them (compile error, out of memory) is thrown there.
 */

import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import { CollisionStep } from '../gpu/CollisionStep';
import { FieldSolve } from '../gpu/FieldSolve';
import { checkGridFitsDevice } from '../gpu/memoryPlan';
import { RemainderNorms } from '../gpu/RemainderNorms';
import { Transport } from '../gpu/Transport';
import { GPU_KRYLOV_MAX_ITERATIONS, TrapezoidalCollisionStep } from '../gpu/TrapezoidalCollisionStep';
import { VelocityMoments } from '../gpu/VelocityMoments';
import { accuracyQuadrature } from '../physics/collision/accuracy';
import { collisionStepKnudsen } from '../physics/config';
import type { RemainderParameters } from '../physics/remainderNorms';
import { InvalidParameterError } from '../physics/velocityGrid';
import type { SimulationSetup, StepBackend } from './step';

/** The device could not allocate what a run needs (an 'out-of-memory' error scope caught it). */
export class GpuOutOfMemoryError extends Error {
  override name = 'GpuOutOfMemoryError';
}

export class GpuBackend implements StepBackend {
  readonly name = 'webgpu' as const;
  private readonly buffers: [GPUBuffer, GPUBuffer];
  private current = 0;
  private encoder: GPUCommandEncoder | null = null;
  /** The collision step once built (module comment); null without collisions or before. */
  private collisions: CollisionStep | TrapezoidalCollisionStep | null = null;
  /** Resolves when `collisions` is set; rejects with the build's failure. */
  private collisionsBuilding: Promise<void> | null = null;
  private destroyed = false;

  private constructor(
    private readonly device: GPUDevice,
    private setup: SimulationSetup,
    private readonly transport: Transport,
    private readonly momentsKernel: VelocityMoments,
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
      const [transport, moments, remainder, fieldSolver] = await Promise.all([
        building,
        VelocityMoments.create(device, grid, 2 * nx),
        RemainderNorms.create(device, grid, nx),
        setup.fieldOn
          ? building.then((t) => FieldSolve.create(device, grid, nx, length, t.vWeights, t.vShifts)) // writes V's weights and shifts
          : null,
      ]);
      backend = new GpuBackend(device, setup, transport, moments, remainder, fieldSolver, state);
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
    const built = backend!;
    if (setup.collisionsOn) {
      built.collisionsBuilding = GpuBackend.buildCollisions(device, setup).then((collisions) => {
        if (built.destroyed) {
          collisions.destroy();
          return;
        }
        built.collisions = collisions;
        built.writeTimeStep();
      });
      built.collisionsBuilding.catch(() => undefined); // reported by collide(), not as unhandled
    }
    return built;
  }

  /** createCollisions inside its own 'out-of-memory' error scope (create()'s comment). */
  private static async buildCollisions(
    device: GPUDevice,
    setup: SimulationSetup,
  ): Promise<CollisionStep | TrapezoidalCollisionStep> {
    device.pushErrorScope('out-of-memory');
    let collisions: CollisionStep | TrapezoidalCollisionStep | null = null;
    let failure: unknown = null;
    try {
      collisions = await GpuBackend.createCollisions(device, setup);
    } catch (e) {
      failure = e;
    }
    const outOfMemory = await device.popErrorScope().catch(() => null);
    if (outOfMemory) {
      collisions?.destroy();
      throw new GpuOutOfMemoryError(
        `the GPU ran out of memory building the collision step (grid.nx = ${setup.config.grid.nx}, ` +
          `grid.nv = ${setup.grid.nv}): ${outOfMemory.message || 'out of memory'}; lower grid.nx or grid.nv`,
      );
    }
    if (failure) throw failure;
    return collisions!;
  }

  /** The collision step of config.collisions.scheme (exponential: CollisionStep; trapezoidal: its GMRES step). */
  private static createCollisions(
    device: GPUDevice,
    { config, grid }: SimulationSetup,
  ): Promise<CollisionStep | TrapezoidalCollisionStep> {
    const setup = {
      species: [
        { mass: config.species[0].mass, diameter: config.species[0].diameter },
        { mass: config.species[1].mass, diameter: config.species[1].diameter },
      ] as const,
      gamma: config.collisions.gamma,
      quadrature: accuracyQuadrature(config.collisions.accuracy ?? 'standard', grid.nv),
    };
    return (config.collisions.scheme ?? 'exponential') === 'trapezoidal'
      ? TrapezoidalCollisionStep.create(device, grid, config.grid.nx, setup)
      : CollisionStep.create(device, grid, config.grid.nx, setup);
  }

  /**
   * Throws InvalidParameterError (grid.nx with the largest n_x that fits, or grid.nv) when the run's
   * buffers exceed `device`'s limits; callers may check before building even the initial state.
   */
  static checkFits(device: GPUDevice, setup: SimulationSetup): void {
    if ((setup.config.collisions.projection ?? 'uniform') !== 'uniform') {
      // the weighted projection has a float64 twin only (collision/collisionStep.ts CollisionProjection)
      throw new InvalidParameterError(
        'collisions.projection',
        '"uniform" on the GPU backend ("maxwellian" runs on the CPU backend only for now)',
        setup.config.collisions.projection,
      );
    }
    const trapezoidal = (setup.config.collisions.scheme ?? 'exponential') === 'trapezoidal';
    const size = {
      nx: setup.config.grid.nx,
      nv: setup.grid.nv,
      collisions: setup.collisionsOn,
      krylovVectors: trapezoidal ? GPU_KRYLOV_MAX_ITERATIONS + 1 : 0,
    };
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
    this.collisions?.setTimeStep(config.time.dt, collisionStepKnudsen(config));
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

  async collide(): Promise<void> {
    if (this.collisionsBuilding && !this.collisions) await this.collisionsBuilding;
    if (this.collisions instanceof TrapezoidalCollisionStep) {
      // its GMRES reads back per iteration: what is recorded so far runs first
      this.flush();
      await this.collisions.step(this.buffers[this.current]!);
    } else {
      this.collisions?.record(this.commands(), this.buffers[this.current]!);
    }
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
    this.destroyed = true;
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

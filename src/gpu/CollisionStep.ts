/**
 * The collision time step on the GPU, homogeneous in x (PHYSICS.md §4 "Stiffness"): the
 * exponential AP scheme of src/physics/collision/collisionStep.ts (its float64 twin, where the
 * derivation, order, stability, ε → 0 limit and the well-balanced form are stated), first order
 * unless created with order 2, for every x-cell at once:
 *   1. Q(F) and ν (CollisionOperator), projected to exact conservation and kept in `qState`,
 *   2. M − F, M the discrete bi-Maxwellian of F's moments (Newton), and the penalty μ = max ν per
 *      cell (mixtureMaxwellian.wgsl), M − F projected, M = F + (M − F) (equilibriumState.wgsl),
 *   3. Q(M) by the same operator, projected (the spectral method's equilibrium residual; order 2
 *      keeps it in `qEquilibrium`),
 *   4. order 1: F ← F + (Δt/ε)e^{−λ}(Q(F) − Q(M)) + (1 − e^{−λ}(1+λ))(M − F); order 2: that
 *      first-order step as the predictor F₁ (written over M, no longer needed), Q(F₁) projected,
 *      and the corrector (collisionUpdate.wgsl),
 *   5. the conservative positivity limiter (PositivityLimiter, positivity.ts): the negative tail
 *      values the spectral Q leaves are cut, each species' n, momentum and energy given back.
 * record() only records; the state buffer ([species][cell][N³] f32) is updated in place.
 */

import type { CollisionStepOrder } from '../physics/collision/collisionStep';
import type { VelocityGrid } from '../physics/velocityGrid';
import collisionUpdateSource from '../shaders/collisionUpdate.wgsl?raw';
import conservedSumsSource from '../shaders/conservedSums.wgsl?raw';
import equilibriumStateSource from '../shaders/equilibriumState.wgsl?raw';
import linearIndexSource from '../shaders/linearIndex.wgsl?raw';
import mixtureMaxwellianSource from '../shaders/mixtureMaxwellian.wgsl?raw';
import smallLinearSolveSource from '../shaders/smallLinearSolve.wgsl?raw';
import velocityGridSource from '../shaders/velocityGrid.wgsl?raw';
import { BindGroupCache } from './bindings';
import { createEmptyStorageBuffer, createUniformBuffer, F32_BYTES } from './buffers';
import { CollisionOperator, type CollisionSetup } from './CollisionOperator';
import { ConservationProjection, ProjectionParams, SIZES } from './ConservationProjection';
import { dispatchLinear } from './dispatch';
import { PositivityLimiter } from './PositivityLimiter';
import { buildComputePipeline } from './pipelines';
import { defineStruct } from './struct';

export const UpdateParams = defineStruct('UpdateParams', {
  cellCount: 'u32',
  dtOverKnudsen: 'f32',
});

const WORKGROUP_SIZE = 256;

/** The element-wise kernels of collisionUpdate.wgsl a step of each order runs, by entry point. */
const UPDATE_ENTRY_POINTS = { 1: ['firstOrder'], 2: ['predictor', 'secondOrder'] } as const;
type UpdateEntryPoint = (typeof UPDATE_ENTRY_POINTS)[CollisionStepOrder][number];
const EQUILIBRIUM_WORKGROUP_SIZE = 64;

export class CollisionStep {
  /** Projected M − F, [species][cell][N³]. */
  private readonly deviation: GPUBuffer;
  /** M itself (then, for order 2, the predictor F₁), [species][cell][N³]. */
  private readonly equilibrium: GPUBuffer;
  /** The projected Q(F) (order 2: Q(F) − Q(M) after the predictor) and Q(M), [species][cell][N³]. */
  private readonly qState: GPUBuffer;
  /** Order 2 only: Q(M), kept while the operator evaluates Q(F₁). */
  private readonly qEquilibrium: GPUBuffer | null;
  /** μ per cell. */
  readonly penalty: GPUBuffer;
  private readonly equilibriumParams: GPUBuffer;
  private readonly updateParams: GPUBuffer;
  private readonly bindings: BindGroupCache;
  private masses: [number, number];

  private constructor(
    private readonly device: GPUDevice,
    readonly grid: VelocityGrid,
    readonly cellCount: number,
    readonly operator: CollisionOperator,
    readonly projection: ConservationProjection,
    private readonly limiter: PositivityLimiter,
    private readonly equilibriumPipeline: GPUComputePipeline,
    private readonly updatePipelines: Readonly<Partial<Record<UpdateEntryPoint, GPUComputePipeline>>>,
    private readonly equilibriumStatePipeline: GPUComputePipeline,
    setup: CollisionSetup,
    readonly order: CollisionStepOrder,
  ) {
    const values = 2 * cellCount * grid.pointsPerCell;
    this.deviation = createEmptyStorageBuffer(device, 'CollisionStep.deviation', values * F32_BYTES);
    this.equilibrium = createEmptyStorageBuffer(device, 'CollisionStep.equilibrium', values * F32_BYTES);
    this.qState = createEmptyStorageBuffer(device, 'CollisionStep.qState', values * F32_BYTES);
    this.qEquilibrium =
      order === 2 ? createEmptyStorageBuffer(device, 'CollisionStep.qEquilibrium', values * F32_BYTES) : null;
    this.penalty = createEmptyStorageBuffer(device, 'CollisionStep.penalty', cellCount * F32_BYTES);
    this.equilibriumParams = createUniformBuffer(device, 'CollisionStep.equilibriumParams', ProjectionParams);
    this.updateParams = createUniformBuffer(device, 'CollisionStep.updateParams', UpdateParams);
    this.bindings = new BindGroupCache(device);
    this.masses = [setup.species[0].mass, setup.species[1].mass];
    this.writeMasses();
    this.setTimeStep(0, 1);
  }

  static async create(
    device: GPUDevice,
    grid: VelocityGrid,
    cellCount: number,
    setup: CollisionSetup,
    order: CollisionStepOrder = 1,
  ): Promise<CollisionStep> {
    // one value per invocation over [species][cell][N³]
    const elementwisePipeline = (label: string, code: string, entryPoint?: string) =>
      buildComputePipeline(device, {
        label: `CollisionStep.${label}`,
        prelude: UpdateParams.wgsl + linearIndexSource,
        code,
        ...(entryPoint ? { entryPoint } : {}),
        constants: { WORKGROUP_SIZE, POINTS: grid.pointsPerCell },
      });
    const entryPoints = UPDATE_ENTRY_POINTS[order];
    const [operator, projection, limiter, equilibrium, equilibriumState, ...updates] = await Promise.all([
      CollisionOperator.create(device, grid, cellCount, setup),
      ConservationProjection.create(device, grid, cellCount),
      PositivityLimiter.create(device, grid, cellCount),
      buildComputePipeline(device, {
        label: 'CollisionStep.mixtureMaxwellian',
        prelude: `${ProjectionParams.wgsl}${velocityGridSource}${SIZES}${conservedSumsSource}${smallLinearSolveSource}`,
        code: mixtureMaxwellianSource,
        // 42 Newton partial sums per invocation: a smaller workgroup keeps them in workgroup memory
        constants: { NV: grid.nv, WORKGROUP_SIZE: EQUILIBRIUM_WORKGROUP_SIZE },
      }),
      elementwisePipeline('equilibriumState', equilibriumStateSource),
      ...entryPoints.map((e) => elementwisePipeline(e, collisionUpdateSource, e)),
    ]);
    return new CollisionStep(
      device,
      grid,
      cellCount,
      operator,
      projection,
      limiter,
      equilibrium,
      Object.fromEntries(entryPoints.map((e, i) => [e, updates[i]!])),
      equilibriumState,
      setup,
      order,
    );
  }

  /** New masses, diameters or γ: no pipeline is rebuilt. */
  setParameters(setup: CollisionSetup): void {
    this.operator.setParameters(setup);
    this.masses = [setup.species[0].mass, setup.species[1].mass];
    this.writeMasses();
  }

  setTimeStep(dt: number, knudsen: number): void {
    if (!(dt >= 0) || !Number.isFinite(dt))
      throw new RangeError(`time.dt = ${dt}: allowed a finite number ≥ 0`);
    if (!(knudsen > 0) || !Number.isFinite(knudsen)) {
      throw new RangeError(`collisions.knudsen = ${knudsen}: allowed a finite number > 0`);
    }
    this.device.queue.writeBuffer(
      this.updateParams,
      0,
      UpdateParams.pack({ cellCount: this.cellCount, dtOverKnudsen: dt / knudsen }),
    );
  }

  /**
   * M[F], the discrete bi-Maxwellian with exactly the conserved moments of `state` (Newton, then
   * M − F projected), into the returned buffer; also the penalty μ per cell from operator.frequency
   * as it stands (record() evaluates it on `state` first; the trapezoidal step does not use μ).
   */
  recordEquilibrium(encoder: GPUCommandEncoder, state: GPUBuffer): GPUBuffer {
    const pass = encoder.beginComputePass({ label: 'CollisionStep.mixtureMaxwellian' });
    pass.setPipeline(this.equilibriumPipeline);
    pass.setBindGroup(
      0,
      this.bindings.get(this.equilibriumPipeline, {
        params: this.equilibriumParams,
        field: state,
        frequency: this.operator.frequency,
        deviation: this.deviation,
        penalty: this.penalty,
      }),
    );
    pass.dispatchWorkgroups(this.cellCount);
    pass.end();
    this.projection.record(encoder, this.deviation);
    this.elementwise(encoder, this.equilibriumStatePipeline, {
      params: this.updateParams,
      state,
      deviation: this.deviation,
      equilibrium: this.equilibrium,
    });
    return this.equilibrium;
  }

  record(encoder: GPUCommandEncoder, state: GPUBuffer): void {
    const values = 2 * this.cellCount * this.grid.pointsPerCell;
    this.operator.record(encoder, state);
    this.projection.record(encoder, this.operator.q);
    encoder.copyBufferToBuffer(this.operator.q, 0, this.qState, 0, values * F32_BYTES);
    this.recordEquilibrium(encoder, state);
    // the well-balanced form: Q(M) of the spectral method is not exactly 0; subtracting it makes M
    // an exact fixed point of the step (collisionStep.ts)
    this.operator.record(encoder, this.equilibrium);
    this.projection.record(encoder, this.operator.q);
    // order 2 needs Q(M) after the operator has evaluated Q(F₁) into operator.q: a copy
    if (this.qEquilibrium) {
      encoder.copyBufferToBuffer(this.operator.q, 0, this.qEquilibrium, 0, values * F32_BYTES);
    }
    const common = {
      params: this.updateParams,
      state,
      qState: this.qState,
      qEquilibrium: this.qEquilibrium ?? this.operator.q,
      deviation: this.deviation,
      penalty: this.penalty,
    };
    const { firstOrder, predictor, secondOrder } = this.updatePipelines;
    if (firstOrder) {
      this.elementwise(encoder, firstOrder, common);
    } else if (predictor && secondOrder) {
      this.elementwise(encoder, predictor, { ...common, stage: this.equilibrium });
      this.operator.record(encoder, this.equilibrium);
      this.projection.record(encoder, this.operator.q);
      this.elementwise(encoder, secondOrder, { ...common, qStage: this.operator.q });
    }
    this.limiter.record(encoder, state);
  }

  destroy(): void {
    this.operator.destroy();
    this.projection.destroy();
    this.limiter.destroy();
    for (const b of [
      this.deviation,
      this.equilibrium,
      this.qState,
      this.penalty,
      this.equilibriumParams,
      this.updateParams,
    ])
      b.destroy();
    this.qEquilibrium?.destroy();
  }

  /** One pass of an element-wise kernel over both species and all cells. */
  private elementwise(
    encoder: GPUCommandEncoder,
    pipeline: GPUComputePipeline,
    resources: Readonly<Record<string, GPUBuffer>>,
  ): void {
    const pass = encoder.beginComputePass({ label: pipeline.label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindings.get(pipeline, resources));
    dispatchLinear(pass, 2 * this.cellCount * this.grid.pointsPerCell, WORKGROUP_SIZE);
    pass.end();
  }

  private writeMasses(): void {
    const [massA, massB] = this.masses;
    this.projection.setMasses(massA, massB);
    const { vmax, dv } = this.grid;
    this.device.queue.writeBuffer(
      this.equilibriumParams,
      0,
      ProjectionParams.pack({ cellCount: this.cellCount, vmax, dv, massA, massB }),
    );
  }
}

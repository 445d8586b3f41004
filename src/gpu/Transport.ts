/**
 * Host side of the two free flows of the Strang splitting (src/shaders/advectX.wgsl, advectV.wgsl;
 * float64 twin src/physics/transport.ts, whose weights are uploaded so both compute the same sums).
 * x-advection weights depend only on τ (set once per time step size); v-advection weights depend on
 * E(x), 2·n_x·N_v floats: in the simulation FieldSolve (fieldSolve.wgsl) writes them on the GPU every
 * step, with no read-back; setField() uploads weights computed on the host (the float64 twin's).
 * Each v-shift is followed by vShiftMomentCorrection.wgsl, which makes it exact in mass, v1-momentum
 * and energy (the shifts per species and cell, in v-cells, come with the weights).
 */
import { advectVShifts, advectVWeights, advectXWeights } from '../physics/transport';
import type { VelocityGrid } from '../physics/velocityGrid';
import advectVSource from '../shaders/advectV.wgsl?raw';
import advectXSource from '../shaders/advectX.wgsl?raw';
import linearIndexSource from '../shaders/linearIndex.wgsl?raw';
import smallLinearSolveSource from '../shaders/smallLinearSolve.wgsl?raw';
import velocityGridSource from '../shaders/velocityGrid.wgsl?raw';
import vShiftMomentCorrectionSource from '../shaders/vShiftMomentCorrection.wgsl?raw';
import { BindGroupCache } from './bindings';
import { createEmptyStorageBuffer, F32_BYTES } from './buffers';
import { dispatchLinear } from './dispatch';
import { buildComputePipeline } from './pipelines';

const WORKGROUP_SIZE = 256;

export class Transport {
  private readonly xWeights: GPUBuffer;
  /** v-advection weights [species][cell][d], read by advectV.wgsl (FieldSolve writes them). */
  readonly vWeights: GPUBuffer;
  /** v-advection shifts (e_α/m_α) E τ / Δv [species][cell], read by the moment correction. */
  readonly vShifts: GPUBuffer;
  private readonly bindings: BindGroupCache;

  private constructor(
    private readonly device: GPUDevice,
    readonly grid: VelocityGrid,
    readonly nx: number,
    readonly length: number,
    private readonly xPipeline: GPUComputePipeline,
    private readonly vPipeline: GPUComputePipeline,
    private readonly correctionPipeline: GPUComputePipeline,
  ) {
    this.xWeights = createEmptyStorageBuffer(device, 'Transport.xWeights', grid.nv * nx * F32_BYTES);
    this.vWeights = createEmptyStorageBuffer(device, 'Transport.vWeights', 2 * nx * grid.nv * F32_BYTES);
    this.vShifts = createEmptyStorageBuffer(device, 'Transport.vShifts', 2 * nx * F32_BYTES);
    this.bindings = new BindGroupCache(device);
  }

  static async create(device: GPUDevice, grid: VelocityGrid, nx: number, length: number): Promise<Transport> {
    const constants = { NV: grid.nv, NX: nx, WORKGROUP_SIZE };
    const [x, v, correction] = await Promise.all([
      buildComputePipeline(device, {
        label: 'Transport.advectX',
        prelude: linearIndexSource,
        code: advectXSource,
        constants,
      }),
      buildComputePipeline(device, {
        label: 'Transport.advectV',
        prelude: linearIndexSource,
        code: advectVSource,
        constants,
      }),
      buildComputePipeline(device, {
        label: 'Transport.vShiftMomentCorrection',
        prelude: `${velocityGridSource}${smallLinearSolveSource}`,
        code: vShiftMomentCorrectionSource,
        constants: { ...constants, VMAX: grid.vmax, DV: grid.dv },
      }),
    ]);
    return new Transport(device, grid, nx, length, x, v, correction);
  }

  /** The x-advection sub-step τ (e.g. Δt/2 of Strang). */
  setAdvectXStep(tau: number): void {
    this.device.queue.writeBuffer(
      this.xWeights,
      0,
      Float32Array.from(advectXWeights(this.grid, this.nx, this.length, tau)),
    );
  }

  /** The field E(x) and the v-advection sub-step τ; e/m per species (0 for a neutral one). */
  setField(field: ArrayLike<number>, chargeToMass: readonly [number, number], tau: number): void {
    this.device.queue.writeBuffer(
      this.vWeights,
      0,
      Float32Array.from(advectVWeights(this.grid, field, chargeToMass, tau)),
    );
    const shifts = advectVShifts(field, chargeToMass, tau).map((a) => a / this.grid.dv);
    this.device.queue.writeBuffer(this.vShifts, 0, Float32Array.from(shifts));
  }

  recordX(encoder: GPUCommandEncoder, source: GPUBuffer, destination: GPUBuffer): void {
    this.record(encoder, 'x', source, destination);
  }

  /** The v-shift from `source` into `destination`, then its moment correction (in place). */
  recordV(encoder: GPUCommandEncoder, source: GPUBuffer, destination: GPUBuffer): void {
    this.record(encoder, 'v', source, destination);
    const pass = encoder.beginComputePass({ label: 'Transport.vShiftMomentCorrection' });
    pass.setPipeline(this.correctionPipeline);
    pass.setBindGroup(
      0,
      this.bindings.get(this.correctionPipeline, { shifts: this.vShifts, source, destination }),
    );
    pass.dispatchWorkgroups(2 * this.nx);
    pass.end();
  }

  destroy(): void {
    this.xWeights.destroy();
    this.vWeights.destroy();
    this.vShifts.destroy();
  }

  private record(
    encoder: GPUCommandEncoder,
    axis: 'x' | 'v',
    source: GPUBuffer,
    destination: GPUBuffer,
  ): void {
    const pipeline = axis === 'x' ? this.xPipeline : this.vPipeline;
    const weights = axis === 'x' ? this.xWeights : this.vWeights;
    const pass = encoder.beginComputePass({ label: `Transport.advect${axis.toUpperCase()}` });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindings.get(pipeline, { weights, source, destination }));
    dispatchLinear(pass, 2 * this.nx * this.grid.pointsPerCell, WORKGROUP_SIZE);
    pass.end();
  }
}

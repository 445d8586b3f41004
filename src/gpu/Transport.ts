/**
 * Host side of the two free flows of the Strang splitting (src/shaders/advectX.wgsl, advectV.wgsl;
 * float64 twin src/physics/transport.ts, whose weights are uploaded so both compute the same sums).
 * x-advection weights depend only on τ (set once per time step size); v-advection weights depend on
 * E(x), 2·n_x·N_v floats: in the simulation FieldSolve (fieldSolve.wgsl) writes them on the GPU every
 * step, with no read-back; setField() uploads weights computed on the host (the float64 twin's).
 */
import { advectVWeights, advectXWeights } from '../physics/transport';
import type { VelocityGrid } from '../physics/velocityGrid';
import advectVSource from '../shaders/advectV.wgsl?raw';
import advectXSource from '../shaders/advectX.wgsl?raw';
import linearIndexSource from '../shaders/linearIndex.wgsl?raw';
import { BindGroupCache } from './bindings';
import { createEmptyStorageBuffer, F32_BYTES } from './buffers';
import { dispatchLinear } from './dispatch';
import { buildComputePipeline } from './pipelines';

const WORKGROUP_SIZE = 256;

export class Transport {
  private readonly xWeights: GPUBuffer;
  /** v-advection weights [species][cell][d], read by advectV.wgsl (FieldSolve writes them). */
  readonly vWeights: GPUBuffer;
  private readonly bindings: BindGroupCache;

  private constructor(
    private readonly device: GPUDevice,
    readonly grid: VelocityGrid,
    readonly nx: number,
    readonly length: number,
    private readonly xPipeline: GPUComputePipeline,
    private readonly vPipeline: GPUComputePipeline,
  ) {
    this.xWeights = createEmptyStorageBuffer(device, 'Transport.xWeights', grid.nv * nx * F32_BYTES);
    this.vWeights = createEmptyStorageBuffer(device, 'Transport.vWeights', 2 * nx * grid.nv * F32_BYTES);
    this.bindings = new BindGroupCache(device);
  }

  static async create(device: GPUDevice, grid: VelocityGrid, nx: number, length: number): Promise<Transport> {
    const constants = { NV: grid.nv, NX: nx, WORKGROUP_SIZE };
    const [x, v] = await Promise.all([
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
    ]);
    return new Transport(device, grid, nx, length, x, v);
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
  }

  recordX(encoder: GPUCommandEncoder, source: GPUBuffer, destination: GPUBuffer): void {
    this.record(encoder, 'x', source, destination);
  }

  recordV(encoder: GPUCommandEncoder, source: GPUBuffer, destination: GPUBuffer): void {
    this.record(encoder, 'v', source, destination);
  }

  destroy(): void {
    this.xWeights.destroy();
    this.vWeights.destroy();
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

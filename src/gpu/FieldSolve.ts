/**
 * Host side of src/shaders/fieldSolve.wgsl: the per-step Poisson solve and v-advection weights on
 * the GPU (PHYSICS.md §1, §4), recorded between the moments kernel and the V pass so that a step
 * needs no read-back. The float64 tables (Green's function of poissonSolveFft, shift
 * twiddles of shiftWeights) are uploaded once; setParameters() writes the charges and the shift per
 * unit field (e_α/m_α)τ/Δv, which change with Δt (step guard) without a rebuild.
 */
import { MOMENT_COUNT } from '../physics/moments';
import { poissonFieldKernel } from '../physics/poisson';
import { shiftTwiddles } from '../physics/transport';
import type { VelocityGrid } from '../physics/velocityGrid';
import source from '../shaders/fieldSolve.wgsl?raw';
import { BindGroupCache } from './bindings';
import { createEmptyStorageBuffer, createStorageBuffer, createUniformBuffer, F32_BYTES } from './buffers';
import { buildComputePipeline } from './pipelines';
import { defineStruct } from './struct';

export const FieldParams = defineStruct('FieldParams', {
  chargeA: 'f32',
  chargeB: 'f32',
  shiftA: 'f32',
  shiftB: 'f32',
});

const WORKGROUP_SIZE = 64;

export class FieldSolve {
  /** E(x_i) of the last recorded solve, n_x f32 (for tests and diagnostics). */
  readonly field: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly kernel: GPUBuffer;
  private readonly twiddles: GPUBuffer;
  private readonly bindings: BindGroupCache;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    readonly grid: VelocityGrid,
    readonly nx: number,
    length: number,
    /** Where the weights go, [species][cell][d] (Transport.vWeights). */
    private readonly weights: GPUBuffer,
    /** Where the shifts in v-cells go, [species][cell] (Transport.vShifts). */
    private readonly shifts: GPUBuffer,
  ) {
    this.field = createEmptyStorageBuffer(device, 'FieldSolve.field', nx * F32_BYTES);
    this.params = createUniformBuffer(device, 'FieldSolve.params', FieldParams);
    this.kernel = createStorageBuffer(
      device,
      'FieldSolve.greenKernel',
      Float32Array.from(poissonFieldKernel(nx, length)),
    );
    this.twiddles = createStorageBuffer(
      device,
      'FieldSolve.twiddles',
      Float32Array.from(shiftTwiddles(grid.nv)),
    );
    this.bindings = new BindGroupCache(device);
  }

  /**
   * `weights` must hold 2·n_x·N_v f32; the moments recorded later must be raw moments of the two
   * species, [species][cell][MOMENT_COUNT] (VelocityMoments over 2·n_x cells).
   */
  static async create(
    device: GPUDevice,
    grid: VelocityGrid,
    nx: number,
    length: number,
    weights: GPUBuffer,
    shifts: GPUBuffer,
  ): Promise<FieldSolve> {
    const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
    if (!Number.isInteger(nx) || nx < 1 || nx > maxGroups) {
      throw new RangeError(`FieldSolve: nx must be an integer in [1, ${maxGroups}], got ${nx}`);
    }
    if (weights.size < 2 * nx * grid.nv * F32_BYTES) {
      throw new RangeError(
        `FieldSolve: the weights buffer holds ${weights.size} bytes, needs ${2 * nx * grid.nv * F32_BYTES}`,
      );
    }
    const pipeline = await buildComputePipeline(device, {
      label: 'FieldSolve',
      prelude: FieldParams.wgsl,
      code: source,
      constants: { NX: nx, NV: grid.nv, WORKGROUP_SIZE },
    });
    if (shifts.size < 2 * nx * F32_BYTES) {
      throw new RangeError(
        `FieldSolve: the shifts buffer holds ${shifts.size} bytes, needs ${2 * nx * F32_BYTES}`,
      );
    }
    return new FieldSolve(device, pipeline, grid, nx, length, weights, shifts);
  }

  /** Charges e_α, charge-to-mass ratios e_α/m_α and the v-advection sub-step τ. */
  setParameters(
    charges: readonly [number, number],
    chargeToMass: readonly [number, number],
    tau: number,
  ): void {
    const dv = this.grid.dv;
    const packed = FieldParams.pack({
      chargeA: charges[0],
      chargeB: charges[1],
      shiftA: (chargeToMass[0] * tau) / dv,
      shiftB: (chargeToMass[1] * tau) / dv,
    });
    this.device.queue.writeBuffer(this.params, 0, packed);
  }

  /** Records E and the weights from `moments` (2·n_x·MOMENT_COUNT f32) as they are when it runs. */
  record(encoder: GPUCommandEncoder, moments: GPUBuffer): void {
    if (moments.size < 2 * this.nx * MOMENT_COUNT * F32_BYTES) {
      throw new RangeError(`FieldSolve: the moments buffer ${moments.label} is too small`);
    }
    const pass = encoder.beginComputePass({ label: 'FieldSolve' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(
      0,
      this.bindings.get(this.pipeline, {
        params: this.params,
        moments,
        greenKernel: this.kernel,
        twiddles: this.twiddles,
        weights: this.weights,
        field: this.field,
        shifts: this.shifts,
      }),
    );
    pass.dispatchWorkgroups(this.nx);
    pass.end();
  }

  destroy(): void {
    this.field.destroy();
    this.params.destroy();
    this.kernel.destroy();
    this.twiddles.destroy();
  }
}

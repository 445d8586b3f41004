/**
 * Host side of src/shaders/remainderNorms.wgsl: the per-cell sums of the remainder norms of the
 * state against the fluid's discrete bi-Maxwellian (parameters from fluidCellParameters() of the
 * float64 twin src/physics/remainderNorms.ts). The time-dependent weight (κ̃(t)) is a uniform.
 */
import { FLUID_CELL_FLOATS, type RemainderParameters } from '../physics/remainderNorms';
import type { VelocityGrid } from '../physics/velocityGrid';
import gradientSource from '../shaders/remainderGradient.wgsl?raw';
import source from '../shaders/remainderNorms.wgsl?raw';
import velocityGridSource from '../shaders/velocityGrid.wgsl?raw';
import { BindGroupCache } from './bindings';
import { createEmptyStorageBuffer, createUniformBuffer, F32_BYTES, readFloat32 } from './buffers';
import { buildComputePipeline } from './pipelines';
import { defineStruct } from './struct';

export const RemainderParams = defineStruct('RemainderParams', {
  cellCount: 'u32',
  vmax: 'f32',
  dv: 'f32',
  massA: 'f32',
  massB: 'f32',
  chargeA: 'f32',
  chargeB: 'f32',
  knudsen: 'f32',
  thetaM: 'f32',
  gamma: 'f32',
  bracketPower: 'f32',
  expCoefficient: 'f32',
  expPower: 'f32',
  radiusA2: 'f32',
  radiusB2: 'f32',
  cellWidth: 'f32',
});

const WORKGROUP_SIZE = 256;

export class RemainderNorms {
  /** [cell][3]: Σ F_R²/μ, max weighted |F_R|/√μ_M, Σ e F_R; then [cell]: max |∇_{x,v}(w F_R/√μ_M)|. */
  readonly sums: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly cells: GPUBuffer;
  private readonly bindings: BindGroupCache;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly gradientPipeline: GPUComputePipeline,
    readonly grid: VelocityGrid,
    readonly cellCount: number,
  ) {
    this.sums = createEmptyStorageBuffer(device, 'RemainderNorms.sums', 4 * cellCount * F32_BYTES);
    this.cells = createEmptyStorageBuffer(
      device,
      'RemainderNorms.cells',
      FLUID_CELL_FLOATS * cellCount * F32_BYTES,
    );
    this.params = createUniformBuffer(device, 'RemainderNorms.params', RemainderParams);
    this.bindings = new BindGroupCache(device);
  }

  static async create(device: GPUDevice, grid: VelocityGrid, cellCount: number): Promise<RemainderNorms> {
    const build = (label: string, code: string) =>
      buildComputePipeline(device, {
        label,
        prelude: RemainderParams.wgsl + velocityGridSource,
        code,
        constants: { NV: grid.nv, WORKGROUP_SIZE },
      });
    const [pipeline, gradient] = await Promise.all([
      build('RemainderNorms', source),
      build('RemainderNorms.gradient', gradientSource),
    ]);
    return new RemainderNorms(device, pipeline, gradient, grid, cellCount);
  }

  /** The fluid cells (fluidCellParameters) and the norm parameters of this output time. */
  setParameters(cells: Float64Array, p: RemainderParameters): void {
    this.device.queue.writeBuffer(this.cells, 0, Float32Array.from(cells));
    this.device.queue.writeBuffer(
      this.params,
      0,
      RemainderParams.pack({
        cellCount: this.cellCount,
        vmax: this.grid.vmax,
        dv: this.grid.dv,
        massA: p.masses[0],
        massB: p.masses[1],
        chargeA: p.charges[0],
        chargeB: p.charges[1],
        knudsen: p.knudsen,
        thetaM: p.thetaM,
        gamma: p.gamma,
        bracketPower: p.weight.bracketPower,
        expCoefficient: p.weight.expCoefficient,
        expPower: p.weight.expPower,
        radiusA2: p.trustedRadius[0] ** 2,
        radiusB2: p.trustedRadius[1] ** 2,
        cellWidth: p.cellWidth,
      }),
    );
  }

  record(encoder: GPUCommandEncoder, state: GPUBuffer): void {
    const resources = { params: this.params, state, cells: this.cells, sums: this.sums };
    const pass = encoder.beginComputePass({ label: 'RemainderNorms' });
    for (const pipeline of [this.pipeline, this.gradientPipeline]) {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.bindings.get(pipeline, resources));
      pass.dispatchWorkgroups(this.cellCount);
    }
    pass.end();
  }

  read(): Promise<Float32Array> {
    return readFloat32(this.device, this.sums);
  }

  destroy(): void {
    for (const b of [this.sums, this.params, this.cells]) b.destroy();
  }
}

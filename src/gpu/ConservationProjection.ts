/**
 * Host side of src/shaders/conservationProjection.wgsl: makes the collision operator conserve
 * n_A, n_B, total momentum and total energy exactly (to f32 round-off) in every x-cell.
 * (CCᵀ)⁻¹ is computed in float64 by the twin module and uploaded once per change of masses/grid.
 */
import { CONSTRAINT_COUNT, conservationGramInverse } from '../physics/collision/conservation';
import type { VelocityGrid } from '../physics/velocityGrid';
import source from '../shaders/conservationProjection.wgsl?raw';
import conservedSumsSource from '../shaders/conservedSums.wgsl?raw';
import velocityGridSource from '../shaders/velocityGrid.wgsl?raw';
import { BindGroupCache } from './bindings';
import { createEmptyStorageBuffer, createUniformBuffer, F32_BYTES } from './buffers';
import { buildComputePipeline } from './pipelines';
import { defineStruct } from './struct';

export const ProjectionParams = defineStruct('ProjectionParams', {
  cellCount: 'u32',
  vmax: 'f32',
  dv: 'f32',
  massA: 'f32',
  massB: 'f32',
});

const WORKGROUP_SIZE = 256;
/** Override declarations the conservedSums snippet needs before it (values set per pipeline). */
export const SIZES = 'override NV: u32 = 16u;\noverride WORKGROUP_SIZE: u32 = 256u; // a power of two\n';

export class ConservationProjection {
  private readonly params: GPUBuffer;
  private readonly inverseGram: GPUBuffer;
  private readonly bindings: BindGroupCache;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    readonly grid: VelocityGrid,
    readonly cellCount: number,
  ) {
    this.params = createUniformBuffer(device, 'ConservationProjection.params', ProjectionParams);
    this.inverseGram = createEmptyStorageBuffer(
      device,
      'ConservationProjection.inverseGram',
      CONSTRAINT_COUNT * CONSTRAINT_COUNT * F32_BYTES,
    );
    this.bindings = new BindGroupCache(device);
  }

  static async create(
    device: GPUDevice,
    grid: VelocityGrid,
    cellCount: number,
  ): Promise<ConservationProjection> {
    const pipeline = await buildComputePipeline(device, {
      label: 'ConservationProjection',
      prelude: `${ProjectionParams.wgsl}${velocityGridSource}${SIZES}${conservedSumsSource}`,
      code: source,
      constants: { NV: grid.nv, WORKGROUP_SIZE },
    });
    return new ConservationProjection(device, pipeline, grid, cellCount);
  }

  /** Masses change the constraint matrix: recompute (CCᵀ)⁻¹ in float64 and upload it. */
  setMasses(massA: number, massB: number): void {
    const { grid, cellCount } = this;
    this.device.queue.writeBuffer(
      this.params,
      0,
      ProjectionParams.pack({ cellCount, vmax: grid.vmax, dv: grid.dv, massA, massB }),
    );
    this.device.queue.writeBuffer(
      this.inverseGram,
      0,
      Float32Array.from(conservationGramInverse(grid, massA, massB)),
    );
  }

  /** Projects q ([A | B][cell][N_v³] f32) in place. */
  record(encoder: GPUCommandEncoder, q: GPUBuffer): void {
    const pass = encoder.beginComputePass({ label: 'ConservationProjection' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(
      0,
      this.bindings.get(this.pipeline, { params: this.params, inverseGram: this.inverseGram, field: q }),
    );
    pass.dispatchWorkgroups(this.cellCount);
    pass.end();
  }

  destroy(): void {
    this.params.destroy();
    this.inverseGram.destroy();
  }
}

/**
 * Host side of src/shaders/conservationProjection.wgsl: makes the collision operator conserve
 * n_A, n_B, total momentum and total energy exactly (to f32 round-off) in every x-cell.
 * (CCᵀ)⁻¹ is computed in float64 by the twin module and uploaded once per change of masses/grid.
 */
import { conservationGramInverse } from '../physics/collision/conservation';
import type { VelocityGrid } from '../physics/velocityGrid';
import source from '../shaders/conservationProjection.wgsl?raw';
import conservedSumsSource from '../shaders/conservedSums.wgsl?raw';
import velocityGridSource from '../shaders/velocityGrid.wgsl?raw';
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
  private readonly bindGroups = new WeakMap<GPUBuffer, GPUBindGroup>();

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    readonly grid: VelocityGrid,
    readonly cellCount: number,
  ) {
    this.params = device.createBuffer({
      label: 'ConservationProjection.params',
      size: ProjectionParams.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.inverseGram = device.createBuffer({
      label: 'ConservationProjection.inverseGram',
      size: 36 * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
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
    let group = this.bindGroups.get(q);
    if (!group) {
      group = this.device.createBindGroup({
        label: `ConservationProjection(${q.label})`,
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.params } },
          { binding: 1, resource: { buffer: this.inverseGram } },
          { binding: 2, resource: { buffer: q } },
        ],
      });
      this.bindGroups.set(q, group);
    }
    const pass = encoder.beginComputePass({ label: 'ConservationProjection' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(this.cellCount);
    pass.end();
  }

  destroy(): void {
    this.params.destroy();
    this.inverseGram.destroy();
  }
}

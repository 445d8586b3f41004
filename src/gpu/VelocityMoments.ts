/**
 * Host side of src/shaders/velocityMoments.wgsl: density, momentum and energy of one species in
 * every x-cell. Pipeline and buffers are built once; record() only records; setParameters()
 * writes the uniform (mass and box size change without a rebuild).
 */
import { MOMENT_COUNT } from '../physics/moments';
import type { VelocityGrid } from '../physics/velocityGrid';
import velocityGridSource from '../shaders/velocityGrid.wgsl?raw';
import source from '../shaders/velocityMoments.wgsl?raw';
import { BindGroupCache } from './bindings';
import { createEmptyStorageBuffer, createUniformBuffer, F32_BYTES } from './buffers';
import { buildComputePipeline } from './pipelines';
import { defineStruct } from './struct';

export const MomentParams = defineStruct('MomentParams', {
  cellCount: 'u32',
  vmax: 'f32',
  dv: 'f32',
  mass: 'f32',
});

const WORKGROUP_SIZE = 256;

export class VelocityMoments {
  /** cellCount × MOMENT_COUNT f32: [n, p1, p2, p3, W, H] per cell. */
  readonly output: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly bindings: BindGroupCache;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    readonly grid: VelocityGrid,
    readonly cellCount: number,
  ) {
    const bytes = cellCount * MOMENT_COUNT * F32_BYTES;
    this.output = createEmptyStorageBuffer(device, 'VelocityMoments.output', bytes);
    this.params = createUniformBuffer(device, 'VelocityMoments.params', MomentParams);
    this.bindings = new BindGroupCache(device);
    this.setParameters({ mass: 1 });
  }

  static async create(device: GPUDevice, grid: VelocityGrid, cellCount: number): Promise<VelocityMoments> {
    const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
    if (!Number.isInteger(cellCount) || cellCount < 1 || cellCount > maxGroups) {
      throw new RangeError(
        `VelocityMoments: cellCount must be an integer in [1, ${maxGroups}], got ${cellCount}`,
      );
    }
    const pipeline = await buildComputePipeline(device, {
      label: 'VelocityMoments',
      prelude: MomentParams.wgsl + velocityGridSource,
      code: source,
      constants: { NV: grid.nv, WORKGROUP_SIZE },
    });
    return new VelocityMoments(device, pipeline, grid, cellCount);
  }

  setParameters({ mass }: { mass: number }): void {
    const packed = MomentParams.pack({
      cellCount: this.cellCount,
      vmax: this.grid.vmax,
      dv: this.grid.dv,
      mass,
    });
    this.device.queue.writeBuffer(this.params, 0, packed);
  }

  /** Records the reduction of `distribution` (cellCount × N_v³ f32) into `output`. */
  record(encoder: GPUCommandEncoder, distribution: GPUBuffer): void {
    const pass = encoder.beginComputePass({ label: 'VelocityMoments' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(
      0,
      this.bindings.get(this.pipeline, { params: this.params, distribution, moments: this.output }),
    );
    pass.dispatchWorkgroups(this.cellCount);
    pass.end();
  }

  destroy(): void {
    this.output.destroy();
    this.params.destroy();
  }
}

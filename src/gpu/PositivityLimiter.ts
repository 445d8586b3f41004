/**
 * Host side of src/shaders/positivityLimiter.wgsl, the conservative positivity limiter that ends
 * the collision step (twin and reasons: src/physics/collision/positivity.ts). In place on a state
 * buffer [species][cell][N_v³] f32; applied POSITIVITY_PASSES times (a second pass removes what
 * the first one's correction can leave negative where F⁺ is tiny; it writes nothing otherwise).
 */
import { CORRECTION_CAP, POSITIVITY_PASSES } from '../physics/collision/positivity';
import type { VelocityGrid } from '../physics/velocityGrid';
import source from '../shaders/positivityLimiter.wgsl?raw';
import smallLinearSolveSource from '../shaders/smallLinearSolve.wgsl?raw';
import velocityGridSource from '../shaders/velocityGrid.wgsl?raw';
import { BindGroupCache } from './bindings';
import { createUniformBuffer } from './buffers';
import { ProjectionParams, SIZES } from './ConservationProjection';
import { buildComputePipeline } from './pipelines';

const WORKGROUP_SIZE = 64; // 20 partial sums per invocation in workgroup memory

export class PositivityLimiter {
  private readonly bindings: BindGroupCache;

  private constructor(
    device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly params: GPUBuffer,
    readonly cellCount: number,
  ) {
    this.bindings = new BindGroupCache(device);
  }

  static async create(device: GPUDevice, grid: VelocityGrid, cellCount: number): Promise<PositivityLimiter> {
    const pipeline = await buildComputePipeline(device, {
      label: 'PositivityLimiter',
      prelude: `${ProjectionParams.wgsl}${velocityGridSource}${SIZES}${smallLinearSolveSource}`,
      code: source,
      constants: { NV: grid.nv, WORKGROUP_SIZE, CAP: CORRECTION_CAP },
    });
    const params = createUniformBuffer(device, 'PositivityLimiter.params', ProjectionParams);
    // the species' invariants need no masses (positivity.ts)
    const { vmax, dv } = grid;
    device.queue.writeBuffer(params, 0, ProjectionParams.pack({ cellCount, vmax, dv, massA: 1, massB: 1 }));
    return new PositivityLimiter(device, pipeline, params, cellCount);
  }

  destroy(): void {
    this.params.destroy();
  }

  record(encoder: GPUCommandEncoder, state: GPUBuffer): void {
    const group = this.bindings.get(this.pipeline, { params: this.params, state });
    for (let pass = 0; pass < POSITIVITY_PASSES; pass++) {
      const computePass = encoder.beginComputePass({ label: 'PositivityLimiter' });
      computePass.setPipeline(this.pipeline);
      computePass.setBindGroup(0, group);
      computePass.dispatchWorkgroups(this.cellCount, 2);
      computePass.end();
    }
  }
}

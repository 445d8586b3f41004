import { beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import { ConservationProjection } from '../../../src/gpu/ConservationProjection';
import type { GpuContext } from '../../../src/gpu/context';
import { applyConstraints, conservationProjection } from '../../../src/physics/collision/conservation';
import { seededRandom } from '../../../src/physics/random';
import { velocityGrid } from '../../../src/physics/velocityGrid';
import { maxRelativeError } from '../../support/compare';
import { testGpu } from '../../support/gpu';

describe('conservationProjection.wgsl against the float64 projection', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  for (const [nv, cells, massA, massB, seed] of [
    [8, 3, 16, 30, 1],
    [16, 2, 1, 2, 2],
  ] as const) {
    it(`matches it and zeroes the six conserved rates (N_v = ${nv}, m = ${massA}, ${massB})`, async () => {
      const { device } = gpu;
      const grid = velocityGrid(nv, 3 + seed);
      const random = seededRandom(seed);
      const points = grid.pointsPerCell;
      // a collision-like operator: random signs, whose conserved rates are NOT zero to begin with
      const q = Float32Array.from({ length: 2 * cells * points }, () => random() - 0.45);
      const projection = await ConservationProjection.create(device, grid, cells);
      projection.setMasses(massA, massB);
      const buffer = createStorageBuffer(device, 'test.q', q);
      const encoder = device.createCommandEncoder();
      projection.record(encoder, buffer);
      device.queue.submit([encoder.finish()]);
      const out = await readFloat32(device, buffer);
      for (let c = 0; c < cells; c++) {
        const qA = q.subarray(c * points, (c + 1) * points);
        const qB = q.subarray((cells + c) * points, (cells + c + 1) * points);
        const gA = out.subarray(c * points, (c + 1) * points);
        const gB = out.subarray((cells + c) * points, (cells + c + 1) * points);
        const before = applyConstraints(qA, qB, grid, massA, massB);
        const after = applyConstraints(gA, gB, grid, massA, massB);
        const ref = conservationProjection(qA, qB, grid, massA, massB);
        const refScale = Math.max(...ref.qA.map(Math.abs), ...ref.qB.map(Math.abs));
        expect(
          maxRelativeError(
            [...gA, ...gB],
            [...ref.qA, ...ref.qB],
            new Float64Array(2 * points).fill(refScale),
          ),
        ).toBeLessThan(1e-5);
        for (let d = 0; d < 6; d++) {
          // the input really violated conservation, and the output conserves to f32 round-off
          expect(Math.abs(before.cq[d]!) / before.scale[d]!).toBeGreaterThan(1e-4);
          expect(Math.abs(after.cq[d]!) / after.scale[d]!).toBeLessThan(2e-6);
        }
      }
      buffer.destroy();
      projection.destroy();
    });
  }
});

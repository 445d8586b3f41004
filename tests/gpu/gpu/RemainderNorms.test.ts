import { beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/context';
import { RemainderNorms } from '../../../src/gpu/RemainderNorms';
import { seededRandom } from '../../../src/physics/random';
import { logWeightCoefficients } from '../../../src/physics/remainder';
import {
  discreteFluidMaxwellian,
  FLUID_CELL_FLOATS,
  fluidCellParameters,
  remainderCellSums,
  remainderGradientMax,
} from '../../../src/physics/remainderNorms';
import { velocityGrid } from '../../../src/physics/velocityGrid';
import { testGpu } from '../../support/gpu';

describe('remainderNorms.wgsl against its float64 twin', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  for (const gamma of [1, 0, -2]) {
    it(`agrees per cell (γ = ${gamma}: the weight of its regime)`, async () => {
      const { device } = gpu;
      const grid = velocityGrid(16, 6);
      const nx = 3;
      const masses = [1, 2] as const;
      const random = seededRandom(Math.round(gamma) + 5);
      const fluid = {
        densityA: Float64Array.from({ length: nx }, () => 0.9 + 0.2 * random()),
        densityB: Float64Array.from({ length: nx }, () => 0.6 + 0.2 * random()),
        velocity: [0, 1, 2].map(() => Float64Array.from({ length: nx }, () => 0.2 * (random() - 0.5))) as [
          Float64Array,
          Float64Array,
          Float64Array,
        ],
        temperature: Float64Array.from({ length: nx }, () => 0.9 + 0.2 * random()),
      };
      const cells = fluidCellParameters(grid, fluid, masses);
      // the kinetic state: F_0 perturbed by 1 %
      const points = grid.pointsPerCell;
      const state = new Float32Array(2 * nx * points);
      for (let s = 0; s < 2; s++)
        for (let i = 0; i < nx; i++) {
          const cell = cells.subarray(i * FLUID_CELL_FLOATS, (i + 1) * FLUID_CELL_FLOATS);
          const f0 = discreteFluidMaxwellian(grid, cell, s as 0 | 1, masses[s]!);
          state.set(
            f0.map((x) => x * (1 + 0.01 * (random() - 0.5))),
            (s * nx + i) * points,
          );
        }
      const knudsen = 0.05;
      const p = {
        masses,
        charges: [1, -0.5] as const,
        knudsen,
        thetaM: (2 * 2) / (2 * 2 + 1),
        gamma,
        weight: logWeightCoefficients(gamma, 0.5, { kappa0: 0.01, k: 6, l: 7 }),
        trustedRadius: [4.5, 3.2] as const,
        cellWidth: 0.7,
      };
      const kernel = await RemainderNorms.create(device, grid, nx);
      kernel.setParameters(cells, p);
      const input = createStorageBuffer(device, 'test.state', state);
      const encoder = device.createCommandEncoder();
      kernel.record(encoder, input);
      device.queue.submit([encoder.finish()]);
      const sums = await kernel.read();
      for (let i = 0; i < nx; i++) {
        const cell = cells.subarray(i * FLUID_CELL_FLOATS, (i + 1) * FLUID_CELL_FLOATS);
        const f = [
          state.subarray(i * points, (i + 1) * points),
          state.subarray((nx + i) * points, (nx + i + 1) * points),
        ] as const;
        const [l2, linf, charge] = remainderCellSums(grid, f, cell, p);
        expect(Math.abs(sums[3 * i]! - l2) / l2).toBeLessThan(1e-3);
        expect(Math.abs(sums[3 * i + 1]! - linf) / linf).toBeLessThan(1e-3);
        // the charge sum cancels (Σ F_R is small against Σ|F_R|): judged against l2's scale
        expect(Math.abs(sums[3 * i + 2]! - charge)).toBeLessThan(1e-3 * Math.sqrt(l2 * points));
        expect(l2).toBeGreaterThan(0);
      }
      // the gradient term's per-cell maxima (after the 3·n_x sums): f32 differences of a 1 %
      // perturbation over 2Δv lose ~3 digits, hence 1e−2
      const gradient = remainderGradientMax(grid, state, nx, cells, p);
      for (let i = 0; i < nx; i++) {
        expect(gradient[i]!).toBeGreaterThan(0);
        expect(Math.abs(sums[3 * nx + i]! - gradient[i]!) / gradient[i]!).toBeLessThan(1e-2);
      }
      input.destroy();
      kernel.destroy();
    });
  }
});

import { beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import { CollisionStep } from '../../../src/gpu/CollisionStep';
import type { GpuContext } from '../../../src/gpu/context';
import { collisionStep, discreteMixtureMaxwellian } from '../../../src/physics/collision/collisionStep';
import type { SpectralQuadrature } from '../../../src/physics/collision/spectral';
import { maxwellianOnGrid, mixtureEquilibrium } from '../../../src/physics/maxwellian';
import { velocityMoments } from '../../../src/physics/moments';
import { seededRandom } from '../../../src/physics/random';
import { type VelocityGrid, velocityGrid } from '../../../src/physics/velocityGrid';
import { maxRelativeError } from '../../support/compare';
import { testGpu } from '../../support/gpu';

const species = [
  { mass: 1, diameter: 1 },
  { mass: 2, diameter: 1 },
] as const;
const quadrature: SpectralQuadrature = { nRho: 4, nTheta: 4, nPhi: 8 };

/** Two-temperature, two-drift initial cells: far from the mixture equilibrium. */
function initialState(grid: VelocityGrid, cells: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const points = grid.pointsPerCell;
  const state = new Float32Array(2 * cells * points);
  for (let c = 0; c < cells; c++) {
    const a = maxwellianOnGrid(grid, {
      density: 0.8 + 0.4 * random(),
      mass: species[0].mass,
      temperature: 1.1 + 0.4 * random(),
      drift: [0.3 * random(), 0.1, 0],
    });
    const b = maxwellianOnGrid(grid, {
      density: 0.5 + 0.4 * random(),
      mass: species[1].mass,
      temperature: 0.6 + 0.3 * random(),
      drift: [-0.3 * random(), 0, 0.1],
    });
    state.set(a, c * points);
    state.set(b, (cells + c) * points);
  }
  return state;
}

function cellOf(a: ArrayLike<number>, s: number, c: number, cells: number, points: number): Float64Array {
  return Float64Array.from({ length: points }, (_, i) => a[(s * cells + c) * points + i]!);
}

describe('the GPU collision step (exponential AP scheme) against its float64 twin', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  for (const [knudsen, order] of [
    [1, 2],
    [1e-4, 2],
    [1, 1],
  ] as const) {
    it(`takes the same step (ε = ${knudsen}, Δt = 0.01, order ${order})`, async () => {
      const { device } = gpu;
      const grid = velocityGrid(8, 5);
      const cells = 2;
      const points = grid.pointsPerCell;
      const state = initialState(grid, cells, 7);
      const step = await CollisionStep.create(device, grid, cells, { species, gamma: 0, quadrature }, order);
      step.setTimeStep(0.01, knudsen);
      const buffer = createStorageBuffer(device, 'test.state', state);
      const encoder = device.createCommandEncoder();
      step.record(encoder, buffer);
      device.queue.submit([encoder.finish()]);
      const out = await readFloat32(device, buffer);
      for (let c = 0; c < cells; c++) {
        const fA = cellOf(state, 0, c, cells, points);
        const fB = cellOf(state, 1, c, cells, points);
        const ref = collisionStep(fA, fB, step.operator.tables, 0.01, knudsen, { order });
        const scale = new Float64Array(points).fill(Math.max(...fA, ...fB));
        expect(maxRelativeError(cellOf(out, 0, c, cells, points), ref.fA, scale)).toBeLessThan(1e-5);
        expect(maxRelativeError(cellOf(out, 1, c, cells, points), ref.fB, scale)).toBeLessThan(1e-5);
        // the step really moved the state (a kernel that does nothing must not pass), and the two
        // orders differ by more than the tolerance (one could not pass for the other)
        expect(maxRelativeError(fA, ref.fA, scale)).toBeGreaterThan(1e-4);
        const other = collisionStep(fA, fB, step.operator.tables, 0.01, knudsen, {
          order: order === 1 ? 2 : 1,
        });
        if (knudsen === 1) expect(maxRelativeError(other.fA, ref.fA, scale)).toBeGreaterThan(2e-5);
      }
      buffer.destroy();
      step.destroy();
    });
  }

  it('is asymptotic-preserving: at ε = 1e−4 and Δt = 100ε one step lands on the mixture bi-Maxwellian', async () => {
    const { device } = gpu;
    const grid = velocityGrid(16, 6);
    const cells = 1;
    const points = grid.pointsPerCell;
    const state = initialState(grid, cells, 3);
    const step = await CollisionStep.create(device, grid, cells, { species, gamma: 0, quadrature });
    step.setTimeStep(1e-2, 1e-4);
    const buffer = createStorageBuffer(device, 'test.state', state);
    const encoder = device.createCommandEncoder();
    step.record(encoder, buffer);
    device.queue.submit([encoder.finish()]);
    const out = await readFloat32(device, buffer);
    const fA = cellOf(state, 0, 0, cells, points);
    const fB = cellOf(state, 1, 0, cells, points);
    // the bi-Maxwellian whose n_α, u, θ are those conserved by the initial state (PHYSICS.md §1)
    const eq = mixtureEquilibrium(velocityMoments(fA, grid, 1, 1), velocityMoments(fB, grid, 1, 2), 1, 2);
    const muA = maxwellianOnGrid(grid, {
      density: eq.densityA,
      mass: 1,
      temperature: eq.temperature,
      drift: eq.drift,
    });
    const muB = maxwellianOnGrid(grid, {
      density: eq.densityB,
      mass: 2,
      temperature: eq.temperature,
      drift: eq.drift,
    });
    const scale = new Float64Array(points).fill(Math.max(...muA, ...muB));
    const initialDistance = maxRelativeError(fA, muA, scale);
    expect(initialDistance).toBeGreaterThan(0.05); // ill-prepared on purpose
    expect(maxRelativeError(cellOf(out, 0, 0, cells, points), muA, scale)).toBeLessThan(1e-5);
    expect(maxRelativeError(cellOf(out, 1, 0, cells, points), muB, scale)).toBeLessThan(1e-5);
    // and it is the discrete-conservative Maxwellian of the twin
    const discrete = discreteMixtureMaxwellian(fA, fB, grid, 1, 2);
    expect(maxRelativeError(cellOf(out, 0, 0, cells, points), discrete.mA, scale)).toBeLessThan(1e-6);
    buffer.destroy();
    step.destroy();
  });
});

/**
 * The WGSL collision operator against checks that share none of its formulas (PHYSICS.md §5 case 1,
 * issue: "Q(μ, μ) ≈ 0 … non-zero and correct (vs the Monte Carlo check) for non-equilibrium inputs").
 * Q^{AB} is isolated from Q_A = Q^{AA} + Q^{AB} by giving species A a vanishing diameter:
 * d_AA = d_A ≈ 0 switches Q^{AA} off while d_AB = (d_A + d_B)/2 stays finite.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import { CollisionOperator } from '../../../src/gpu/CollisionOperator';
import type { GpuContext } from '../../../src/gpu/context';
import { maxwellMoleculeRates } from '../../../src/physics/collision/maxwellMolecules';
import { collisionMonteCarlo } from '../../../src/physics/collision/monteCarlo';
import { type MaxwellianState, maxwellianOnGrid } from '../../../src/physics/maxwellian';
import { velocityMoments } from '../../../src/physics/moments';
import { velocityGrid, velocityIndex, velocityNode } from '../../../src/physics/velocityGrid';
import { testGpu } from '../../support/gpu';

const tiny = 1e-6;
const dB = 2 - tiny; // d_AB = 1

async function gpuQA(
  gpu: GpuContext,
  nv: number,
  vmax: number,
  gamma: number,
  A: MaxwellianState,
  B: MaxwellianState,
) {
  const { device } = gpu;
  const grid = velocityGrid(nv, vmax);
  const species = [
    { mass: A.mass, diameter: tiny },
    { mass: B.mass, diameter: dB },
  ] as const;
  const operator = await CollisionOperator.create(device, grid, 1, {
    species,
    gamma,
    quadrature: { nRho: nv / 2, nTheta: 4, nPhi: 8 },
  });
  const state = new Float32Array(2 * grid.pointsPerCell);
  state.set(maxwellianOnGrid(grid, A), 0);
  state.set(maxwellianOnGrid(grid, B), grid.pointsPerCell);
  const input = createStorageBuffer(device, 'analytic.state', state);
  const encoder = device.createCommandEncoder();
  operator.record(encoder, input);
  device.queue.submit([encoder.finish()]);
  const q = (await readFloat32(device, operator.q)).subarray(0, grid.pointsPerCell);
  const truncation = operator.tables.AB.truncation;
  input.destroy();
  operator.destroy();
  return { grid, q, truncation };
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

describe('the WGSL collision operator against analytic and Monte Carlo results', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('Q^{AB}(μ^A, μ^B) ≈ 0 at a common drift and temperature with m_B = 2 m_A, not otherwise', async () => {
    const drift = [0.1, -0.1, 0] as const;
    const A = { density: 1, mass: 1, temperature: 1, drift };
    const B = { density: 0.6, mass: 2, temperature: 1, drift };
    const equilibrium = await gpuQA(gpu, 16, 6, 0.5, A, B);
    const off = await gpuQA(gpu, 16, 6, 0.5, A, { ...B, temperature: 0.6, drift: [-0.3, 0, 0] });
    // the loss term alone sets the scale: Q⁻ = f (g ∗ Φ) is the same at equilibrium
    const scale = maxAbs(off.q);
    expect(maxAbs(equilibrium.q) / scale).toBeLessThan(5e-3); // float64 twin: 9e−4 (N_v = 16, L = 6)
    expect(scale).toBeGreaterThan(1e-2);
  });

  it('moves momentum and energy at the exact Maxwell-molecule rates (γ = 0)', async () => {
    const A = { density: 1, mass: 1, temperature: 1, drift: [0.3, 0, 0] as const };
    const B = { density: 0.7, mass: 2, temperature: 1.5, drift: [-0.2, 0.1, 0] as const };
    const { grid, q } = await gpuQA(gpu, 16, 8, 0, A, B);
    const m = velocityMoments(q, grid, 1, A.mass);
    const exact = maxwellMoleculeRates(A, B, 1);
    const scale = Math.hypot(...exact.momentum);
    // float64 twin at N_v = 16: 6e−3; a factor-of-two error in Q would be 1
    for (let k = 0; k < 3; k++) expect(Math.abs(m[k + 1]! - exact.momentum[k]!) / scale).toBeLessThan(1.5e-2);
    expect(Math.abs(m[4]! - exact.energy) / Math.abs(exact.energy)).toBeLessThan(1.5e-2);
  });

  it('agrees pointwise with a Monte Carlo evaluation of the definition (γ = 0.5, non-equilibrium)', async () => {
    const A = { density: 1, mass: 1, temperature: 1.2, drift: [0.3, 0, 0] as const };
    const B = { density: 0.8, mass: 2, temperature: 1.4, drift: [-0.3, 0.2, 0] as const };
    const { grid, q, truncation } = await gpuQA(gpu, 16, 6, 0.5, A, B);
    const scale = maxAbs(q);
    const density = (s: MaxwellianState) => {
      const norm = s.density * (s.mass / (2 * Math.PI * s.temperature)) ** 1.5;
      return (v1: number, v2: number, v3: number) =>
        norm *
        Math.exp(
          (-s.mass * ((v1 - s.drift[0]) ** 2 + (v2 - s.drift[1]) ** 2 + (v3 - s.drift[2]) ** 2)) /
            (2 * s.temperature),
        );
    };
    for (const [i1, i2, i3] of [
      [8, 8, 8],
      [6, 9, 8],
      [10, 6, 9],
    ] as const) {
      const v = [velocityNode(grid, i1), velocityNode(grid, i2), velocityNode(grid, i3)] as const;
      const mc = collisionMonteCarlo(
        density(A),
        density(B),
        v,
        { massAlpha: A.mass, massBeta: B.mass, diameter: (tiny + dB) / 2, gamma: 0.5 },
        { samples: 300_000, seed: 99 + i1, importanceMean: [0, 0, 0], importanceStd: 1.2, truncation },
      );
      const value = q[velocityIndex(grid, i1, i2, i3)]!;
      expect(mc.standardError).toBeLessThan(1e-2 * scale);
      // Monte Carlo error plus the N_v = 16 spectral error (~1e−3 of the scale)
      expect(Math.abs(value - mc.q), `v = ${v}: GPU ${value}, MC ${mc.q} ± ${mc.standardError}`).toBeLessThan(
        4 * mc.standardError + 3e-3 * scale,
      );
    }
  });
});

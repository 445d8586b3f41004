/**
 * The gradient term ε^5 ‖∇_{x,v}(w_γ F_R/√μ_M)‖_{L∞} of the theorem's energy (PHYSICS.md §3) on a
 * state built so that g = w_γ F_R/√μ_M is known: g_i(v) = α v1 + β v3 + c_i in cell i. Central
 * differences are exact on it, so the norm is √(((c_{i+1} − c_{i−1})/2Δx)² + α² + β²) maximised
 * over cells; w_γ/√μ_M is written out here by hand for γ = 1 (w = ⟨v⟩^7, μ_M of the paper's form).
 */
import { describe, expect, it } from 'vitest';
import { logWeightCoefficients } from '../../../src/physics/remainder';
import {
  discreteFluidMaxwellian,
  FLUID_CELL_FLOATS,
  fluidCellParameters,
  remainderNormsFromSums,
  remainderStateSums,
} from '../../../src/physics/remainderNorms';
import { velocityGrid, velocityNodes } from '../../../src/physics/velocityGrid';

describe('the gradient term of E(t)', () => {
  it('equals √(g_x² + α² + β²) on a state whose g is linear in v (ε^5 included)', () => {
    const grid = velocityGrid(16, 6);
    const nx = 4;
    const length = 2;
    const masses = [1, 2] as const;
    const thetaM = 0.8;
    const knudsen = 0.1;
    const [alpha, beta] = [0.3, -0.2];
    const c = [0, 1, 3, 2];
    const fluid = {
      densityA: new Float64Array(nx).fill(1),
      densityB: new Float64Array(nx).fill(0.5),
      velocity: [new Float64Array(nx), new Float64Array(nx), new Float64Array(nx)] as const,
      temperature: new Float64Array(nx).fill(1),
    };
    const cells = fluidCellParameters(grid, fluid, masses);
    const v = velocityNodes(grid);
    const { nv } = grid;
    const points = grid.pointsPerCell;
    const state = new Float64Array(2 * nx * points);
    for (let s = 0; s < 2; s++)
      for (let i = 0; i < nx; i++) {
        const f0 = discreteFluidMaxwellian(
          grid,
          cells.subarray(i * FLUID_CELL_FLOATS),
          s as 0 | 1,
          masses[s]!,
        );
        for (let i1 = 0; i1 < nv; i1++)
          for (let i2 = 0; i2 < nv; i2++)
            for (let i3 = 0; i3 < nv; i3++) {
              const j = (i1 * nv + i2) * nv + i3;
              const speed2 = v[i1]! ** 2 + v[i2]! ** 2 + v[i3]! ** 2;
              // w/√μ_M = ⟨v⟩^7 (2πθ_M)^{3/4} e^{m|v|²/(4θ_M)}
              const factor =
                (1 + Math.sqrt(speed2)) ** 7 *
                (2 * Math.PI * thetaM) ** 0.75 *
                Math.exp((masses[s]! * speed2) / (4 * thetaM));
              const g = alpha * v[i1]! + beta * v[i3]! + c[i]!;
              state[(s * nx + i) * points + j] = f0[j]! + (knudsen * g) / factor;
            }
      }
    const p = {
      masses,
      charges: [1, 1] as const,
      knudsen,
      thetaM,
      gamma: 1,
      weight: logWeightCoefficients(1, 0, { kappa0: 0.01, k: 6, l: 7 }),
      trustedRadius: [3, 2] as const,
      cellWidth: length / nx,
    };
    const norms = remainderNormsFromSums(
      remainderStateSums(state, grid, nx, cells, p),
      grid,
      length,
      knudsen,
    );
    const dx = length / nx;
    let expected = 0;
    for (let i = 0; i < nx; i++) {
      const gx = (c[(i + 1) % nx]! - c[(i + nx - 1) % nx]!) / (2 * dx);
      expected = Math.max(expected, Math.sqrt(gx * gx + alpha ** 2 + beta ** 2));
    }
    expect(norms.gradient / knudsen ** 5).toBeCloseTo(expected, 9);
  });
});

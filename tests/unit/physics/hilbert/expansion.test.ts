/**
 * F_0 + εF_1 on the phase-space grid (src/physics/hilbert/expansion.ts), against its definitions:
 * - F_0's discrete moments are U_0's, and F_1's are U_1's (the microscopic part carries none);
 * - P f_1 ⊥ (I − P) f_1 in ⟨a, b⟩ = Σ a b/F_0 (the paper's L² inner product of f = F/√μ), per cell;
 * - F_1's microscopic part solves 𝓛h_1 = −(I − P)S cell by cell (firstOrder.test.ts checks one cell;
 *   here the assembled layout [species][cell][v] is checked against a direct solve of one cell).
 */
import { describe, expect, it } from 'vitest';
import { mixtureSpectralTables } from '../../../../src/physics/collision/spectral';
import { firstHilbertTerm } from '../../../../src/physics/hilbert/expansion';
import {
  cellState,
  hydrodynamicGradients,
  microscopicFirstOrder,
} from '../../../../src/physics/hilbert/firstOrder';
import { HilbertFluid } from '../../../../src/physics/hilbert/firstOrderFluid';
import { MOMENT_COUNT, velocityMoments } from '../../../../src/physics/moments';
import { velocityGrid } from '../../../../src/physics/velocityGrid';

describe('firstHilbertTerm', () => {
  it('has the fluid moments of U_0 and U_1, and P f_1 ⊥ (I − P) f_1 cell by cell', () => {
    const nx = 6;
    const length = 2 * Math.PI;
    const x = Float64Array.from({ length: nx }, (_, i) => ((i + 0.5) * length) / nx);
    const species = { masses: [1, 1.5] as const, charges: [1, 0.5] as const };
    const initial = {
      length,
      densityA: x.map((s) => 1 + 0.1 * Math.cos(s)),
      densityB: x.map((s) => 0.5 * (1 + 0.1 * Math.cos(s))),
      velocity: [x.map((s) => 0.1 * Math.sin(s)), new Float64Array(nx), new Float64Array(nx)] as const,
      temperature: x.map((s) => 1 + 0.08 * Math.sin(s)),
    };
    const made = {
      viscosity: 0.3,
      thermalConductivity: 0.7,
      diffusion: 0.2,
      thermalDiffusionRatio: 0.05,
      heatOfDiffusion: 0.4,
    };
    const fluid = new HilbertFluid(initial, species, () => made);
    fluid.advance(0.5);
    const zeroth = fluid.zerothOrderState();
    const first = fluid.firstOrderState();
    const grid = velocityGrid(8, 5);
    const tables = mixtureSpectralTables(
      grid,
      [
        { mass: 1, diameter: 1 },
        { mass: 1.5, diameter: 1 },
      ],
      0,
    );
    const term = firstHilbertTerm(zeroth, first, tables, species);
    const n = grid.pointsPerCell;
    for (const s of [0, 1] as const) {
      const m = species.masses[s];
      const m0 = velocityMoments(term.zeroth.subarray(s * nx * n, (s + 1) * nx * n), grid, nx, m);
      const m1 = velocityMoments(term.first.subarray(s * nx * n, (s + 1) * nx * n), grid, nx, m);
      const n0 = s === 0 ? zeroth.densityA : zeroth.densityB;
      const n1 = s === 0 ? first.densityA : first.densityB;
      for (let i = 0; i < nx; i++) {
        expect(Math.abs(m0[i * MOMENT_COUNT]! - n0[i]!)).toBeLessThan(1e-12);
        expect(Math.abs(m1[i * MOMENT_COUNT]! - n1[i]!)).toBeLessThan(1e-7 * Math.max(...n1.map(Math.abs)));
      }
    }
    expect(Math.max(...first.densityA.map(Math.abs))).toBeGreaterThan(1e-4); // U_1 has grown
    // orthogonality per cell, weight 1/F_0
    for (let i = 0; i < nx; i++) {
      let cross = 0;
      let macroNorm = 0;
      let microNorm = 0;
      for (const s of [0, 1]) {
        for (let j = 0; j < n; j++) {
          const k = (s * nx + i) * n + j;
          const micro = term.microscopic[k]!;
          const macro = term.first[k]! - micro;
          cross += (macro * micro) / term.zeroth[k]!;
          macroNorm += (macro * macro) / term.zeroth[k]!;
          microNorm += (micro * micro) / term.zeroth[k]!;
        }
      }
      expect(Math.abs(cross)).toBeLessThan(1e-6 * Math.sqrt(macroNorm * microNorm));
      expect(microNorm).toBeGreaterThan(0);
    }
    // the layout: cell 2 of the assembled microscopic part is that cell's own solve
    const gradients = hydrodynamicGradients(zeroth, zeroth.field, species);
    const direct = microscopicFirstOrder(cellState(zeroth, 2), gradients[2]!, tables, species).solution;
    for (let j = 0; j < n; j += 37) {
      expect(term.microscopic[2 * n + j]).toBeCloseTo(direct[j]!, 12);
      expect(term.microscopic[(nx + 2) * n + j]).toBeCloseTo(direct[n + j]!, 12);
    }
  }, 60_000);
});

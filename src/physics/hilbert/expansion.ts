/**
 * The truncated Hilbert expansion F_0 + εF_1 on the phase-space grid (issue 18; PHYSICS.md §3), in
 * float64, from a HilbertFluid (U_0, U_1 in lock-step) and the run's spectral tables. Layout as the
 * kinetic state: [species][cell][N_v³].
 *
 * - F_0 is the DISCRETE bi-Maxwellian of U_0 (maxwellian.ts discreteMaxwellianParameters): the grid
 *   function with exactly the fluid's n_α, ρu, 𝓔 as midpoint moments, as the kinetic run conserves
 *   discrete moments (the continuous one would differ by the quadrature error of the moments, an
 *   ε-independent offset in F_ε − F_0).
 * - F_1 = √μ P f_1 + √μ (I − P) f_1. The macroscopic part is the derivative of the discrete
 *   Maxwellian along U_1, d/ds M_d[U_0 + sU_1] at s = 0, by a central difference (step δ = 1e−4 of
 *   U_1's size relative to U_0: O(δ²) = 1e−8 relative, Newton's 1e−14 divided by δ is 1e−10), so that
 *   its discrete moments are U_1. The microscopic part is firstOrder.ts's h_1 per cell (one Krylov
 *   solve each).
 */
import type { MixtureTables } from '../collision/spectral';
import type { FluidState } from '../fluid/twoFluidEulerPoisson';
import { discreteFluidMaxwellians, fluidCellParameters } from '../remainderNorms';
import {
  type CellState,
  cellState,
  type HilbertSpecies,
  hydrodynamicGradients,
  type MicroscopicOptions,
  microscopicFirstOrder,
} from './firstOrder';
import type { FirstOrderProfiles } from './firstOrderFluid';

/** The discrete bi-Maxwellian of each cell, [species][cell][N_v³] (remainderNorms.ts's F_0). */
export function discreteMaxwellianField(
  state: Pick<FluidState, 'densityA' | 'densityB' | 'velocity' | 'temperature'>,
  tables: MixtureTables,
  masses: readonly [number, number],
): Float64Array {
  const grid = tables.AA.grid;
  return discreteFluidMaxwellians(grid, fluidCellParameters(grid, state, masses), masses);
}

/** U_0 + s U_1 in primitive variables (θ and u follow from the conserved ones to first order exactly). */
function shifted(zeroth: FluidState, first: FirstOrderProfiles, s: number) {
  const at = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (x, i) => x + s * b[i]!);
  return {
    densityA: at(zeroth.densityA, first.densityA),
    densityB: at(zeroth.densityB, first.densityB),
    velocity: [
      at(zeroth.velocity[0], first.velocity[0]),
      at(zeroth.velocity[1], first.velocity[1]),
      at(zeroth.velocity[2], first.velocity[2]),
    ] as const,
    temperature: at(zeroth.temperature, first.temperature),
  };
}

export interface FirstHilbertTerm {
  /** F_0, [species][cell][N_v³]. */
  readonly zeroth: Float64Array;
  /** F_1 = macroscopic + microscopic, same layout. */
  readonly first: Float64Array;
  /** The microscopic part alone, same layout. */
  readonly microscopic: Float64Array;
  /** The largest relative Krylov residual of the cells' solves. */
  readonly residual: number;
}

/**
 * F_0 and F_1 at the fluid's present state: `zeroth` and its field E_0, `first` (U_1's primitive
 * profiles; zeros for well-prepared data at t = 0).
 */
export function firstHilbertTerm(
  zeroth: FluidState & { readonly field: Float64Array },
  first: FirstOrderProfiles,
  tables: MixtureTables,
  species: HilbertSpecies,
  options: MicroscopicOptions = {},
): FirstHilbertTerm {
  const grid = tables.AA.grid;
  const n = grid.pointsPerCell;
  const nx = zeroth.densityA.length;
  const F0 = discreteMaxwellianField(zeroth, tables, species.masses);
  // the macroscopic part: central difference of M_d along U_1 (module comment)
  let size = 0;
  let base = 0;
  for (const [a, b] of [
    [first.densityA, zeroth.densityA],
    [first.densityB, zeroth.densityB],
    [first.temperature, zeroth.temperature],
  ] as const) {
    for (let i = 0; i < nx; i++) {
      size = Math.max(size, Math.abs(a[i]!));
      base = Math.max(base, Math.abs(b[i]!));
    }
  }
  for (let d = 0; d < 3; d++)
    for (let i = 0; i < nx; i++) size = Math.max(size, Math.abs(first.velocity[d]![i]!));
  const F1 = new Float64Array(2 * nx * n);
  if (size > 0) {
    const delta = (1e-4 * base) / size;
    const plus = discreteMaxwellianField(shifted(zeroth, first, delta), tables, species.masses);
    const minus = discreteMaxwellianField(shifted(zeroth, first, -delta), tables, species.masses);
    for (let j = 0; j < F1.length; j++) F1[j] = (plus[j]! - minus[j]!) / (2 * delta);
  }
  const microscopic = new Float64Array(2 * nx * n);
  const gradients = hydrodynamicGradients(zeroth, zeroth.field, species);
  let residual = 0;
  for (let i = 0; i < nx; i++) {
    const cell: CellState = cellState(zeroth, i);
    const micro = microscopicFirstOrder(cell, gradients[i]!, tables, species, options);
    residual = Math.max(residual, micro.residual);
    microscopic.set(micro.solution.subarray(0, n), i * n);
    microscopic.set(micro.solution.subarray(n), (nx + i) * n);
  }
  for (let j = 0; j < F1.length; j++) F1[j]! += microscopic[j]!;
  return { zeroth: F0, first: F1, microscopic, residual };
}

/**
 * Initial distributions on the phase-space grid (x-cells × N_v³): a local Maxwellian whose density
 * carries a cosine perturbation n(x) = n̄(1 + a cos(2π j x/ℓ)), at fixed temperature ("density") or on
 * the isentropic relation θ = θ̄ (n/n̄)^{2/3} of the paper's Lemma 2.1 ("isentropic", PHYSICS.md §2).
 */
import { maxwellianOnGrid } from './maxwellian';
import type { VelocityGrid } from './velocityGrid';

export interface SpeciesState {
  readonly mass: number;
  readonly density: number;
  readonly temperature: number;
  readonly drift: readonly [number, number, number];
}

export interface Perturbation {
  readonly kind: 'density' | 'isentropic';
  readonly amplitude: number;
  readonly mode: number;
}

/** Cell centres x_i = (i + ½) ℓ/N_x of the periodic interval [0, ℓ). */
export function cellCentres(nx: number, length: number): Float64Array {
  return Float64Array.from({ length: nx }, (_, i) => ((i + 0.5) * length) / nx);
}

export function perturbedMaxwellian(
  grid: VelocityGrid,
  nx: number,
  length: number,
  species: SpeciesState,
  perturbation: Perturbation,
): Float32Array {
  const f = new Float32Array(nx * grid.pointsPerCell);
  cellCentres(nx, length).forEach((x, i) => {
    const ratio = 1 + perturbation.amplitude * Math.cos((2 * Math.PI * perturbation.mode * x) / length);
    const temperature =
      perturbation.kind === 'isentropic' ? species.temperature * ratio ** (2 / 3) : species.temperature;
    const local = { ...species, density: species.density * ratio, temperature };
    f.set(maxwellianOnGrid(grid, local), i * grid.pointsPerCell);
  });
  return f;
}

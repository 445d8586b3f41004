/**
 * Maxwellians on the velocity grid and their exact moments (PHYSICS.md §1):
 * μ(v) = n (m/(2πθ))^{3/2} exp(−m|v − u|²/(2θ)), θ a temperature in energy units.
 */
import { type VelocityGrid, velocityNodes } from './velocityGrid';

export interface MaxwellianState {
  readonly density: number;
  readonly mass: number;
  readonly temperature: number;
  readonly drift: readonly [number, number, number];
}

/** Point values of the Maxwellian at the N_v³ grid nodes, layout of velocityGrid.ts. */
export function maxwellianOnGrid(grid: VelocityGrid, s: MaxwellianState): Float64Array {
  const v = velocityNodes(grid);
  const { nv } = grid;
  const norm = s.density * (s.mass / (2 * Math.PI * s.temperature)) ** 1.5;
  const a = s.mass / (2 * s.temperature);
  // exp(−a|v−u|²) factorises over the three axes.
  const g = s.drift.map((u) => v.map((vj) => Math.exp(-a * (vj - u) ** 2)));
  const [g1, g2, g3] = g as [Float64Array, Float64Array, Float64Array];
  const f = new Float64Array(grid.pointsPerCell);
  for (let i1 = 0; i1 < nv; i1++)
    for (let i2 = 0; i2 < nv; i2++)
      for (let i3 = 0; i3 < nv; i3++) f[(i1 * nv + i2) * nv + i3] = norm * g1[i1]! * g2[i2]! * g3[i3]!;
  return f;
}

/**
 * The exact (continuous) moments of a Maxwellian, in the order of velocityMoments, with the
 * entropy ∫ μ log μ = n [log(n (m/(2πθ))^{3/2}) − 3/2].
 */
export function maxwellianMoments(s: MaxwellianState): Float64Array {
  const [u1, u2, u3] = s.drift;
  const u2sum = u1 * u1 + u2 * u2 + u3 * u3;
  return Float64Array.of(
    s.density,
    s.mass * s.density * u1,
    s.mass * s.density * u2,
    s.mass * s.density * u3,
    s.density * (1.5 * s.temperature + 0.5 * s.mass * u2sum),
    s.density * (Math.log(s.density * (s.mass / (2 * Math.PI * s.temperature)) ** 1.5) - 1.5),
  );
}

/** The state (n_A, n_B, u, θ) of the mixture bi-Maxwellian (PHYSICS.md §1). */
export interface MixtureEquilibrium {
  readonly densityA: number;
  readonly densityB: number;
  readonly drift: [number, number, number];
  readonly temperature: number;
}

/**
 * The common-u, common-θ bi-Maxwellian that has the conserved quantities of the mixture, from
 * each species' moments [n, p1, p2, p3, W] (moments.ts): u = Σp/Σm n, θ = (2ΣW − ρ|u|²)/(3Σn).
 */
export function mixtureEquilibrium(
  momentsA: ArrayLike<number>,
  momentsB: ArrayLike<number>,
  massA: number,
  massB: number,
): MixtureEquilibrium {
  const densityA = momentsA[0]!;
  const densityB = momentsB[0]!;
  const rho = massA * densityA + massB * densityB;
  const drift: [number, number, number] = [1, 2, 3].map((k) => (momentsA[k]! + momentsB[k]!) / rho) as [
    number,
    number,
    number,
  ];
  const u2 = drift[0] ** 2 + drift[1] ** 2 + drift[2] ** 2;
  const temperature = (2 * (momentsA[4]! + momentsB[4]!) - rho * u2) / (3 * (densityA + densityB));
  return { densityA, densityB, drift, temperature };
}

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

/** Solves A x = y (n × n, row-major) by Gaussian elimination with partial pivoting. */
export function solveLinear(a: Float64Array, y: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(y);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(m[r * n + col]!) > Math.abs(m[pivot * n + col]!)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < n; c++) [m[col * n + c], m[pivot * n + c]] = [m[pivot * n + c]!, m[col * n + c]!];
      [x[col], x[pivot]] = [x[pivot]!, x[col]!];
    }
    const d = m[col * n + col]!;
    for (let r = col + 1; r < n; r++) {
      const f = m[r * n + col]! / d;
      if (f === 0) continue;
      for (let c = col; c < n; c++) m[r * n + c]! -= f * m[col * n + c]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let sum = x[r]!;
    for (let c = r + 1; c < n; c++) sum -= m[r * n + c]! * x[c]!;
    x[r] = sum / m[r * n + r]!;
  }
  return x;
}

/**
 * The DISCRETE mixture bi-Maxwellian with the discrete (midpoint, Δv³) moments n_A, n_B, ρu and
 * ρ|u|²/2 + 3/2 ñθ of `state`: F^α = exp(a_α + m_α b·v − m_α c|v|²) on the grid, returned as
 * (a_A, a_B, b1, b2, b3, c). Newton from the continuous Maxwellian's parameters (a = log(n(m/2πθ)^{3/2})
 * − m|u|²/2θ, b = u/θ, c = 1/2θ). The exponential family makes it exact: a grid-sampled Maxwellian is
 * the unique member with its own discrete moments, so an equilibrium stays one to round-off, at any
 * N_v (the continuous Maxwellian with the discrete moments would not: it differs by the
 * discretisation error of the moments).
 */
export function discreteMaxwellianParameters(
  grid: VelocityGrid,
  masses: readonly [number, number],
  state: MixtureEquilibrium,
): Float64Array {
  const v = velocityNodes(grid);
  const { nv } = grid;
  const w = grid.dv ** 3;
  const u = state.drift;
  const theta = state.temperature;
  const n = [state.densityA, state.densityB];
  const rho = masses[0] * n[0]! + masses[1] * n[1]!;
  const u2 = u[0] ** 2 + u[1] ** 2 + u[2] ** 2;
  const target = [
    n[0]!,
    n[1]!,
    rho * u[0],
    rho * u[1],
    rho * u[2],
    0.5 * rho * u2 + 1.5 * (n[0]! + n[1]!) * theta,
  ];
  const x = Float64Array.of(
    ...[0, 1].map(
      (s) => Math.log(n[s]! * (masses[s]! / (2 * Math.PI * theta)) ** 1.5) - (masses[s]! * u2) / (2 * theta),
    ),
    u[0] / theta,
    u[1] / theta,
    u[2] / theta,
    1 / (2 * theta),
  );
  for (let iteration = 0; iteration < 30; iteration++) {
    const g = new Float64Array(6);
    const jac = new Float64Array(36);
    for (let s = 0; s < 2; s++) {
      const m = masses[s]!;
      for (let i1 = 0; i1 < nv; i1++)
        for (let i2 = 0; i2 < nv; i2++)
          for (let i3 = 0; i3 < nv; i3++) {
            const [p, q, r] = [v[i1]!, v[i2]!, v[i3]!];
            const speed2 = p * p + q * q + r * r;
            const f = w * Math.exp(x[s]! + m * (x[2]! * p + x[3]! * q + x[4]! * r) - m * x[5]! * speed2);
            // φ: the moment functions; ψ = ∂ log F/∂x
            const phi = [s === 0 ? 1 : 0, s === 1 ? 1 : 0, m * p, m * q, m * r, 0.5 * m * speed2];
            const psi = [s === 0 ? 1 : 0, s === 1 ? 1 : 0, m * p, m * q, m * r, -m * speed2];
            for (let a = 0; a < 6; a++) {
              g[a]! += phi[a]! * f;
              for (let c = 0; c < 6; c++) jac[a * 6 + c]! += phi[a]! * psi[c]! * f;
            }
          }
    }
    const step = solveLinear(
      jac,
      Float64Array.from(target, (t, a) => t - g[a]!),
      6,
    );
    let largest = 0;
    for (let a = 0; a < 6; a++) {
      x[a]! += step[a]!;
      largest = Math.max(largest, Math.abs(step[a]!));
    }
    if (largest < 1e-14) break;
  }
  return x;
}

/** exp(a_s + m b·v − m c|v|²) on the grid from discreteMaxwellianParameters' output. */
export function discreteMaxwellianOnGrid(
  grid: VelocityGrid,
  parameters: ArrayLike<number>,
  species: 0 | 1,
  mass: number,
) {
  const v = velocityNodes(grid);
  const { nv } = grid;
  const f = new Float64Array(grid.pointsPerCell);
  const [b1, b2, b3, c] = [parameters[2]!, parameters[3]!, parameters[4]!, parameters[5]!];
  for (let i1 = 0; i1 < nv; i1++)
    for (let i2 = 0; i2 < nv; i2++)
      for (let i3 = 0; i3 < nv; i3++) {
        const [x, y, z] = [v[i1]!, v[i2]!, v[i3]!];
        f[(i1 * nv + i2) * nv + i3] = Math.exp(
          parameters[species]! + mass * (b1 * x + b2 * y + b3 * z) - mass * c * (x * x + y * y + z * z),
        );
      }
  return f;
}

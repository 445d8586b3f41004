/**
 * The Hilbert-expansion remainder F_R = (F_ε − F_0)/ε and its norms (PHYSICS.md §3), float64 twin
 * of src/shaders/remainderNorms.wgsl. F_0 is the bi-Maxwellian of the fluid state (n_A, n_B, u, θ)
 * of each cell as a DISCRETE Maxwellian: F_0^α(v) = exp(a_α + m_α b·v − m_α c|v|²) on the grid, with
 * (a_A, a_B, b, c) solved by Newton so that its midpoint-rule n_A, n_B, momentum and energy equal the
 * fluid's. The exponential family is what makes this exact: a grid-sampled Maxwellian is the
 * unique member with its own discrete moments, so a kinetic run sitting at the fluid's equilibrium
 * has F_R = 0 to round-off, not a discretisation artefact. F_0 is also the μ of the L² norm.
 *
 * Numerical honesty (§3): F_R divides by ε and by √μ, and f32 round-off is an absolute noise spread
 * over the whole box, so BOTH the L² and the weighted L∞ sums run over the trusted velocity ball of
 * each species, |v| ≤ r_α, where μ_M^α ≥ floorRatio · μ_M^α(0). The radii go out with the numbers.
 */

import { discreteMaxwellianOnGrid, discreteMaxwellianParameters } from './maxwellian';
import { poissonSolveFft } from './poisson';
import type { LogWeightCoefficients } from './remainder';
import { type VelocityGrid, velocityNodes } from './velocityGrid';

/** Fluid state per cell (arrays of length n_x), as the Euler–Poisson solver provides it. */
export interface FluidFieldsOnGrid {
  readonly densityA: ArrayLike<number>;
  readonly densityB: ArrayLike<number>;
  readonly velocity: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  readonly temperature: ArrayLike<number>;
}

export interface RemainderParameters {
  readonly masses: readonly [number, number];
  readonly charges: readonly [number, number];
  /** ε^r with r = 1 (PHYSICS.md §3). */
  readonly knudsen: number;
  /** θ_M of the global Maxwellian μ_M^α = (2πθ_M)^{−3/2} exp(−m_α|v|²/(2θ_M)) (paper's form). */
  readonly thetaM: number;
  /** γ of the kernel: sets the factor ⟨v⟩^{2−γ}. */
  readonly gamma: number;
  /** w_γ of the γ regime at the output time, in log form (logWeightCoefficients of remainder.ts). */
  readonly weight: Pick<LogWeightCoefficients, 'bracketPower' | 'expCoefficient' | 'expPower'>;
  /** Trusted ball radius per species. */
  readonly trustedRadius: readonly [number, number];
  /** Δx of the x grid (the x part of the gradient term). */
  readonly cellWidth: number;
}

/** log w_γ(|v|) = bracketPower log⟨v⟩ + expCoefficient ⟨v⟩^expPower (remainder.ts), ⟨v⟩ = 1 + |v|. */
export function logWeightOf(p: RemainderParameters, speed: number): number {
  const bracket = 1 + speed;
  const { bracketPower, expCoefficient, expPower } = p.weight;
  return bracketPower * Math.log(bracket) + expCoefficient * bracket ** expPower;
}

/** Per cell: the 6 floats the GPU kernel needs, (a_A, a_B, b1, b2, b3, c) of F_0 = exp(a + m b·v − m c|v|²). */
export const FLUID_CELL_FLOATS = 6;

/**
 * (a_A, a_B, b, c) per cell such that F_0^α = exp(a_α + m_α b·v − m_α c|v|²) has the fluid's
 * n_A, n_B, ρu and energy ρ|u|²/2 + 3/2 ñθ as its discrete (midpoint, Δv³) moments
 * (discreteMaxwellianParameters of maxwellian.ts).
 */
export function fluidCellParameters(
  grid: VelocityGrid,
  fluid: FluidFieldsOnGrid,
  masses: readonly [number, number],
): Float64Array {
  const nx = fluid.densityA.length;
  const out = new Float64Array(nx * FLUID_CELL_FLOATS);
  for (let i = 0; i < nx; i++) {
    const state = {
      densityA: fluid.densityA[i]!,
      densityB: fluid.densityB[i]!,
      drift: [fluid.velocity[0][i]!, fluid.velocity[1][i]!, fluid.velocity[2][i]!] as [
        number,
        number,
        number,
      ],
      temperature: fluid.temperature[i]!,
    };
    out.set(discreteMaxwellianParameters(grid, masses, state), i * FLUID_CELL_FLOATS);
  }
  return out;
}

/** F_0 of one cell for species s (0 = A) from its parameters: exp(a_s + m b·v − m c|v|²) on the grid. */
export function discreteFluidMaxwellian(
  grid: VelocityGrid,
  cell: ArrayLike<number>,
  species: 0 | 1,
  mass: number,
): Float64Array {
  return discreteMaxwellianOnGrid(grid, cell, species, mass);
}

/** F_0 of every cell from its parameters (fluidCellParameters), [species][cell][N_v³]. */
export function discreteFluidMaxwellians(
  grid: VelocityGrid,
  cells: Float64Array,
  masses: readonly [number, number],
): Float64Array {
  const points = grid.pointsPerCell;
  const nx = cells.length / FLUID_CELL_FLOATS;
  const out = new Float64Array(2 * nx * points);
  for (let s = 0; s < 2; s++)
    for (let i = 0; i < nx; i++) {
      const cell = cells.subarray(i * FLUID_CELL_FLOATS, (i + 1) * FLUID_CELL_FLOATS);
      out.set(discreteFluidMaxwellian(grid, cell, s as 0 | 1, masses[s]!), (s * nx + i) * points);
    }
  return out;
}

export interface RemainderNorms {
  /** ‖F_R/√μ‖_{L²_{x,v}} summed over species (trusted balls). */
  readonly l2: number;
  /** ε^{3/2} ‖⟨v⟩^{2−γ} w_γ F_R/√μ_M‖_{L∞} (max over species, trusted balls). */
  readonly linfWeighted: number;
  /** ‖∇φ_R‖_{L²_x}, Δφ_R = Σ e_α ∫F_R^α dv. */
  readonly fieldL2: number;
  /** ε^5 ‖∇_{x,v}(w_γ F_R/√μ_M)‖_{L∞} (max over species, trusted balls, central differences). */
  readonly gradient: number;
}

/** log of w_γ/√μ_M^α at |v|: the factor of the gradient term (no ⟨v⟩^{2−γ} there, PHYSICS.md §3). */
function logGradientFactor(p: RemainderParameters, mass: number, speed2: number): number {
  return (
    logWeightOf(p, Math.sqrt(speed2)) +
    0.75 * Math.log(2 * Math.PI * p.thetaM) +
    (mass * speed2) / (4 * p.thetaM)
  );
}

/**
 * Per cell, max over both species of |∇_{x,v} g|, g = w_γ F_R/√μ_M, by central differences: in v
 * at the points whose six neighbours lie in the trusted ball too (so no difference reaches the
 * round-off-dominated tail), in x between the periodic neighbour cells (each with its own F_0).
 * Float64 twin of src/shaders/remainderGradient.wgsl. No ε^5 here (remainderNormsFromSums).
 */
export function remainderGradientMax(
  grid: VelocityGrid,
  state: Float32Array | Float64Array,
  nx: number,
  cells: Float64Array,
  p: RemainderParameters,
): Float64Array {
  const { nv, dv } = grid;
  const points = grid.pointsPerCell;
  const v = velocityNodes(grid);
  const out = new Float64Array(nx);
  for (let s = 0; s < 2; s++) {
    const mass = p.masses[s]!;
    const factor = new Float64Array(points);
    for (let i1 = 0; i1 < nv; i1++)
      for (let i2 = 0; i2 < nv; i2++)
        for (let i3 = 0; i3 < nv; i3++)
          factor[(i1 * nv + i2) * nv + i3] = Math.exp(
            logGradientFactor(p, mass, v[i1]! ** 2 + v[i2]! ** 2 + v[i3]! ** 2),
          );
    // g of every cell of this species
    const g = new Float64Array(nx * points);
    for (let i = 0; i < nx; i++) {
      const f0 = discreteFluidMaxwellian(
        grid,
        cells.subarray(i * FLUID_CELL_FLOATS, (i + 1) * FLUID_CELL_FLOATS),
        s as 0 | 1,
        mass,
      );
      const base = (s * nx + i) * points;
      for (let j = 0; j < points; j++)
        g[i * points + j] = ((state[base + j]! - f0[j]!) / p.knudsen) * factor[j]!;
    }
    const r2 = p.trustedRadius[s]! ** 2;
    const inBall = (a: number, b: number, c: number) =>
      a >= 0 && a < nv && b >= 0 && b < nv && c >= 0 && c < nv && v[a]! ** 2 + v[b]! ** 2 + v[c]! ** 2 <= r2;
    for (let i = 0; i < nx; i++) {
      const left = ((i + nx - 1) % nx) * points;
      const right = ((i + 1) % nx) * points;
      const here = i * points;
      for (let i1 = 0; i1 < nv; i1++)
        for (let i2 = 0; i2 < nv; i2++)
          for (let i3 = 0; i3 < nv; i3++) {
            if (
              !inBall(i1 - 1, i2, i3) ||
              !inBall(i1 + 1, i2, i3) ||
              !inBall(i1, i2 - 1, i3) ||
              !inBall(i1, i2 + 1, i3) ||
              !inBall(i1, i2, i3 - 1) ||
              !inBall(i1, i2, i3 + 1)
            )
              continue;
            const j = (i1 * nv + i2) * nv + i3;
            const gx = (g[right + j]! - g[left + j]!) / (2 * p.cellWidth);
            const g1 = (g[here + j + nv * nv]! - g[here + j - nv * nv]!) / (2 * dv);
            const g2 = (g[here + j + nv]! - g[here + j - nv]!) / (2 * dv);
            const g3 = (g[here + j + 1]! - g[here + j - 1]!) / (2 * dv);
            out[i] = Math.max(out[i]!, Math.sqrt(gx * gx + g1 * g1 + g2 * g2 + g3 * g3));
          }
    }
  }
  return out;
}

/**
 * Per-cell sums of the remainder, the twin of the GPU kernel's output: [Σ F_R²/μ over the ball,
 * max ⟨v⟩^{2−γ} w F_R/√μ_M over the ball, Σ_α e_α Σ_v F_R] (no Δv³, no ε^{3/2}).
 */
export function remainderCellSums(
  grid: VelocityGrid,
  f: readonly [ArrayLike<number>, ArrayLike<number>],
  cell: ArrayLike<number>,
  p: RemainderParameters,
): [number, number, number] {
  const v = velocityNodes(grid);
  const { nv } = grid;
  let l2 = 0;
  let linf = 0;
  let charge = 0;
  for (let s = 0; s < 2; s++) {
    const mass = p.masses[s]!;
    // F_0 is the local bi-Maxwellian μ of the L² norm as well
    const f0 = discreteFluidMaxwellian(grid, cell, s as 0 | 1, mass);
    const mu = f0;
    const r2 = p.trustedRadius[s]! ** 2;
    for (let i1 = 0; i1 < nv; i1++)
      for (let i2 = 0; i2 < nv; i2++)
        for (let i3 = 0; i3 < nv; i3++) {
          const i = (i1 * nv + i2) * nv + i3;
          const fr = (f[s]![i]! - f0[i]!) / p.knudsen;
          charge += p.charges[s]! * fr;
          const speed2 = v[i1]! ** 2 + v[i2]! ** 2 + v[i3]! ** 2;
          if (speed2 > r2) continue;
          l2 += (fr * fr) / mu[i]!;
          const speed = Math.sqrt(speed2);
          // log of ⟨v⟩^{2−γ} w_γ / √μ_M, μ_M = (2πθ_M)^{−3/2} e^{−m|v|²/(2θ_M)}
          const logFactor =
            (2 - p.gamma) * Math.log(1 + speed) +
            logWeightOf(p, speed) +
            0.75 * Math.log(2 * Math.PI * p.thetaM) +
            (mass * speed2) / (4 * p.thetaM);
          linf = Math.max(linf, Math.abs(fr) * Math.exp(logFactor));
        }
  }
  return [l2, linf, charge];
}

/**
 * The norms from the backend's per-cell output (any backend): [cell][3] sums (remainderCellSums)
 * followed by n_x gradient maxima (remainderGradientMax); applies Δx, Δv³, ε^{3/2}, ε^5 and the
 * field part.
 */
export function remainderNormsFromSums(
  sums: ArrayLike<number>,
  grid: VelocityGrid,
  length: number,
  knudsen: number,
): RemainderNorms {
  const nx = sums.length / 4;
  let gradient = 0;
  for (let i = 0; i < nx; i++) gradient = Math.max(gradient, sums[3 * nx + i]!);
  const dx = length / nx;
  const w = grid.dv ** 3;
  let l2 = 0;
  let linf = 0;
  const charge = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    l2 += sums[3 * i]!;
    linf = Math.max(linf, sums[3 * i + 1]!);
    charge[i] = sums[3 * i + 2]! * w;
  }
  const field = poissonSolveFft(charge, length).field;
  let e2 = 0;
  for (const e of field) e2 += e * e;
  return {
    l2: Math.sqrt(l2 * w * dx),
    linfWeighted: knudsen ** 1.5 * linf,
    fieldL2: Math.sqrt(e2 * dx),
    gradient: knudsen ** 5 * gradient,
  };
}

/** The remainder norms of a whole state [species][cell][N³] (float64 CPU path). */
export function remainderNorms(
  state: Float32Array | Float64Array,
  grid: VelocityGrid,
  nx: number,
  length: number,
  cells: Float64Array,
  p: RemainderParameters,
): RemainderNorms {
  return remainderNormsFromSums(remainderStateSums(state, grid, nx, cells, p), grid, length, p.knudsen);
}

/** The backend output of the float64 path: [cell][3] sums, then n_x gradient maxima. */
export function remainderStateSums(
  state: Float32Array | Float64Array,
  grid: VelocityGrid,
  nx: number,
  cells: Float64Array,
  p: RemainderParameters,
): Float64Array {
  const points = grid.pointsPerCell;
  const sums = new Float64Array(4 * nx);
  const slice = (s: number, i: number) => state.subarray((s * nx + i) * points, (s * nx + i + 1) * points);
  for (let i = 0; i < nx; i++) {
    const cell = cells.subarray(i * FLUID_CELL_FLOATS, (i + 1) * FLUID_CELL_FLOATS);
    sums.set(remainderCellSums(grid, [slice(0, i), slice(1, i)], cell, p), 3 * i);
  }
  sums.set(remainderGradientMax(grid, state, nx, cells, p), 3 * nx);
  return sums;
}

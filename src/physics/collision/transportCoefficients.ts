/**
 * The mixture's Navier–Stokes transport coefficients from 𝓛⁻¹ (issue 17): the first-order
 * Chapman–Enskog solution of the discrete operator itself, with no Sonine truncation. Float64, one
 * velocity cell at the background state (n_A, n_B, θ, u = 0; the coefficients do not depend on u).
 *
 * Convention: Chapman & Cowling, "The Mathematical Theory of Non-Uniform Gases" (3rd ed.), §8.3–8.4
 * and §9.3, with Boltzmann's constant 1 (θ in energy units) and the simulator's dimensionless units,
 * the factor ε INCLUDED (each coefficient is ε times that of the unscaled operator):
 *   P_ij = p δ_ij − η (∂_i u_j + ∂_j u_i − ⅔ δ_ij ∇·u)                       (shear viscosity η)
 *   q = −λ ∇θ  when the diffusion velocities vanish                          (conductivity λ)
 *   u_A − u_B = −(n²/(n_A n_B)) D_AB (d_A + k_T ∇ln θ),  d_A = ∇(n_A/n) at uniform p, no field
 *                                                       (mutual diffusion D_AB, thermal diffusion k_T)
 * with q = Σ_α ∫ ½ m_α |c|² c F^α the heat flux of the peculiar velocities c = v − u.
 *
 * Derivation. F^α = μ^α + ε h^α with h the first-order correction in the h = √μ f variables of
 * linearized.ts; the order-ε⁰ terms of the kinetic equation give (1/ε)·(−𝓛)(εh) = D_t μ, the
 * streaming of μ with ∂_t from the Euler equations (PHYSICS.md §2, paper eq. 2.14), i.e.
 * 𝓛 h = −S with one source S per gradient:
 *   shear, ∂_1 u_2 = 1:            S^α = μ^α (m_α/θ) c_1 c_2,          η = −Σ_α m_α ∫ c_1 c_2 h^α
 *   heat, ∂_1 ln θ = 1, p uniform: S^α = μ^α (m_α|c|²/(2θ) − 5/2) c_1
 *   diffusion, ∂_1 (n_A/n) = 1:    S^A = μ^A (n/n_A) c_1,  S^B = −μ^B (n/n_B) c_1
 * (v·∇μ^α = μ^α c·[∇ln p_α + (m_α|c|²/2θ − 5/2) ∇ln θ] and ∂_t u = 0 at uniform p without field).
 * From the heat solution (w_T = u_A − u_B, q_T) and the diffusion solution (w_D, q_D):
 *   D_AB = −w_D n_A n_B / n²,   k_T = w_T / w_D,   λ = −(q_T − q_D w_T / w_D) / θ
 * (the diffusion gradient that cancels the thermal one: d_A = −(w_T/w_D) ∇ln θ). For any gradients
 * q = a q_T + b q_D and w = a w_T + b w_D, so q = −λ∇θ + (q_D/w_D) w: Q_w = q_D/w_D is the heat
 * carried per unit of u_A − u_B (ε-free: both are linear in ε). Onsager's reciprocity (L self-adjoint)
 * ties it to k_T (Chapman & Cowling §8.4: q = −λ∇θ + (5/2)θ Σ n_α V_α + p k_T (V_A − V_B), with
 * Σ n_α V_α = (n_A n_B/ρ)(m_B − m_A)(u_A − u_B)): Q_w = (5/2)θ(n_A n_B/ρ)(m_B − m_A) + nθ k_T. The two
 * sides come from different solves, so their mismatch (onsagerDefect) is an accuracy check of the
 * discrete operator that needs no exact solution. Each source is
 * ⊥ Ker L in the continuum; on the grid its kernel component (a discretisation error of the
 * Gaussian moments, 1e−10 or less on the default grid) is removed by (I − P) before the solve.
 */
import type { SimulationConfig } from '../config';
import type { MaxwellianState } from '../maxwellian';
import { InvalidParameterError, type VelocityGrid, velocityGrid, velocityNodes } from '../velocityGrid';
import { type InverseOptions, linearizedInverse, linearizedOperator } from './linearized';
import { defaultSpectralQuadrature, mixtureSpectralTables, type SpectralQuadrature } from './spectral';

export interface TransportSpecies {
  readonly mass: number;
  readonly diameter: number;
  readonly density: number;
}

/** The background state and the collision model. */
export interface TransportState {
  readonly species: readonly [TransportSpecies, TransportSpecies];
  /** θ, in energy units. */
  readonly temperature: number;
  /** Kernel exponent γ ∈ (−3, 1]. */
  readonly gamma: number;
  /** Knudsen number ε > 0. */
  readonly knudsen: number;
}

export interface TransportCoefficients {
  readonly viscosity: number;
  readonly thermalConductivity: number;
  readonly diffusion: number;
  readonly thermalDiffusionRatio: number;
  /**
   * Q_w in q = −λ∇θ + Q_w (u_A − u_B): the heat carried by interdiffusion (the enthalpy flux of the
   * diffusion velocities and the Dufour effect together), q_D / w_D of the diffusion solve. Zero for
   * two mechanically identical species.
   */
  readonly heatOfDiffusion: number;
  /**
   * How far the two cross effects break Onsager's reciprocity (module comment): |Q_w − Q_w^O| / scale
   * with Q_w^O = (5/2) θ (n_A n_B/ρ)(m_B − m_A) + nθ k_T from the heat solve. Exact for a
   * self-adjoint L; on a grid it measures the discrete operator's error as the coefficients see it,
   * with no exact solution needed (0.5 % at N_v = 32 for Maxwell molecules with m_B = 2m_A, 20 % at
   * N_v = 16; 12 % for γ = −2 at N_v = 32: soft-potential mixtures are not converged on these grids).
   */
  readonly onsagerDefect: number;
  readonly knudsen: number;
  /** The velocity grid and quadrature of the solves. */
  readonly grid: {
    readonly nv: number;
    readonly vmax: number;
    readonly nRho: number;
    readonly nTheta: number;
    readonly nPhi: number;
    readonly truncation: number;
    /** Radius of the support ball χ of 𝓛 (transportSupportThermalSpeeds; ≤ truncation). */
    readonly support: number;
  };
  /** The largest relative Krylov residual ‖S − 𝓛h‖/‖S‖ of the three solves. */
  readonly residual: number;
  /** GMRES steps of the shear, heat and diffusion solves. */
  readonly iterations: readonly [number, number, number];
}

/**
 * Velocity boxes in thermal speeds √(θ/m) of the lighter species. Measured on the Maxwell-molecule
 * one gas (exact η = 2εθ/(πd²), λ = (15/4)η/m): N_v = 32 at 7, 8, 9 thermal speeds, η off by
 * 0.56 %, 0.05 %, 0.002 % (the kernel truncation R = 2S a box implies, velocityBox.ts, sets it).
 * N_v = 16 at 7 with the support ball of transportSupportThermalSpeeds: η 0.02 %, λ 1.0 % (at 6
 * with χ = R, the earlier choice: 4 % and 6.6 %). N_v = 32 at 9 is the default (2e−5 to 7.3e−4
 * against exact theory for γ ≥ 0, transportCoefficients.test.ts), N_v = 16 a quick estimate.
 */
export const TRANSPORT_BOX_THERMAL_SPEEDS: Readonly<Record<number, number>> = { 16: 7, 32: 9 };

/**
 * The support ball χ of 𝓛 (linearized.ts) in thermal speeds √(θ/m) of the lighter species; null:
 * the kernel truncation R (the whole resolved ball). Why smaller: where the loss frequency ν is
 * small (the outer shell, and everywhere beyond a few thermal speeds for soft potentials, ν ∝ |v|^γ)
 * the spectral gain term's error divided by ν pollutes the solves, the heat solve first (its
 * moments weigh |c|³). A ball of 5 thermal speeds cuts 0.3 % of the heat moment's integrand
 * (measured on the Maxwell one gas at N_v = 32: λ 1.3 % low), so it is used only where it gains:
 *   N_v = 16 (box 7): every γ. Maxwell one gas λ 1.0 % off (6.6 % with χ = R); γ = −2 one gas
 *     Prandtl number (5/2)η/(mλ) 0.675 (2/3 in the first Sonine approximation; 0.137 with χ = R).
 *   N_v = 32 (box 9): γ < 0 only. γ = −2, m_B = 2m_A: Onsager defect 12 % (53 % with χ = R),
 *     still above the 5 % of "not converged"; γ ≥ 0 keeps χ = R (exact to 2e−5 there).
 */
export function transportSupportThermalSpeeds(gamma: number, nv: number): number | null {
  if (nv <= 16) return 5;
  return gamma < 0 ? 5 : null;
}

/** The grid of the solves: N_v = 32 (default) or 16, on the box of TRANSPORT_BOX_THERMAL_SPEEDS. */
export function transportGrid(state: TransportState, nv = 32): VelocityGrid {
  checkState(state);
  const speeds = TRANSPORT_BOX_THERMAL_SPEEDS[nv];
  if (speeds === undefined) {
    throw new InvalidParameterError(
      'transport grid N_v',
      `one of ${Object.keys(TRANSPORT_BOX_THERMAL_SPEEDS).join(', ')}`,
      nv,
    );
  }
  const lighter = Math.min(state.species[0].mass, state.species[1].mass);
  return velocityGrid(nv, speeds * Math.sqrt(state.temperature / lighter));
}

/**
 * The background state of a run's config: the species' mean densities, the density-weighted
 * temperature Σ n_α θ_α / Σ n_α, γ and ε. null when collisions are off (no transport coefficients).
 */
export function transportStateOf(config: SimulationConfig): TransportState | null {
  if (!config.collisions.enabled) return null;
  const [A, B] = config.species;
  const total = A.density + B.density;
  return {
    species: [
      { mass: A.mass, diameter: A.diameter, density: A.density },
      { mass: B.mass, diameter: B.diameter, density: B.density },
    ],
    temperature: (A.density * A.temperature + B.density * B.temperature) / total,
    gamma: config.collisions.gamma,
    knudsen: config.collisions.knudsen,
  };
}

function checkState(state: TransportState): void {
  state.species.forEach((s, i) => {
    const name = `species.${i}`;
    for (const key of ['mass', 'diameter', 'density'] as const) {
      if (!(s[key] > 0) || !Number.isFinite(s[key])) {
        throw new InvalidParameterError(`${name}.${key}`, 'a finite number > 0', s[key]);
      }
    }
  });
  if (!(state.temperature > 0) || !Number.isFinite(state.temperature)) {
    throw new InvalidParameterError('temperature', 'a finite number > 0', state.temperature);
  }
  if (!(state.gamma > -3 && state.gamma <= 1)) {
    throw new InvalidParameterError('collisions.gamma', 'a number in (−3, 1]', state.gamma);
  }
  if (!(state.knudsen > 0) || !Number.isFinite(state.knudsen)) {
    throw new InvalidParameterError('collisions.knudsen', 'a finite number > 0', state.knudsen);
  }
}

/** η, λ, D_AB, k_T of the discrete operator on `grid` (module comment). */
export function transportCoefficients(
  state: TransportState,
  gridChoice?: VelocityGrid,
  quadratureChoice?: SpectralQuadrature,
  options: InverseOptions & {
    readonly onProgress?: (stage: 'shear' | 'heat' | 'diffusion') => void;
    /** The support ball χ's radius in thermal speeds √(θ/m) of the lighter species (default: transportSupportThermalSpeeds). */
    readonly supportThermalSpeeds?: number | null;
  } = {},
): TransportCoefficients {
  checkState(state);
  const grid = gridChoice ?? transportGrid(state);
  const quadrature = quadratureChoice ?? defaultSpectralQuadrature(grid);
  const theta = state.temperature;
  const [A, B] = state.species;
  const tables = mixtureSpectralTables(
    grid,
    [
      { mass: A.mass, diameter: A.diameter },
      { mass: B.mass, diameter: B.diameter },
    ],
    state.gamma,
    quadrature,
  );
  const states = state.species.map(
    (s): MaxwellianState => ({ density: s.density, mass: s.mass, temperature: theta, drift: [0, 0, 0] }),
  ) as [MaxwellianState, MaxwellianState];
  const lighter = Math.min(A.mass, B.mass);
  const speeds =
    options.supportThermalSpeeds === undefined
      ? transportSupportThermalSpeeds(state.gamma, grid.nv)
      : options.supportThermalSpeeds;
  const radius =
    speeds === null
      ? tables.AA.truncation
      : Math.min(tables.AA.truncation, speeds * Math.sqrt(theta / lighter));
  const L = linearizedOperator(states, tables, radius);
  const n = L.points;
  const nv = grid.nv;
  const v = velocityNodes(grid);
  const total = A.density + B.density;
  const cell = grid.dv ** 3;

  const shear = new Float64Array(2 * n);
  const heat = new Float64Array(2 * n);
  const diffusion = new Float64Array(2 * n);
  const stress = new Float64Array(2 * n); // m_α c_1 c_2
  const heatFlux = new Float64Array(2 * n); // ½ m_α |c|² c_1
  const flux = [new Float64Array(2 * n), new Float64Array(2 * n)]; // c_1 of species A, of B
  for (let s = 0; s < 2; s++) {
    const { mass, density } = state.species[s]!;
    const sign = s === 0 ? 1 : -1;
    for (let i1 = 0; i1 < nv; i1++)
      for (let i2 = 0; i2 < nv; i2++)
        for (let i3 = 0; i3 < nv; i3++) {
          const local = (i1 * nv + i2) * nv + i3;
          const i = s * n + local;
          const [c1, c2, c3] = [v[i1]!, v[i2]!, v[i3]!];
          const c2sum = c1 * c1 + c2 * c2 + c3 * c3;
          const mu = L.mu[s]![local]!;
          shear[i] = -mu * (mass / theta) * c1 * c2;
          heat[i] = -mu * ((mass * c2sum) / (2 * theta) - 2.5) * c1;
          diffusion[i] = -sign * mu * (total / density) * c1;
          stress[i] = mass * c1 * c2 * cell;
          heatFlux[i] = 0.5 * mass * c2sum * c1 * cell;
          flux[s]![i] = c1 * cell;
        }
  }
  const solve = (source: Float64Array) => {
    const inside = source.map((x, i) => x * L.support[i]!);
    const p = L.kernelProjection(inside);
    return linearizedInverse(
      L,
      inside.map((x, i) => x - p[i]!),
      options,
    );
  };
  const dot = (a: Float64Array, b: Float64Array) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
    return sum;
  };
  const velocityDifference = (h: Float64Array) => dot(flux[0]!, h) / A.density - dot(flux[1]!, h) / B.density;

  const eps = state.knudsen;
  options.onProgress?.('shear');
  const shearSolve = solve(shear);
  options.onProgress?.('heat');
  const heatSolve = solve(heat);
  options.onProgress?.('diffusion');
  const diffusionSolve = solve(diffusion);
  const viscosity = -eps * dot(stress, shearSolve.solution);
  const wT = velocityDifference(heatSolve.solution);
  const wD = velocityDifference(diffusionSolve.solution);
  const qT = dot(heatFlux, heatSolve.solution);
  const qD = dot(heatFlux, diffusionSolve.solution);
  const ratio = wT / wD;
  const rho = A.mass * A.density + B.mass * B.density;
  const onsager = 2.5 * theta * ((A.density * B.density) / rho) * (B.mass - A.mass) + total * theta * ratio;
  const onsagerScale = Math.max(Math.abs(onsager), (2.5 * theta * A.density * B.density) / total);
  return {
    viscosity,
    thermalConductivity: (-eps * (qT - qD * ratio)) / theta,
    diffusion: (-eps * wD * A.density * B.density) / (total * total),
    thermalDiffusionRatio: ratio,
    heatOfDiffusion: qD / wD,
    onsagerDefect: Math.abs(qD / wD - onsager) / onsagerScale,
    knudsen: eps,
    grid: {
      nv: grid.nv,
      vmax: grid.vmax,
      nRho: quadrature.nRho,
      nTheta: quadrature.nTheta,
      nPhi: quadrature.nPhi,
      truncation: tables.AA.truncation,
      support: radius,
    },
    residual: Math.max(shearSolve.residual, heatSolve.residual, diffusionSolve.residual),
    iterations: [shearSolve.iterations, heatSolve.iterations, diffusionSolve.iterations],
  };
}

/**
 * The first Hilbert term's microscopic part (issue 18, first slice; float64, one x-cell at a time):
 * the streaming of the local bi-Maxwellian, R̄_0 of the paper, and (I − P)f_1 = L⁻¹ R̄_0 (paper
 * eqs. 1.8, 2.10–2.13; PHYSICS.md §3), in the h = √μ f variables of collision/linearized.ts.
 *
 * Derivation. Insert F = μ + εF_1 + … into ∂_t F^α + v·∂_x F^α + (e_α/m_α) E ∂_{v_1} F^α =
 * (1/ε) Σ_β Q^{αβ}(F^α, F^β) (PHYSICS.md §1, E = ∂_x φ). Order ε⁰:
 *     S^α := (∂_t + v_1 ∂_x + (e_α/m_α) E ∂_{v_1}) μ^α = Σ_β [Q^{αβ}(μ^α, F_1^β) + Q^{αβ}(F_1^α, μ^β)] = −(𝓛 h_1)^α,
 * h_1 = F_1 (= √μ f_1). With ln μ^α = ln n_α + (3/2) ln(m_α/θ) − m_α|c|²/(2θ) + const, c = v − u,
 *     S^α/μ^α = D ln n_α − (3/2) D ln θ + (m_α/θ) c·Du + (m_α|c|²/(2θ)) D ln θ − (e_α/θ) c_1 E,
 * D = ∂_t + v_1 ∂_x. ∂_t is eliminated by the Euler–Poisson equations of PHYSICS.md §2 (d/dt the
 * derivative along u): d ln n_α/dt = −∂_x u_1, d ln θ/dt = −(2/3) ∂_x u_1, ρ du/dt = −∂_x p e_1 + n_e E e_1,
 * n_e = e_A n_A + e_B n_B. Collecting (the ∂_x u_1 terms of D ln n_α and D ln θ cancel the trace):
 *     S^α = μ^α [ (m_α/θ)((c_1² − |c|²/3) ∂_x u_1 + c_1 c_2 ∂_x u_2 + c_1 c_3 ∂_x u_3)
 *                 + (m_α|c|²/(2θ) − 5/2) c_1 ∂_x ln θ + c_1 d_α/p_α ],
 *     d_α = ∂_x p_α − (m_α n_α/ρ) ∂_x p − n_α (e_α − m_α n_e/ρ) E,   p_α = n_α θ,   Σ_α d_α = 0,
 * which is PHYSICS.md §3's R̄_0^α = −S^α/√μ^α in one space dimension. Tested against the definition
 * (the fluid solver's own ∂_t, spectral ∂_x, analytic ∂_v) in firstOrder.test.ts.
 *
 * The microscopic part h_1 = (I − P)h_1 = −𝓛⁻¹ (I − P) S. In the continuum S ⊥ Ker L (its invariant
 * moments vanish by the Euler equations); on the grid the Gaussian moments carry a discretisation
 * error, which (I − P) removes before the solve (as transportCoefficients.ts does). The macroscopic
 * part P f_1 (n_1^α, u_1, θ_1) is the first-order fluid system's and is not built here.
 */

import { type InverseOptions, linearizedInverse, linearizedOperator } from '../collision/linearized';
import type { MixtureTables } from '../collision/spectral';
import { transportSupportThermalSpeeds } from '../collision/transportCoefficients';
import type { MaxwellianState } from '../maxwellian';
import { InvalidParameterError, type VelocityGrid, velocityNodes } from '../velocityGrid';

/** m_α and e_α of the two species. */
export interface HilbertSpecies {
  readonly masses: readonly [number, number];
  readonly charges: readonly [number, number];
}

/** The local state of the fluid at one cell: F_0 there is the bi-Maxwellian of PHYSICS.md §1. */
export interface CellState {
  readonly densityA: number;
  readonly densityB: number;
  readonly drift: readonly [number, number, number];
  /** θ, energy units. */
  readonly temperature: number;
}

/** The gradients that drive the first-order deviation at one cell (module comment). */
export interface CellGradients {
  /** ∂_x u_1, ∂_x u_2, ∂_x u_3. */
  readonly velocity: readonly [number, number, number];
  /** ∂_x ln θ. */
  readonly logTemperature: number;
  /** d_A in pressure units (d_B = −d_A). */
  readonly diffusionForce: number;
}

/** The fluid state on the periodic grid, as hydrodynamicGradients reads it (a FluidState fits). */
export interface FluidProfiles {
  readonly length: number;
  readonly densityA: ArrayLike<number>;
  readonly densityB: ArrayLike<number>;
  readonly velocity: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  readonly temperature: ArrayLike<number>;
}

/**
 * ∂_x f of periodic cell values on [0, ℓ) by Fourier collocation (the fluid's spectral ∂_x,
 * fluid/spectral.ts: the Nyquist mode of an even n_x dropped). A direct DFT: n_x is a few hundred at most.
 */
export function periodicDerivative(f: ArrayLike<number>, length: number): Float64Array {
  const n = f.length;
  const out = new Float64Array(n);
  const modes = Math.ceil(n / 2) - 1;
  for (let k = 1; k <= modes; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * ((k * i) % n)) / n;
      re += f[i]! * Math.cos(a);
      im -= f[i]! * Math.sin(a);
    }
    const kappa = (2 * Math.PI * k) / length;
    // (iκ)(re + i im) = −κ im + iκ re; modes k and −k together give 2 Re(·)/n
    const dRe = -kappa * im;
    const dIm = kappa * re;
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * ((k * i) % n)) / n;
      out[i]! += (2 / n) * (dRe * Math.cos(a) - dIm * Math.sin(a));
    }
  }
  return out;
}

/** The local state of cell i of a fluid profile. */
export function cellState(profiles: FluidProfiles, i: number): CellState {
  return {
    densityA: profiles.densityA[i]!,
    densityB: profiles.densityB[i]!,
    drift: [profiles.velocity[0][i]!, profiles.velocity[1][i]!, profiles.velocity[2][i]!],
    temperature: profiles.temperature[i]!,
  };
}

/**
 * The gradients of every cell (spectral ∂_x) and the diffusion force d_A of the module comment;
 * `field` is E = ∂_x φ_0 at the cell centres (all zeros when the field is off).
 */
export function hydrodynamicGradients(
  profiles: FluidProfiles,
  field: ArrayLike<number>,
  species: HilbertSpecies,
): CellGradients[] {
  const n = profiles.densityA.length;
  if (field.length !== n) throw new RangeError(`E must have ${n} cell values, got ${field.length}`);
  const [mA, mB] = species.masses;
  const [eA, eB] = species.charges;
  const theta = profiles.temperature;
  const pA = Float64Array.from({ length: n }, (_, i) => profiles.densityA[i]! * theta[i]!);
  const p = Float64Array.from(
    { length: n },
    (_, i) => (profiles.densityA[i]! + profiles.densityB[i]!) * theta[i]!,
  );
  const logTheta = Float64Array.from({ length: n }, (_, i) => Math.log(theta[i]!));
  const du = profiles.velocity.map((u) => periodicDerivative(u, profiles.length));
  const dLogTheta = periodicDerivative(logTheta, profiles.length);
  const dpA = periodicDerivative(pA, profiles.length);
  const dp = periodicDerivative(p, profiles.length);
  return Array.from({ length: n }, (_, i) => {
    const nA = profiles.densityA[i]!;
    const nB = profiles.densityB[i]!;
    const rho = mA * nA + mB * nB;
    const charge = eA * nA + eB * nB;
    return {
      velocity: [du[0]![i]!, du[1]![i]!, du[2]![i]!],
      logTemperature: dLogTheta[i]!,
      diffusionForce: dpA[i]! - ((mA * nA) / rho) * dp[i]! - nA * (eA - (mA * charge) / rho) * field[i]!,
    };
  });
}

/** The two species' Maxwellian parameters at a cell (common drift and temperature). */
export function cellMaxwellians(
  cell: CellState,
  species: HilbertSpecies,
): [MaxwellianState, MaxwellianState] {
  return [
    { density: cell.densityA, mass: species.masses[0], temperature: cell.temperature, drift: cell.drift },
    { density: cell.densityB, mass: species.masses[1], temperature: cell.temperature, drift: cell.drift },
  ];
}

/**
 * S = (∂_t + v_1∂_x + (e_α/m_α)E∂_{v_1})μ at one cell on the grid, [A; B] (N_v³ each), by the closed
 * form of the module comment: μ^α times the viscous, heat and diffusion shapes.
 */
export function maxwellianStreaming(
  grid: VelocityGrid,
  cell: CellState,
  gradients: CellGradients,
  species: HilbertSpecies,
): Float64Array {
  const n = grid.pointsPerCell;
  const theta = cell.temperature;
  const [g1, g2, g3] = gradients.velocity;
  const out = new Float64Array(2 * n);
  for (let s = 0; s < 2; s++) {
    const m = species.masses[s]!;
    const density = s === 0 ? cell.densityA : cell.densityB;
    const diffusion = ((s === 0 ? 1 : -1) * gradients.diffusionForce) / (density * theta);
    const norm = density * (m / (2 * Math.PI * theta)) ** 1.5;
    forEachPeculiarVelocity(grid, cell.drift, (i, c1, c2, c3) => {
      const c2sum = c1 * c1 + c2 * c2 + c3 * c3;
      const mu = norm * Math.exp((-m * c2sum) / (2 * theta));
      const viscous = (m / theta) * ((c1 * c1 - c2sum / 3) * g1 + c1 * c2 * g2 + c1 * c3 * g3);
      const heat = ((m * c2sum) / (2 * theta) - 2.5) * c1 * gradients.logTemperature;
      out[s * n + i] = mu * (viscous + heat + c1 * diffusion);
    });
  }
  return out;
}

/** Calls visit(i, c) for every node of one cell's velocity grid, c = v − u (layout of velocityGrid.ts). */
function forEachPeculiarVelocity(
  grid: VelocityGrid,
  drift: readonly [number, number, number],
  visit: (index: number, c1: number, c2: number, c3: number) => void,
): void {
  const { nv } = grid;
  const v = velocityNodes(grid);
  for (let i1 = 0; i1 < nv; i1++)
    for (let i2 = 0; i2 < nv; i2++)
      for (let i3 = 0; i3 < nv; i3++)
        visit((i1 * nv + i2) * nv + i3, v[i1]! - drift[0], v[i2]! - drift[1], v[i3]! - drift[2]);
}

export interface MicroscopicFirstOrder {
  /** h_1 = √μ (I − P) f_1 on the grid, [A; B]; zero outside the operator's support ball. */
  readonly solution: Float64Array;
  /** The relative Krylov residual ‖(I − P)S + 𝓛h_1‖/‖(I − P)S‖. */
  readonly residual: number;
  readonly iterations: number;
  /** Radius of the support ball of 𝓛 (collision/linearized.ts) around u. */
  readonly supportRadius: number;
}

export interface MicroscopicOptions extends InverseOptions {
  /** Radius of 𝓛's support ball; default transportSupportThermalSpeeds × √(θ/m) of the lighter species, at most R. */
  readonly supportRadius?: number;
}

/**
 * (I − P)f_1 of one cell in h-variables: h_1 = −𝓛⁻¹ (I − P) S (module comment), with the run's own
 * spectral tables (so that it is the expansion of the discrete kinetic model the run solves).
 */
export function microscopicFirstOrder(
  cell: CellState,
  gradients: CellGradients,
  tables: MixtureTables,
  species: HilbertSpecies,
  options: MicroscopicOptions = {},
): MicroscopicFirstOrder {
  for (const [name, value] of [
    ['densityA', cell.densityA],
    ['densityB', cell.densityB],
    ['temperature', cell.temperature],
  ] as const) {
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new InvalidParameterError(`first-order term: cell ${name}`, 'a finite number > 0', value);
    }
  }
  const grid = tables.AA.grid;
  const lighter = Math.min(species.masses[0], species.masses[1]);
  const speeds = transportSupportThermalSpeeds(tables.AA.pair.gamma, grid.nv);
  const radius =
    options.supportRadius ??
    (speeds === null
      ? tables.AA.truncation
      : Math.min(tables.AA.truncation, speeds * Math.sqrt(cell.temperature / lighter)));
  const L = linearizedOperator(cellMaxwellians(cell, species), tables, radius);
  const streaming = maxwellianStreaming(grid, cell, gradients, species);
  const source = streaming.map((x, i) => -x * L.support[i]!);
  const kernelPart = L.kernelProjection(source);
  for (let i = 0; i < source.length; i++) source[i]! -= kernelPart[i]!;
  let size = 0;
  for (const x of source) size = Math.max(size, Math.abs(x));
  if (size === 0)
    return { solution: new Float64Array(source.length), residual: 0, iterations: 0, supportRadius: radius };
  const inverse = linearizedInverse(L, source, options);
  return {
    solution: inverse.solution,
    residual: inverse.residual,
    iterations: inverse.iterations,
    supportRadius: radius,
  };
}

/** The fluxes a first-order deviation h carries (ε not included), relative to the cell's drift u. */
export interface FirstOrderFluxes {
  /** J_α = ∫ c_1 h^α dv: the species' number flux relative to u. */
  readonly speciesFlux: readonly [number, number];
  /** τ_1i = Σ_α m_α ∫ c_1 c_i h^α dv (the viscous stress, P_1i − p δ_1i). */
  readonly stress: readonly [number, number, number];
  /** q_1 = Σ_α ∫ ½ m_α |c|² c_1 h^α dv. */
  readonly heatFlux: number;
}

/** The moments of FirstOrderFluxes of h ([A; B] on the grid) by the grid's midpoint rule. */
export function firstOrderFluxes(
  h: Float64Array,
  grid: VelocityGrid,
  cell: CellState,
  species: HilbertSpecies,
): FirstOrderFluxes {
  const n = grid.pointsPerCell;
  const flux = [0, 0];
  const stress = [0, 0, 0];
  let heat = 0;
  const w = grid.dv ** 3;
  for (let s = 0; s < 2; s++) {
    const m = species.masses[s]!;
    forEachPeculiarVelocity(grid, cell.drift, (i, c1, c2, c3) => {
      const x = h[s * n + i]! * w;
      flux[s]! += c1 * x;
      stress[0]! += m * c1 * c1 * x;
      stress[1]! += m * c1 * c2 * x;
      stress[2]! += m * c1 * c3 * x;
      heat += 0.5 * m * (c1 * c1 + c2 * c2 + c3 * c3) * c1 * x;
    });
  }
  return {
    speciesFlux: [flux[0]!, flux[1]!],
    stress: [stress[0]!, stress[1]!, stress[2]!],
    heatFlux: heat,
  };
}

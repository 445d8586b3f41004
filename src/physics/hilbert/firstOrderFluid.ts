/**
 * The first-order fluid system of the Hilbert expansion (issue 18; paper eqs. 2.15–2.16, PHYSICS.md
 * §3), in float64 on the kinetic solver's x-grid, advanced in lock-step with the zeroth-order
 * Euler–Poisson solution it is linearised about. Pseudo-spectral in x and classical RK4 in time, as
 * fluid/spectral.ts (smooth data only).
 *
 * Derivation. The invariant moments ψ = (1_A, 1_B, m v, ½m|v|²) of the kinetic equation at order ε¹
 * of F = F_0 + εF_1 + … read, with U_1 = ∫ψ F_1 (the moments of P f_1 only: (I − P)f_1 carries none),
 *     ∂_t U_1 + ∂_x [Φ'(U_0) U_1 + Π_1] = S'(U_0, E_0)[U_1, E_1] + (0, 0, 0, 0, 0, E_0 Σ_α e_α J_α),
 *     ∂_x E_1 = e_A n_1^A + e_B n_1^B   (no background: the first-order charge has zero mean),
 * where Φ'(U_0)U_1 is the Euler flux of fluid/variables.ts linearised about U_0 (the fluxes of
 * √μ P f_1), and Π_1 the fluxes of the microscopic part h_1 = √μ(I − P)f_1 (firstOrder.ts):
 *     Π_1 = (J_A, J_B, τ_11, τ_12, τ_13, q + u·τ_1),   J_α = ∫c_1 h_1^α,  τ_1i = Σ m_α∫c_1c_i h_1^α,
 *     q = Σ ∫½m_α|c|²c_1 h_1^α
 * (∫½m|v|²v_1 h = q + u·τ_1 because h has no mass, momentum or energy). The sources are the first
 * order of (0, 0, n_e E, 0, 0, E Σ_α e_α ∫v_1 F^α): the momentum source n_e1 E_0 + n_e0 E_1, and
 * the energy source E_1 n_e0 u_1 + E_0 (n_e1 u_1 + n_e0 u_{1,1} + Σ e_α J_α): the diffusion current
 * Σ e_α J_α does work against E_0 (Joule heating), the one source that is not the linearised Euler one.
 *
 * Π_1 is linear in the gradients of F_0 (firstOrder.ts's S): Chapman & Cowling's closure
 *     τ_11 = −(4/3)η̂ ∂_x u_1,  τ_1i = −η̂ ∂_x u_i (i = 2, 3),
 *     w = u_A − u_B = −(n²/(n_A n_B)) D̂ (d_A/p + k_T ∂_x ln θ),
 *     J_A = (m_B n_A n_B/ρ) w,  J_B = −(m_A n_A n_B/ρ) w,   q = −λ̂ ∂_x θ + Q_w w,
 * with the coefficients of transportCoefficients.ts WITHOUT the factor ε (η̂ = η/ε, …: the ε of εF_1
 * is outside) at the local state (FirstOrderClosure). This is exactly the moments of h_1 when the
 * coefficients come from the same discrete 𝓛 (tested). Π_1 depends on U_0 only, so the system for U_1
 * is hyperbolic with a forcing: the time step is the Euler one.
 *
 * Well-prepared data (issue 18): U_1(0) = 0, i.e. F(0) = F_0(0) + εF_1(0) with P f_1(0) = 0.
 */

import type { MixtureTables } from '../collision/spectral';
import { SpectralRhs } from '../fluid/spectral';
import { type StageArrays, stageArrays, stepRk4 } from '../fluid/timeSteppers';
import type { FluidState } from '../fluid/twoFluidEulerPoisson';
import {
  ADIABATIC_INDEX,
  EN,
  M1,
  M2,
  M3,
  type MixtureGrid,
  NA,
  NB,
  type NonPhysicalState,
  NVAR,
  netCharge,
  toPrimitives,
} from '../fluid/variables';
import { poissonSolveFft } from '../poisson';
import {
  type CellGradients,
  type CellState,
  cellState,
  type FirstOrderFluxes,
  type FluidProfiles,
  firstOrderFluxes,
  type HilbertSpecies,
  hydrodynamicGradients,
  type MicroscopicOptions,
  microscopicFirstOrder,
  periodicDerivative,
} from './firstOrder';

/** The Navier–Stokes coefficients WITHOUT the factor ε (transportCoefficients.ts divided by ε). */
export interface FirstOrderCoefficients {
  /** η̂ of the transverse stresses τ_12, τ_13 (Chapman & Cowling's η). */
  readonly viscosity: number;
  /**
   * η̂_∥ of the compressive stress τ_11 = −(4/3)η̂_∥ ∂_x u_1; default η̂. Equal in the isotropic
   * continuum; a cubic velocity grid is not isotropic, and its 𝓛 answers the two shear shapes
   * (c_1² − |c|²/3 and c_1c_2, a 45° rotation apart) differently (firstOrderCoefficients).
   */
  readonly longitudinalViscosity?: number;
  readonly thermalConductivity: number;
  readonly diffusion: number;
  readonly thermalDiffusionRatio: number;
  readonly heatOfDiffusion: number;
}

/** The coefficients at a local state (n_A, n_B, θ). */
export type FirstOrderClosure = (
  densityA: number,
  densityB: number,
  temperature: number,
) => FirstOrderCoefficients;

/**
 * A closure from coefficients computed at one reference state, carried to the local (n, θ) by the
 * exact scaling of the VHS kernel |q|^γ (𝓛 ∝ n θ^{γ/2} after v → √θ v): η̂, λ̂ ∝ θ^{1−γ/2}, D̂ ∝ θ^{1−γ/2}/n,
 * k_T unchanged, Q_w ∝ nθ, at the reference composition n_A/n. The composition must not vary: the
 * solver checks it (Lemma 2.1's well-prepared data n_B = C n_A keeps it uniform under Euler).
 * Exact in the continuum; on a velocity grid to its discretisation error.
 */
export function scaledClosure(
  reference: { readonly densityA: number; readonly densityB: number; readonly temperature: number },
  coefficients: FirstOrderCoefficients,
  gamma: number,
): FirstOrderClosure & { readonly composition: number } {
  const n0 = reference.densityA + reference.densityB;
  const theta0 = reference.temperature;
  const closure = (densityA: number, densityB: number, temperature: number): FirstOrderCoefficients => {
    const n = densityA + densityB;
    const thermal = (temperature / theta0) ** (1 - gamma / 2);
    return {
      viscosity: coefficients.viscosity * thermal,
      longitudinalViscosity: (coefficients.longitudinalViscosity ?? coefficients.viscosity) * thermal,
      thermalConductivity: coefficients.thermalConductivity * thermal,
      diffusion: (coefficients.diffusion * thermal * n0) / n,
      thermalDiffusionRatio: coefficients.thermalDiffusionRatio,
      heatOfDiffusion: (coefficients.heatOfDiffusion * n * temperature) / (n0 * theta0),
    };
  };
  return Object.assign(closure, { composition: reference.densityA / n0 });
}

/**
 * The fluxes of the microscopic part at one cell from the closure (module comment): the same
 * FirstOrderFluxes that firstOrderFluxes takes as moments of h_1, from the coefficients.
 */
export function closureFluxes(
  cell: CellState,
  gradients: CellGradients,
  masses: readonly [number, number],
  c: FirstOrderCoefficients,
): FirstOrderFluxes {
  const { densityA: nA, densityB: nB, temperature: theta } = cell;
  const total = nA + nB;
  const rho = masses[0] * nA + masses[1] * nB;
  const w =
    -((total * total) / (nA * nB)) *
    c.diffusion *
    (gradients.diffusionForce / (total * theta) + c.thermalDiffusionRatio * gradients.logTemperature);
  const [g1, g2, g3] = gradients.velocity;
  return {
    speciesFlux: [((masses[1] * nA * nB) / rho) * w, -((masses[0] * nA * nB) / rho) * w],
    stress: [-(4 / 3) * (c.longitudinalViscosity ?? c.viscosity) * g1, -c.viscosity * g2, -c.viscosity * g3],
    heatFlux: -c.thermalConductivity * theta * gradients.logTemperature + c.heatOfDiffusion * w,
  };
}

/**
 * The coefficients of the closure that reproduce the moments of h_1 (firstOrder.ts) on a given
 * velocity grid, at a state at rest: four solves of microscopicFirstOrder with one unit gradient
 * each (∂_x u_1, ∂_x u_2, ∂_x ln θ, d_A = p), read back through the closure's formulas: τ_11 gives
 * η̂_∥, τ_12 gives η̂; the heat solve's (w_T, q_T) and the diffusion solve's (w_D, q_D) give
 * D̂ = −w_D n_A n_B/n², k_T = w_T/w_D, Q_w = q_D/w_D, λ̂ = −(q_T − Q_w w_T)/θ (as in
 * transportCoefficients.ts, whose η is the c_1c_2 solve, i.e. η̂ here).
 */
export function firstOrderCoefficients(
  state: { readonly densityA: number; readonly densityB: number; readonly temperature: number },
  tables: MixtureTables,
  species: HilbertSpecies,
  options: MicroscopicOptions = {},
): FirstOrderCoefficients & { readonly residual: number } {
  const cell: CellState = { ...state, drift: [0, 0, 0] };
  const { densityA: nA, densityB: nB, temperature: theta } = state;
  const total = nA + nB;
  let residual = 0;
  const response = (gradients: CellGradients) => {
    const micro = microscopicFirstOrder(cell, gradients, tables, species, options);
    residual = Math.max(residual, micro.residual);
    const f = firstOrderFluxes(micro.solution, tables.AA.grid, cell, species);
    return { f, w: f.speciesFlux[0] / nA - f.speciesFlux[1] / nB };
  };
  const none = { velocity: [0, 0, 0] as const, logTemperature: 0, diffusionForce: 0 };
  const longitudinal = response({ ...none, velocity: [1, 0, 0] });
  const transverse = response({ ...none, velocity: [0, 1, 0] });
  const heat = response({ ...none, logTemperature: 1 });
  const diffusion = response({ ...none, diffusionForce: total * theta });
  const heatOfDiffusion = diffusion.f.heatFlux / diffusion.w;
  return {
    viscosity: -transverse.f.stress[1],
    longitudinalViscosity: -(3 / 4) * longitudinal.f.stress[0],
    diffusion: (-diffusion.w * nA * nB) / (total * total),
    thermalDiffusionRatio: heat.w / diffusion.w,
    heatOfDiffusion,
    thermalConductivity: -(heat.f.heatFlux - heatOfDiffusion * heat.w) / theta,
    residual,
  };
}

/** Π_1 of every cell (module comment), variable-major like U: out[v·n_x + i]. */
export function microscopicFluxes(
  profiles: FluidProfiles,
  field: ArrayLike<number>,
  species: HilbertSpecies,
  closure: FirstOrderClosure,
  out: Float64Array = new Float64Array(NVAR * profiles.densityA.length),
): Float64Array {
  const n = profiles.densityA.length;
  const gradients = hydrodynamicGradients(profiles, field, species);
  for (let i = 0; i < n; i++) {
    const cell = cellState(profiles, i);
    const f = closureFluxes(
      cell,
      gradients[i]!,
      species.masses,
      closure(cell.densityA, cell.densityB, cell.temperature),
    );
    out[NA * n + i] = f.speciesFlux[0];
    out[NB * n + i] = f.speciesFlux[1];
    out[M1 * n + i] = f.stress[0];
    out[M2 * n + i] = f.stress[1];
    out[M3 * n + i] = f.stress[2];
    const [u1, u2, u3] = cell.drift;
    out[EN * n + i] = f.heatFlux + u1 * f.stress[0] + u2 * f.stress[1] + u3 * f.stress[2];
  }
  return out;
}

/** The first-order fluid variables (P f_1's moments) in primitive form, and E_1. */
export interface FirstOrderProfiles {
  readonly densityA: Float64Array;
  readonly densityB: Float64Array;
  readonly velocity: readonly [Float64Array, Float64Array, Float64Array];
  readonly temperature: Float64Array;
  readonly field: Float64Array;
}

/** HilbertFluid's state: [U_0; U_1] (2 × NVAR × n_x conserved values) and its time. */
export interface HilbertFluidState {
  readonly conserved: Float64Array;
  readonly time: number;
}

export interface HilbertFluidOptions {
  /** Courant number on max(|u_1| + c) of U_0. Default 0.4. */
  readonly cfl?: number;
  /** Bound on ω_p Δt. Default 0.1. */
  readonly plasmaPhaseStep?: number;
  /** Order of the exponential filter (fluid/spectral.ts). Default 36. */
  readonly filterOrder?: number;
  /** Largest relative spread of n_A/n the closure accepts (scaledClosure). Default 1e−9. */
  readonly compositionTolerance?: number;
}

/**
 * U_0 (Euler–Poisson) and U_1 (module comment) advanced together: one RK4 step on [U_0; U_1], so
 * that U_1's coefficients see U_0 at every stage.
 */
export class HilbertFluid {
  readonly nx: number;
  readonly length: number;
  private readonly grid: MixtureGrid;
  private readonly zeroth: SpectralRhs;
  private readonly state: Float64Array;
  private readonly stages: StageArrays;
  private readonly prim: Float64Array;
  private readonly charge: Float64Array;
  private readonly pi: Float64Array;
  private readonly flux: Float64Array;
  private readonly cfl: number;
  private readonly plasmaPhaseStep: number;
  private readonly compositionTolerance: number;
  private elapsed = 0;

  private readonly nonPhysical: NonPhysicalState = (i, nA, nB, p) => {
    throw new RangeError(
      `first-order fluid: the zeroth-order state of cell ${i} is not physical (n_A = ${nA}, n_B = ${nB}, p = ${p})`,
    );
  };

  constructor(
    initial: FluidState,
    private readonly species: HilbertSpecies & { readonly fieldEnabled?: boolean },
    private readonly closure: FirstOrderClosure & { readonly composition?: number },
    options: HilbertFluidOptions = {},
  ) {
    const n = initial.densityA.length;
    this.nx = n;
    this.length = initial.length;
    const [mA, mB] = species.masses;
    const charged = (species.fieldEnabled ?? true) && (species.charges[0] !== 0 || species.charges[1] !== 0);
    this.grid = {
      nx: n,
      length: initial.length,
      dx: initial.length / n,
      massA: mA,
      massB: mB,
      chargeA: species.charges[0],
      chargeB: species.charges[1],
      charged,
    };
    this.cfl = options.cfl ?? 0.4;
    this.plasmaPhaseStep = options.plasmaPhaseStep ?? 0.1;
    this.compositionTolerance = options.compositionTolerance ?? 1e-9;
    this.zeroth = new SpectralRhs(this.grid, options.filterOrder ?? 36, this.nonPhysical);
    this.state = new Float64Array(2 * NVAR * n);
    this.stages = stageArrays(2 * NVAR * n);
    this.prim = new Float64Array(NVAR * n);
    this.charge = new Float64Array(n);
    this.pi = new Float64Array(NVAR * n);
    this.flux = new Float64Array(NVAR * n);
    for (let i = 0; i < n; i++) {
      const nA = initial.densityA[i]!;
      const nB = initial.densityB[i]!;
      const theta = initial.temperature[i]!;
      const rho = mA * nA + mB * nB;
      if (!(nA > 0 && nB > 0 && theta > 0)) {
        throw new RangeError(
          `first-order fluid: cell ${i} has n_A = ${nA}, n_B = ${nB}, θ = ${theta} (all must be > 0)`,
        );
      }
      const u = [initial.velocity[0][i]!, initial.velocity[1][i]!, initial.velocity[2][i]!];
      this.state[NA * n + i] = nA;
      this.state[NB * n + i] = nB;
      this.state[M1 * n + i] = rho * u[0]!;
      this.state[M2 * n + i] = rho * u[1]!;
      this.state[M3 * n + i] = rho * u[2]!;
      this.state[EN * n + i] = 0.5 * rho * (u[0]! ** 2 + u[1]! ** 2 + u[2]! ** 2) + 1.5 * (nA + nB) * theta;
    }
    this.checkComposition();
  }

  /** Time advanced so far. */
  get time(): number {
    return this.elapsed;
  }

  private zerothOrder(u: Float64Array): Float64Array {
    return u.subarray(0, NVAR * this.nx);
  }

  private firstOrder(u: Float64Array): Float64Array {
    return u.subarray(NVAR * this.nx);
  }

  /** The closure holds one composition: refuse a state whose n_A/n has moved off it. */
  private checkComposition(): void {
    const target = this.closure.composition;
    if (target === undefined) return;
    const n = this.nx;
    for (let i = 0; i < n; i++) {
      const x = this.state[NA * n + i]! / (this.state[NA * n + i]! + this.state[NB * n + i]!);
      if (Math.abs(x - target) > this.compositionTolerance) {
        throw new RangeError(
          `first-order fluid: n_A/n = ${x} in cell ${i}, but the transport closure holds n_A/n = ${target} only ` +
            "(a uniform composition, n_B = C n_A as in the paper's Lemma 2.1, is needed)",
        );
      }
    }
  }

  /** Primitive profiles of the zeroth-order part of u (this.prim holds W_0 afterwards). */
  private profilesOf(u0: Float64Array): FluidProfiles {
    const n = this.nx;
    toPrimitives(u0, this.prim, n, this.grid, this.nonPhysical);
    const w = this.prim;
    const temperature = new Float64Array(n);
    for (let i = 0; i < n; i++) temperature[i] = w[EN * n + i]! / (w[NA * n + i]! + w[NB * n + i]!);
    return {
      length: this.length,
      densityA: w.subarray(NA * n, NA * n + n),
      densityB: w.subarray(NB * n, NB * n + n),
      velocity: [
        w.subarray(M1 * n, M1 * n + n),
        w.subarray(M2 * n, M2 * n + n),
        w.subarray(M3 * n, M3 * n + n),
      ],
      temperature,
    };
  }

  private fieldOf(u: Float64Array): Float64Array {
    if (!this.grid.charged) return new Float64Array(this.nx);
    netCharge(u, this.charge, this.grid);
    return poissonSolveFft(this.charge, this.length).field;
  }

  /** d[U_0; U_1]/dt (module comment). */
  private evaluate(u: Float64Array, out: Float64Array): void {
    const n = this.nx;
    const u0 = this.zerothOrder(u);
    const u1 = this.firstOrder(u);
    const out1 = this.firstOrder(out);
    this.zeroth.evaluate(u0, this.zerothOrder(out));
    const profiles = this.profilesOf(u0);
    const e0 = this.fieldOf(u0);
    const e1 = this.fieldOf(u1);
    const pi = microscopicFluxes(profiles, e0, this.species, this.closure, this.pi);
    const [mA, mB] = this.species.masses;
    const [eA, eB] = this.species.charges;
    const w = this.prim;
    const { flux } = this;
    for (let i = 0; i < n; i++) {
      const nA = u0[NA * n + i]!;
      const nB = u0[NB * n + i]!;
      const rho = mA * nA + mB * nB;
      const vel = [w[M1 * n + i]!, w[M2 * n + i]!, w[M3 * n + i]!];
      const p = w[EN * n + i]!;
      const energy = u0[EN * n + i]!;
      const n1A = u1[NA * n + i]!;
      const n1B = u1[NB * n + i]!;
      const rho1 = mA * n1A + mB * n1B;
      const m1 = [u1[M1 * n + i]!, u1[M2 * n + i]!, u1[M3 * n + i]!];
      // u_1 = (M_1 − ρ_1 u)/ρ;  p_1 = (2/3)(𝓔_1 − u·M_1 + ½ρ_1|u|²)
      const vel1 = vel.map((x, d) => (m1[d]! - rho1 * x) / rho);
      const speed2 = vel[0]! ** 2 + vel[1]! ** 2 + vel[2]! ** 2;
      const p1 =
        (2 / 3) *
        (u1[EN * n + i]! - (vel[0]! * m1[0]! + vel[1]! * m1[1]! + vel[2]! * m1[2]!) + 0.5 * rho1 * speed2);
      flux[NA * n + i] = n1A * vel[0]! + nA * vel1[0]! + pi[NA * n + i]!;
      flux[NB * n + i] = n1B * vel[0]! + nB * vel1[0]! + pi[NB * n + i]!;
      flux[M1 * n + i] = m1[0]! * vel[0]! + rho * vel[0]! * vel1[0]! + p1 + pi[M1 * n + i]!;
      flux[M2 * n + i] = m1[1]! * vel[0]! + rho * vel[1]! * vel1[0]! + pi[M2 * n + i]!;
      flux[M3 * n + i] = m1[2]! * vel[0]! + rho * vel[2]! * vel1[0]! + pi[M3 * n + i]!;
      flux[EN * n + i] = (u1[EN * n + i]! + p1) * vel[0]! + (energy + p) * vel1[0]! + pi[EN * n + i]!;
      if (this.grid.charged) {
        const ne0 = eA * nA + eB * nB;
        const ne1 = eA * n1A + eB * n1B;
        // the diffusion current's work against E_0 (Joule heating), the non-Euler source
        const joule = e0[i]! * (eA * pi[NA * n + i]! + eB * pi[NB * n + i]!);
        out1[M1 * n + i] = ne1 * e0[i]! + ne0 * e1[i]!;
        out1[EN * n + i] = e1[i]! * ne0 * vel[0]! + e0[i]! * (ne1 * vel[0]! + ne0 * vel1[0]!) + joule;
      } else {
        out1[M1 * n + i] = 0;
        out1[EN * n + i] = 0;
      }
      out1[NA * n + i] = 0;
      out1[NB * n + i] = 0;
      out1[M2 * n + i] = 0;
      out1[M3 * n + i] = 0;
    }
    for (let v = 0; v < NVAR; v++) {
      const d = periodicDerivative(flux.subarray(v * n, v * n + n), this.length);
      for (let i = 0; i < n; i++) out1[v * n + i]! -= d[i]!;
    }
  }

  /** Δt ≤ CFL·Δx/max(|u_1| + c) and ω_p Δt ≤ plasmaPhaseStep, of U_0 (U_1's system has the same speeds). */
  stableTimeStep(): number {
    const n = this.nx;
    const u0 = this.zerothOrder(this.state);
    toPrimitives(u0, this.prim, n, this.grid, this.nonPhysical);
    const [mA, mB] = this.species.masses;
    const [eA, eB] = this.species.charges;
    let speed = 0;
    let plasma = 0;
    for (let i = 0; i < n; i++) {
      const rho = mA * this.prim[NA * n + i]! + mB * this.prim[NB * n + i]!;
      const c = Math.sqrt((ADIABATIC_INDEX * this.prim[EN * n + i]!) / rho);
      speed = Math.max(speed, Math.abs(this.prim[M1 * n + i]!) + c);
      const ne = eA * this.prim[NA * n + i]! + eB * this.prim[NB * n + i]!;
      plasma = Math.max(plasma, (ne * ne) / rho);
    }
    let dt = (this.cfl * (this.length / n)) / speed;
    if (this.grid.charged && plasma > 0) dt = Math.min(dt, this.plasmaPhaseStep / Math.sqrt(plasma));
    return dt;
  }

  /** Advances both orders by dt in equal RK4 sub-steps within stableTimeStep, filtering each. */
  advance(dt: number): void {
    if (!(dt >= 0) || !Number.isFinite(dt)) throw new RangeError(`first-order fluid: Δt = ${dt} must be ≥ 0`);
    if (dt === 0) return;
    const steps = Math.max(1, Math.ceil(dt / this.stableTimeStep()));
    const h = dt / steps;
    const rhs = (u: Float64Array, out: Float64Array) => this.evaluate(u, out);
    for (let s = 0; s < steps; s++) {
      stepRk4(this.state, h, rhs, this.stages);
      this.zeroth.filter(this.zerothOrder(this.state));
      this.zeroth.filter(this.firstOrder(this.state));
    }
    this.elapsed += dt;
    this.checkComposition();
  }

  /** [U_0; U_1] and the time, copied (a rollback or a checkpoint carries it). */
  exportState(): HilbertFluidState {
    return { conserved: Float64Array.from(this.state), time: this.elapsed };
  }

  /** Back to an exported state; throws a RangeError for one of another grid size. */
  restoreState(saved: HilbertFluidState): void {
    if (saved.conserved.length !== this.state.length) {
      throw new RangeError(
        `first-order fluid: a saved state of ${saved.conserved.length} values, this grid needs ${this.state.length}`,
      );
    }
    this.state.set(saved.conserved);
    this.elapsed = saved.time;
  }

  /** The zeroth-order state (F_0's fluid) as primitive profiles and its field E_0. */
  zerothOrderState(): FluidState & { readonly field: Float64Array } {
    const u0 = this.zerothOrder(this.state);
    const p = this.profilesOf(u0);
    return {
      length: this.length,
      densityA: Float64Array.from(p.densityA),
      densityB: Float64Array.from(p.densityB),
      velocity: [
        Float64Array.from(p.velocity[0]),
        Float64Array.from(p.velocity[1]),
        Float64Array.from(p.velocity[2]),
      ],
      temperature: Float64Array.from(p.temperature),
      field: this.fieldOf(u0),
    };
  }

  /**
   * The first-order system's invariants (midpoint rule): ∫n_1^α, ∫(ρu)_1 and the first-order total
   * energy ∫𝓔_1 + ∫E_0E_1 (the order-ε part of ∫𝓔 + ½∫E²), each conserved by the system.
   */
  firstOrderTotals(): { massA: number; massB: number; momentum: [number, number, number]; energy: number } {
    const n = this.nx;
    const dx = this.length / n;
    const u0 = this.zerothOrder(this.state);
    const u1 = this.firstOrder(this.state);
    const e0 = this.fieldOf(u0);
    const e1 = this.fieldOf(u1);
    const sum = (v: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += u1[v * n + i]!;
      return s * dx;
    };
    let fieldPart = 0;
    for (let i = 0; i < n; i++) fieldPart += e0[i]! * e1[i]! * dx;
    return {
      massA: sum(NA),
      massB: sum(NB),
      momentum: [sum(M1), sum(M2), sum(M3)],
      energy: sum(EN) + fieldPart,
    };
  }

  /** The first-order variables n_1^α, u_1, θ_1 (θ_1 = (p_1 − θ ñ_1)/ñ) and E_1. */
  firstOrderState(): FirstOrderProfiles {
    const n = this.nx;
    const u0 = this.zerothOrder(this.state);
    const u1 = this.firstOrder(this.state);
    const p = this.profilesOf(u0);
    const [mA, mB] = this.species.masses;
    const out: FirstOrderProfiles = {
      densityA: Float64Array.from(u1.subarray(NA * n, NA * n + n)),
      densityB: Float64Array.from(u1.subarray(NB * n, NB * n + n)),
      velocity: [new Float64Array(n), new Float64Array(n), new Float64Array(n)],
      temperature: new Float64Array(n),
      field: this.fieldOf(u1),
    };
    for (let i = 0; i < n; i++) {
      const rho = mA * p.densityA[i]! + mB * p.densityB[i]!;
      const rho1 = mA * out.densityA[i]! + mB * out.densityB[i]!;
      const vel = [p.velocity[0][i]!, p.velocity[1][i]!, p.velocity[2][i]!];
      const m1 = [u1[M1 * n + i]!, u1[M2 * n + i]!, u1[M3 * n + i]!];
      for (let d = 0; d < 3; d++) out.velocity[d]![i] = (m1[d]! - rho1 * vel[d]!) / rho;
      const p1 =
        (2 / 3) *
        (u1[EN * n + i]! -
          (vel[0]! * m1[0]! + vel[1]! * m1[1]! + vel[2]! * m1[2]!) +
          0.5 * rho1 * (vel[0]! ** 2 + vel[1]! ** 2 + vel[2]! ** 2));
      const total = p.densityA[i]! + p.densityB[i]!;
      const total1 = out.densityA[i]! + out.densityB[i]!;
      out.temperature[i] = (p1 - p.temperature[i]! * total1) / total;
    }
    return out;
  }
}

/**
 * Two-fluid Euler–Poisson, the ε → 0 limit of the two-species VPB system (PHYSICS.md §2, the paper's
 * eq. 2.2/2.4), in 1D periodic x on the kinetic solver's own grid: n_x cells of width Δx = ℓ/n_x with
 * centres x_i = (i + ½)Δx. float64 throughout. Its state sets the local bi-Maxwellian F_0 that the
 * remainder F_R = F_ε − F_0 is measured against (PHYSICS.md §3). Unknowns per cell, conserved form
 * (variables.ts):
 *
 *   U = (n_A, n_B, ρu1, ρu2, ρu3, 𝓔),   ρ = m_A n_A + m_B n_B,   ñ = n_A + n_B,   p = ñθ,
 *   𝓔 = ρ|u|²/2 + (3/2) p   (adiabatic index γ_ad = 5/3),
 *   ∂t U + ∂x Φ(U) = (0, 0, n_e E, 0, 0, n_e E u1),   ∂x E = n_e − n̄_e,   n_e = e_A n_A + e_B n_B,
 *   Φ = (n_A u1, n_B u1, ρu1² + p, ρu1u2, ρu1u3, (𝓔 + p)u1);   u2, u3 are only advected.
 * E comes from poissonSolveFft (the kinetic solver's Poisson solve: div E = n_e − n̄_e, force e_α E).
 *
 * Two schemes (RemainderConfig.fluid):
 * - 'finiteVolume' (default, finiteVolume.ts): MUSCL reconstruction of the primitives with the van
 *   Albada slope with an ε ∝ Δx³ floor (second order also at smooth extrema, where TVD limiters such
 *   as MC or minmod — also offered — clip to first order), HLLC flux with the mixture sound speed
 *   c = √(γ_ad p/ρ) (Rusanov offered), SSP-RK3 in time: second order in space, third in time. Mass and
 *   momentum are conserved to rounding; total energy with the field ½∫E² is conserved exactly by the
 *   semi-discretisation; what is left is RK3's error on the quadratic field energy, O(Δt⁴) a step,
 *   O(Δt³) over a run (6.9e−7 relative over t = 1 through shocks at CFL 0.4). Captures shocks.
 * - 'spectral' (spectral.ts): Fourier collocation on the same points, classical RK4, and an
 *   exponential filter exp(−36 (|k|/k_max)^36) after each step. Spectral in space, fourth order in
 *   time. For SMOOTH data only.
 *
 * Time step (both): Δt ≤ CFL·Δx / max(|u1| + c) with CFL = 0.4, and Δt ≤ 0.1/ω_p when charged, with
 * ω_p² = max_i n_e,i²/ρ_i the plasma frequency of the locked fluid (PHYSICS.md §5 item 6).
 * advance(Δt) takes as many equal sub-steps as that needs, so the kinetic engine can call it in
 * lock-step with its own Δt.
 */
import type { GridConfig, PerturbationConfig, RemainderConfig, SpeciesConfig } from '../config';
import { fieldEnergy, poissonSolveFft } from '../poisson';
import { FiniteVolumeRhs } from './finiteVolume';
import type { SlopeLimiter } from './limiters';
import type { RiemannFlux } from './riemann';
import { SpectralRhs } from './spectral';
import { type Rhs, type StageArrays, stageArrays, stepRk4, stepSspRk3 } from './timeSteppers';
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
} from './variables';

/** The two discretisations ("auto" in a config is the remainder monitor's choice between them). */
export type FluidScheme = Exclude<NonNullable<RemainderConfig['fluid']>, 'auto'>;

/** The fluid's primitive state on the periodic cell-centred grid (n_x = densityA.length cells). */
export interface FluidState {
  /** The period ℓ of x. */
  readonly length: number;
  readonly densityA: Float64Array;
  readonly densityB: Float64Array;
  /** The common (mixture) velocity u = Σ m_α n_α u_α / ρ, components (u1, u2, u3). */
  readonly velocity: readonly [Float64Array, Float64Array, Float64Array];
  /** The common temperature θ (energy units), p = (n_A + n_B) θ. */
  readonly temperature: Float64Array;
  /**
   * The species the state belongs to, as fluidStateFromConfig records them, so that
   * `new TwoFluidEulerPoisson(state, { scheme })` needs no more; EulerPoissonParams overrides them.
   */
  readonly species?: FluidSpecies;
}

/** m_α, e_α and the field switch: what the fluid needs to know about the two species. */
export interface FluidSpecies {
  /** m_A, m_B > 0. */
  readonly masses: readonly [number, number];
  /** e_A, e_B (any sign, 0 = neutral). */
  readonly charges: readonly [number, number];
  /** false: E ≡ 0 (the run config's field.enabled). Default true. */
  readonly fieldEnabled?: boolean;
}

/** Solver parameters; masses and charges may be left out when the state carries `species`. */
export interface EulerPoissonParams extends Partial<FluidSpecies> {
  /** Default 'finiteVolume'. */
  readonly scheme?: FluidScheme;
  /** Finite volume only. Default 'vanAlbada'. */
  readonly limiter?: SlopeLimiter;
  /** Finite volume only. Default 'hllc'. */
  readonly flux?: RiemannFlux;
  /** Courant number on max(|u1| + c). Default 0.4. */
  readonly cfl?: number;
  /** Bound on ω_p Δt. Default 0.1. */
  readonly plasmaPhaseStep?: number;
  /** Spectral only: order of the exponential filter (even). Default 36. */
  readonly filterOrder?: number;
}

/** Domain totals (∫ dx by the midpoint rule, compensated sums). */
export interface FluidTotals {
  readonly massA: number;
  readonly massB: number;
  /** ∫ ρu dx. */
  readonly momentum: readonly [number, number, number];
  /** ∫ ρ|u|²/2 dx. */
  readonly energyKinetic: number;
  /** ∫ (3/2) ñθ dx. */
  readonly energyInternal: number;
  /** ½ ∫ E² dx. */
  readonly energyField: number;
  /** Kinetic + internal + field: the invariant. */
  readonly energyTotal: number;
}

/** The solver's evolving state (exportState/restoreState): conserved variables [var][cell] and the clock. */
export interface FluidSolverState {
  readonly conserved: Float64Array;
  /** Time advanced so far and internal sub-steps taken. */
  readonly time: number;
  readonly substeps: number;
}

/** The parts of SimulationConfig the fluid needs (a SimulationConfig fits). */
export interface FluidConfigInput {
  readonly species: readonly [SpeciesConfig, SpeciesConfig];
  readonly grid: Pick<GridConfig, 'nx' | 'length'>;
  readonly perturbation: PerturbationConfig;
  readonly field?: { readonly enabled: boolean };
  readonly remainder?: { readonly fluid?: RemainderConfig['fluid'] };
}

/**
 * The fluid initial state matching the kinetic initial data of physics/initialData.ts: per species
 * n_α(x_i) = n̄_α(1 + a cos(2πjx_i/ℓ)) and θ_α(x_i) = θ̄_α (fixed, "density") or θ̄_α(n_α/n̄_α)^{2/3}
 * ("isentropic"), drift u_α, at the same centres x_i = (i + ½)ℓ/n_x. The fluid needs ONE u and ONE θ:
 * we take the local bi-Maxwellian with the same n_A, n_B, momentum and energy as the two drifting
 * Maxwellians (PHYSICS.md §1's equilibrium), i.e. the state collisions relax the data to at ε → 0:
 *   u = Σ m_α n_α u_α / ρ,   θ = Σ n_α θ_α / ñ + Σ m_α n_α |u_α − u|² / (3ñ).
 * With equal drifts and temperatures this is the data itself (well-prepared, PHYSICS.md §2).
 */
export function fluidStateFromConfig(config: FluidConfigInput): FluidState {
  const { nx, length } = config.grid;
  const [a, b] = config.species;
  const { kind, amplitude, mode } = config.perturbation;
  const densityA = new Float64Array(nx);
  const densityB = new Float64Array(nx);
  const velocity = [new Float64Array(nx), new Float64Array(nx), new Float64Array(nx)] as const;
  const temperature = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    const x = ((i + 0.5) * length) / nx; // = cellCentres(nx, length)[i]
    const ratio = 1 + amplitude * Math.cos((2 * Math.PI * mode * x) / length);
    const thetaFactor = kind === 'isentropic' ? ratio ** (2 / 3) : 1;
    const nA = a.density * ratio;
    const nB = b.density * ratio;
    const rho = a.mass * nA + b.mass * nB;
    let spread = 0;
    for (let d = 0; d < 3; d++) {
      const u = (a.mass * nA * a.drift[d]! + b.mass * nB * b.drift[d]!) / rho;
      velocity[d]![i] = u;
      spread += a.mass * nA * (a.drift[d]! - u) ** 2 + b.mass * nB * (b.drift[d]! - u) ** 2;
    }
    densityA[i] = nA;
    densityB[i] = nB;
    temperature[i] = ((nA * a.temperature + nB * b.temperature) * thetaFactor + spread / 3) / (nA + nB);
  }
  return { length, densityA, densityB, velocity, temperature, species: fluidParamsFromConfig(config) };
}

/** Masses, charges, field switch and scheme from a run config. */
export function fluidParamsFromConfig(config: FluidConfigInput): Required<FluidSpecies> & EulerPoissonParams {
  const [a, b] = config.species;
  return {
    masses: [a.mass, b.mass],
    charges: [a.charge, b.charge],
    fieldEnabled: config.field?.enabled ?? true,
    // a solver on its own cannot hand over ("auto" is the remainder monitor's): finite volumes,
    // which capture shocks, unless the config asks for the spectral scheme
    scheme: config.remainder?.fluid === 'spectral' ? 'spectral' : 'finiteVolume',
  };
}

/** Neumaier-compensated sum of a[offset .. offset + count). */
function compensatedSum(a: ArrayLike<number>, offset = 0, count = a.length): number {
  let sum = 0;
  let c = 0;
  for (let i = offset; i < offset + count; i++) {
    const x = a[i]!;
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

/**
 * The two-fluid Euler–Poisson solver. State is kept in conserved variables; the getters return fresh
 * primitive arrays. advance(Δt) sub-steps as its own CFL and plasma-frequency limits need.
 */
export class TwoFluidEulerPoisson {
  readonly nx: number;
  readonly length: number;
  readonly dx: number;
  readonly scheme: FluidScheme;
  private readonly massA: number;
  private readonly massB: number;
  private readonly chargeA: number;
  private readonly chargeB: number;
  /** E is nonzero at all: field on and some species charged. */
  private readonly charged: boolean;
  private readonly cfl: number;
  private readonly plasmaPhaseStep: number;
  /** Grid and species as the discretisations see them. */
  private readonly grid: MixtureGrid;
  /** The semi-discretisation's dU/dt = L(U); `spectral` is set when the scheme is 'spectral'. */
  private readonly rhs: Rhs;
  private readonly spectral: SpectralRhs | null = null;

  private readonly u: Float64Array; // conserved state
  private readonly stages: StageArrays;
  private readonly prim: Float64Array;
  private readonly charge: Float64Array;
  private readonly kinetic: Float64Array;

  private elapsed = 0;
  private stepsTaken = 0;

  /** Throws the RangeError for a state with no physical primitives (n_α < 0, ρ ≤ 0 or p ≤ 0). */
  private readonly nonPhysical: NonPhysicalState = (i, nA, nB, p) => {
    throw new RangeError(
      `TwoFluidEulerPoisson (${this.scheme}): non-physical state at cell ${i}, t ≈ ${this.elapsed}: ` +
        `n_A=${nA}, n_B=${nB}, p=${p}` +
        (this.scheme === 'spectral' ? ' (the spectral scheme is for smooth data only)' : ''),
    );
  };

  constructor(state: FluidState, params: EulerPoissonParams = {}) {
    const n = state.densityA.length;
    const masses = params.masses ?? state.species?.masses;
    const charges = params.charges ?? state.species?.charges;
    if (!masses || !charges) {
      throw new RangeError('TwoFluidEulerPoisson: masses and charges come from params or state.species');
    }
    const arrays = [state.densityB, ...state.velocity, state.temperature];
    if (n < 1 || arrays.some((a) => a.length !== n)) {
      throw new RangeError(`TwoFluidEulerPoisson: state arrays must share one length n_x ≥ 1 (got ${n})`);
    }
    if (!(state.length > 0) || !Number.isFinite(state.length)) {
      throw new RangeError(`TwoFluidEulerPoisson: length ℓ must be finite and > 0 (got ${state.length})`);
    }
    const [mA, mB] = masses;
    if (!(mA > 0 && mB > 0))
      throw new RangeError(`TwoFluidEulerPoisson: masses must be > 0 (got ${mA}, ${mB})`);
    this.nx = n;
    this.length = state.length;
    this.dx = state.length / n;
    this.scheme = params.scheme ?? 'finiteVolume';
    this.massA = mA;
    this.massB = mB;
    this.chargeA = charges[0];
    this.chargeB = charges[1];
    const fieldEnabled = params.fieldEnabled ?? state.species?.fieldEnabled ?? true;
    this.charged = fieldEnabled && (this.chargeA !== 0 || this.chargeB !== 0);
    this.cfl = params.cfl ?? 0.4;
    this.plasmaPhaseStep = params.plasmaPhaseStep ?? 0.1;
    this.grid = {
      nx: n,
      length: this.length,
      dx: this.dx,
      massA: mA,
      massB: mB,
      chargeA: this.chargeA,
      chargeB: this.chargeB,
      charged: this.charged,
    };

    this.u = new Float64Array(NVAR * n);
    this.stages = stageArrays(NVAR * n);
    this.prim = new Float64Array(NVAR * n);
    this.charge = new Float64Array(n);
    this.kinetic = new Float64Array(n);

    let scaleA = 0;
    let scaleB = 0;
    let scaleU = 0;
    let scaleP = 0;
    for (let i = 0; i < n; i++) {
      const nA = state.densityA[i]!;
      const nB = state.densityB[i]!;
      const theta = state.temperature[i]!;
      const rho = mA * nA + mB * nB;
      if (!(nA >= 0 && nB >= 0 && rho > 0 && theta > 0)) {
        throw new RangeError(`TwoFluidEulerPoisson: cell ${i} has n_A=${nA}, n_B=${nB}, θ=${theta}`);
      }
      const u1 = state.velocity[0][i]!;
      const u2 = state.velocity[1][i]!;
      const u3 = state.velocity[2][i]!;
      const p = (nA + nB) * theta;
      this.u[NA * n + i] = nA;
      this.u[NB * n + i] = nB;
      this.u[M1 * n + i] = rho * u1;
      this.u[M2 * n + i] = rho * u2;
      this.u[M3 * n + i] = rho * u3;
      this.u[EN * n + i] = 0.5 * rho * (u1 * u1 + u2 * u2 + u3 * u3) + 1.5 * p;
      scaleA += nA / n;
      scaleB += nB / n;
      scaleP += p / n;
      scaleU = Math.max(scaleU, Math.hypot(u1, u2, u3) + Math.sqrt((ADIABATIC_INDEX * p) / rho));
    }

    if (this.scheme === 'spectral') {
      const spectral = new SpectralRhs(this.grid, params.filterOrder ?? 36, this.nonPhysical);
      this.spectral = spectral;
      this.rhs = (u, out) => spectral.evaluate(u, out);
    } else {
      const scales = [scaleA, scaleB, scaleU, scaleU, scaleU, scaleP];
      const finiteVolume = new FiniteVolumeRhs(
        this.grid,
        scales,
        params.limiter ?? 'vanAlbada',
        params.flux ?? 'hllc',
        this.nonPhysical,
      );
      this.rhs = (u, out) => finiteVolume.evaluate(u, out);
    }
  }

  /** A solver with the run config's initial data and parameters (overrides win). */
  static fromConfig(
    config: FluidConfigInput,
    overrides: Partial<EulerPoissonParams> = {},
  ): TwoFluidEulerPoisson {
    return new TwoFluidEulerPoisson(fluidStateFromConfig(config), {
      ...fluidParamsFromConfig(config),
      ...overrides,
    });
  }

  /** Time advanced so far (sum of the Δt given to advance). */
  get time(): number {
    return this.elapsed;
  }

  /** Internal sub-steps taken so far. */
  get substeps(): number {
    return this.stepsTaken;
  }

  /**
   * Everything advance() reads that changes over a run (for checkpoints): the conserved state
   * (a copy) and the clock. The rest (van Albada's ε scales, filters, work arrays) is fixed by the
   * constructor or rewritten before use, so a solver built from the same initial state and given
   * this back continues bit-identically.
   */
  exportState(): FluidSolverState {
    return { conserved: this.u.slice(), time: this.elapsed, substeps: this.stepsTaken };
  }

  /** Puts back a state from exportState() of a solver with the same grid (throws RangeError otherwise). */
  restoreState(state: FluidSolverState): void {
    const { conserved, time, substeps } = state;
    if (conserved.length !== this.u.length) {
      throw new RangeError(
        `TwoFluidEulerPoisson.restoreState: ${conserved.length} conserved values, this grid has ${this.u.length}`,
      );
    }
    if (!(Number.isFinite(time) && time >= 0 && Number.isSafeInteger(substeps) && substeps >= 0)) {
      throw new RangeError(
        `TwoFluidEulerPoisson.restoreState: bad clock (time ${time}, substeps ${substeps})`,
      );
    }
    this.u.set(conserved);
    this.elapsed = time;
    this.stepsTaken = substeps;
  }

  get densityA(): Float64Array {
    return this.u.slice(NA * this.nx, (NA + 1) * this.nx);
  }

  get densityB(): Float64Array {
    return this.u.slice(NB * this.nx, (NB + 1) * this.nx);
  }

  get velocity(): [Float64Array, Float64Array, Float64Array] {
    const n = this.nx;
    const out: [Float64Array, Float64Array, Float64Array] = [
      new Float64Array(n),
      new Float64Array(n),
      new Float64Array(n),
    ];
    for (let i = 0; i < n; i++) {
      const rho = this.massA * this.u[NA * n + i]! + this.massB * this.u[NB * n + i]!;
      for (let d = 0; d < 3; d++) out[d]![i] = this.u[(M1 + d) * n + i]! / rho;
    }
    return out;
  }

  get temperature(): Float64Array {
    const n = this.nx;
    this.primitives();
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.prim[EN * n + i]! / (this.u[NA * n + i]! + this.u[NB * n + i]!);
    return out;
  }

  get pressure(): Float64Array {
    this.primitives();
    return this.prim.slice(EN * this.nx, (EN + 1) * this.nx);
  }

  /** The primitive state (a copy), e.g. to build the local bi-Maxwellian μ of PHYSICS.md §3. */
  get state(): FluidState {
    return {
      species: {
        masses: [this.massA, this.massB],
        charges: [this.chargeA, this.chargeB],
        fieldEnabled: this.charged || (this.chargeA === 0 && this.chargeB === 0),
      },
      length: this.length,
      densityA: this.densityA,
      densityB: this.densityB,
      velocity: this.velocity,
      temperature: this.temperature,
    };
  }

  /** E(x_i) of the current densities (zeros when uncharged or the field is off). */
  get field(): Float64Array {
    if (!this.charged) return new Float64Array(this.nx);
    netCharge(this.u, this.charge, this.grid);
    return poissonSolveFft(this.charge, this.length).field;
  }

  /** Conserved totals: n_A, n_B, momentum, and energy with the field ½∫E² dx. */
  totals(): FluidTotals {
    const n = this.nx;
    const { u, dx, kinetic } = this;
    for (let i = 0; i < n; i++) {
      const rho = this.massA * u[NA * n + i]! + this.massB * u[NB * n + i]!;
      kinetic[i] = (0.5 * (u[M1 * n + i]! ** 2 + u[M2 * n + i]! ** 2 + u[M3 * n + i]! ** 2)) / rho;
    }
    const energyKinetic = compensatedSum(kinetic) * dx;
    const energyMechanical = compensatedSum(u, EN * n, n) * dx;
    const energyField = this.charged ? fieldEnergy(this.field, this.length) : 0;
    return {
      massA: compensatedSum(u, NA * n, n) * dx,
      massB: compensatedSum(u, NB * n, n) * dx,
      momentum: [
        compensatedSum(u, M1 * n, n) * dx,
        compensatedSum(u, M2 * n, n) * dx,
        compensatedSum(u, M3 * n, n) * dx,
      ],
      energyKinetic,
      energyInternal: energyMechanical - energyKinetic,
      energyField,
      energyTotal: energyMechanical + energyField,
    };
  }

  /** The largest stable sub-step for the current state: CFL on |u1| + c, and ω_p Δt ≤ 0.1 if charged. */
  stableTimeStep(): number {
    const n = this.nx;
    this.primitives();
    let speed = 0;
    let omega2 = 0;
    for (let i = 0; i < n; i++) {
      const nA = this.prim[NA * n + i]!;
      const nB = this.prim[NB * n + i]!;
      const rho = this.massA * nA + this.massB * nB;
      const c = Math.sqrt((ADIABATIC_INDEX * this.prim[EN * n + i]!) / rho);
      speed = Math.max(speed, Math.abs(this.prim[M1 * n + i]!) + c);
      if (this.charged) omega2 = Math.max(omega2, (this.chargeA * nA + this.chargeB * nB) ** 2 / rho);
    }
    let dt = (this.cfl * this.dx) / speed;
    if (omega2 > 0) dt = Math.min(dt, this.plasmaPhaseStep / Math.sqrt(omega2));
    return dt;
  }

  /** Advance by dt (≥ 0) in equal sub-steps, each within stableTimeStep() when it starts. */
  advance(dt: number): void {
    if (!(dt >= 0) || !Number.isFinite(dt))
      throw new RangeError(`TwoFluidEulerPoisson.advance: bad dt ${dt}`);
    let remaining = dt;
    while (remaining > 0) {
      // Re-planned every sub-step so a speed-up during a long advance cannot outrun the CFL limit.
      const count = Math.ceil((remaining / this.stableTimeStep()) * (1 - 1e-12));
      const h = count <= 1 ? remaining : remaining / count;
      if (this.spectral) {
        stepRk4(this.u, h, this.rhs, this.stages);
        this.spectral.filter(this.u);
      } else {
        stepSspRk3(this.u, h, this.rhs, this.stages);
      }
      this.stepsTaken++;
      remaining = count <= 1 ? 0 : remaining - h;
    }
    this.elapsed += dt;
  }

  /** W = (n_A, n_B, u1, u2, u3, p) of the current state into this.prim. */
  private primitives(): void {
    toPrimitives(this.u, this.prim, this.nx, this.grid, this.nonPhysical);
  }
}

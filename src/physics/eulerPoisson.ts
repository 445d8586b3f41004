/**
 * Two-fluid Euler–Poisson, the ε → 0 limit of the two-species VPB system (PHYSICS.md §2, the paper's
 * eq. 2.2/2.4), in 1D periodic x on the kinetic solver's own grid: n_x cells of width Δx = ℓ/n_x with
 * centres x_i = (i + ½)Δx. float64 throughout. Unknowns per cell, conserved form:
 *
 *   U = (n_A, n_B, ρu1, ρu2, ρu3, 𝓔),   ρ = m_A n_A + m_B n_B,   ñ = n_A + n_B,   p = ñθ,
 *   𝓔 = ρ|u|²/2 + (3/2) p   (adiabatic index γ_ad = 5/3),
 *   ∂t U + ∂x Φ(U) = (0, 0, n_e E, 0, 0, n_e E u1),   ∂x E = n_e − n̄_e,   n_e = e_A n_A + e_B n_B,
 *   Φ = (n_A u1, n_B u1, ρu1² + p, ρu1u2, ρu1u3, (𝓔 + p)u1);   u2, u3 are only advected.
 * E comes from poissonSolveFft (the kinetic solver's Poisson solve: div E = n_e − n̄_e, force e_α E).
 *
 * Two schemes (RemainderConfig.fluid):
 * - 'finiteVolume' (default): MUSCL reconstruction of the primitives (n_A, n_B, u1, u2, u3, p) with the
 *   van Albada slope with an ε ∝ Δx³ floor (second order also at smooth extrema, where TVD limiters such
 *   as MC or minmod — also offered — clip to first order), HLLC flux with the mixture sound speed
 *   c = √(γ_ad p/ρ) (Rusanov offered), SSP-RK3 in time: second order in space, third in time. Mass and
 *   momentum are conserved to rounding; total energy with the field ½∫E² is conserved exactly by the
 *   semi-discretisation (see fvRhs); what is left is RK3's error on the quadratic field energy,
 *   O(Δt⁴) a step, O(Δt³) over a run (6.9e−7 relative over t = 1 through shocks at CFL 0.4).
 *   Captures shocks.
 * - 'spectral': Fourier collocation on the same points (fft1d for powers of two, a direct DFT
 *   otherwise), classical RK4, and an exponential filter exp(−36 (|k|/k_max)^36) after each step.
 *   Spectral in space, fourth order in time. For SMOOTH data only: it has no shock capturing (a
 *   steepening wave turns into Gibbs oscillations and, eventually, a negative pressure error).
 *
 * Time step (both): Δt ≤ CFL·Δx / max(|u1| + c) with CFL = 0.4, and Δt ≤ 0.1/ω_p when charged, with
 * ω_p² = max_i n_e,i²/ρ_i the plasma frequency of the locked fluid (PHYSICS.md §5 item 6).
 * advance(Δt) takes as many equal sub-steps as that needs, so the kinetic engine can call it in
 * lock-step with its own Δt.
 */
import type { GridConfig, PerturbationConfig, RemainderConfig, SpeciesConfig } from './config';
import { fft1d } from './fft';
import { fieldEnergy, poissonSolveFft } from './poisson';

/** γ_ad of a monatomic gas: 𝓔 = ρ|u|²/2 + p/(γ_ad − 1). */
export const ADIABATIC_INDEX = 5 / 3;

export type FluidScheme = NonNullable<RemainderConfig['fluid']>;
export type SlopeLimiter = 'vanAlbada' | 'mc' | 'minmod';
export type RiemannFlux = 'hllc' | 'rusanov';

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
  readonly remainder?: { readonly fluid?: FluidScheme };
}

/**
 * The fluid initial state matching the kinetic initial data of engine/initialData.ts: per species
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
    scheme: config.remainder?.fluid ?? 'finiteVolume',
  };
}

// Conserved-variable slots; arrays of 6 n_x values are stored variable-major: U[v·n_x + i].
const NA = 0;
const NB = 1;
const M1 = 2;
const M2 = 3;
const M3 = 4;
const EN = 5; // in the primitive array W this slot holds p
const NVAR = 6;

type Limiter = (a: number, b: number, eps: number) => number;

/** minmod: the most diffusive TVD slope. */
const minmod: Limiter = (a, b) => (a * b <= 0 ? 0 : Math.sign(a) * Math.min(Math.abs(a), Math.abs(b)));

/** Monotonised central (van Leer): min(2|a|, 2|b|, |a + b|/2); TVD, first order at extrema. */
const monotonisedCentral: Limiter = (a, b) =>
  a * b <= 0 ? 0 : Math.sign(a) * Math.min(2 * Math.abs(a), 2 * Math.abs(b), 0.5 * Math.abs(a + b));

/**
 * van Albada, van Leer & Roberts (1982) slope ((b² + ε)a + (a² + ε)b)/(a² + b² + 2ε). Where both
 * differences are ≪ √ε (smooth extrema: they are O(Δx²) there while √ε ∝ Δx^{3/2}) it is the central
 * slope, so second order survives at extrema; where they are large it limits like a smooth TVD slope.
 * For ab < 0 only the ε parts are kept (→ 0 across a real jump, → central inside the ε floor).
 */
const vanAlbada: Limiter = (a, b, eps) =>
  a * b > 0
    ? ((b * b + eps) * a + (a * a + eps) * b) / (a * a + b * b + 2 * eps)
    : (eps * (a + b)) / (a * a + b * b + 2 * eps);

const LIMITERS: Record<SlopeLimiter, Limiter> = { vanAlbada, mc: monotonisedCentral, minmod };

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
 * Real periodic signals through a Hermitian Fourier multiplier m(k) (k ≥ 0; m(−k) = conj m(k)):
 * out = IDFT(m · DFT(f)). fft1d when n_x is a power of two, a direct O(n_x²) DFT otherwise.
 */
class PeriodicSpectrum {
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cosTable: Float64Array;
  private readonly sinTable: Float64Array;
  private readonly powerOfTwo: boolean;
  /** Highest non-negative mode index kept in the half spectrum: ⌊n/2⌋. */
  readonly half: number;

  constructor(readonly n: number) {
    this.half = Math.floor(n / 2);
    this.powerOfTwo = (n & (n - 1)) === 0;
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.cosTable = Float64Array.from({ length: n }, (_, m) => Math.cos((2 * Math.PI * m) / n));
    this.sinTable = Float64Array.from({ length: n }, (_, m) => Math.sin((2 * Math.PI * m) / n));
  }

  apply(
    f: Float64Array,
    fOffset: number,
    out: Float64Array,
    outOffset: number,
    mRe: Float64Array,
    mIm: Float64Array,
  ) {
    const { n, re, im, half } = this;
    if (this.powerOfTwo) {
      for (let j = 0; j < n; j++) {
        re[j] = f[fOffset + j]!;
        im[j] = 0;
      }
      fft1d(re, im);
      for (let q = 0; q < n; q++) {
        const k = q <= half ? q : n - q;
        const sr = mRe[k]!;
        const si = q <= half ? mIm[k]! : -mIm[k]!;
        const xr = re[q]!;
        const xi = im[q]!;
        re[q] = xr * sr - xi * si;
        im[q] = xr * si + xi * sr;
      }
      fft1d(re, im, true);
      for (let j = 0; j < n; j++) out[outOffset + j] = re[j]!;
      return;
    }
    // Direct DFT of the half spectrum X_k = Σ_j f_j e^{−2πijk/n}, k = 0..⌊n/2⌋, times m(k).
    const { cosTable, sinTable } = this;
    for (let k = 0; k <= half; k++) {
      let xr = 0;
      let xi = 0;
      for (let j = 0, m = 0; j < n; j++, m = (m + k) % n) {
        const v = f[fOffset + j]!;
        xr += v * cosTable[m]!;
        xi -= v * sinTable[m]!;
      }
      re[k] = xr * mRe[k]! - xi * mIm[k]!;
      im[k] = xr * mIm[k]! + xi * mRe[k]!;
    }
    // Hermitian synthesis: f_j = (1/n)[X_0 + 2 Σ_{0<k<n/2} Re(X_k e^{2πijk/n}) + X_{n/2}(−1)^j].
    const even = n % 2 === 0;
    for (let j = 0; j < n; j++) {
      let s = re[0]!;
      for (let k = 1, m = j; k <= half; k++, m = (m + j) % n) {
        const term = re[k]! * cosTable[m]! - im[k]! * sinTable[m]!;
        s += even && k === half ? term : 2 * term;
      }
      out[outOffset + j] = s / n;
    }
  }
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
  private readonly limiter: Limiter;
  private readonly useHllc: boolean;
  /** van Albada's ε per primitive variable: (Δx/ℓ)³ × (the variable's scale)². */
  private readonly epsilon = new Float64Array(NVAR);

  private u: Float64Array; // conserved state
  private stage: Float64Array;
  private work: Float64Array;
  private readonly rhs: Float64Array;
  private readonly prim: Float64Array;
  private readonly slope: Float64Array;
  private readonly faceFlux: Float64Array;
  private readonly charge: Float64Array;
  private readonly scratch: Float64Array;
  private readonly left = new Float64Array(NVAR);
  private readonly right = new Float64Array(NVAR);
  private readonly flux = new Float64Array(NVAR);
  private readonly fluxL = new Float64Array(NVAR);
  private readonly fluxR = new Float64Array(NVAR);
  private readonly consL = new Float64Array(NVAR);
  private readonly consR = new Float64Array(NVAR);

  private readonly spectrum: PeriodicSpectrum | null = null;
  private readonly derivRe: Float64Array;
  private readonly derivIm: Float64Array;
  private readonly filterRe: Float64Array;
  private readonly filterIm: Float64Array;

  private elapsed = 0;
  private stepsTaken = 0;

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
    this.limiter = LIMITERS[params.limiter ?? 'vanAlbada'];
    this.useHllc = (params.flux ?? 'hllc') === 'hllc';

    this.u = new Float64Array(NVAR * n);
    this.stage = new Float64Array(NVAR * n);
    this.work = new Float64Array(NVAR * n);
    this.rhs = new Float64Array(NVAR * n);
    this.prim = new Float64Array(NVAR * n);
    this.slope = new Float64Array(NVAR * n);
    this.faceFlux = new Float64Array(NVAR * n);
    this.charge = new Float64Array(n);
    this.scratch = new Float64Array(n);

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
    const floor = (this.dx / this.length) ** 3;
    const scales = [scaleA, scaleB, scaleU, scaleU, scaleU, scaleP];
    scales.forEach((s, v) => {
      this.epsilon[v] = floor * (s > 0 ? s * s : 1);
    });

    const half = Math.floor(n / 2);
    this.derivRe = new Float64Array(half + 1);
    this.derivIm = new Float64Array(half + 1);
    this.filterRe = new Float64Array(half + 1);
    this.filterIm = new Float64Array(half + 1);
    if (this.scheme === 'spectral') {
      this.spectrum = new PeriodicSpectrum(n);
      const order = params.filterOrder ?? 36;
      for (let k = 0; k <= half; k++) {
        // ∂x ↔ iκ_k; the Nyquist mode (even n) is dropped, as poissonSolveFft drops it from E.
        this.derivIm[k] = n % 2 === 0 && k === half ? 0 : (2 * Math.PI * k) / this.length;
        // exp(−α η^p), α = 36 ≈ −ln(machine ε): the highest mode is damped to rounding each step.
        this.filterRe[k] = Math.exp(-36 * (k / (n / 2)) ** order);
      }
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
   * Everything advance() reads that changes over a run (checkpoints, issue 8): the conserved state
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
    this.primitives(this.u);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.prim[EN * n + i]! / (this.u[NA * n + i]! + this.u[NB * n + i]!);
    return out;
  }

  get pressure(): Float64Array {
    this.primitives(this.u);
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
    this.netCharge(this.u);
    return poissonSolveFft(this.charge, this.length).field;
  }

  /** Conserved totals: n_A, n_B, momentum, and energy with the field ½∫E² dx. */
  totals(): FluidTotals {
    const n = this.nx;
    const { u, dx } = this;
    const kinetic = this.scratch;
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
    this.primitives(this.u);
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
      if (this.scheme === 'spectral') this.stepRk4(h);
      else this.stepSspRk3(h);
      this.stepsTaken++;
      remaining = count <= 1 ? 0 : remaining - h;
    }
    this.elapsed += dt;
  }

  // ---- time steppers ----

  /** Shu–Osher SSP-RK3: convex combinations of forward-Euler steps (keeps the MUSCL scheme's TVD-ness). */
  private stepSspRk3(h: number): void {
    const { u, stage, work, rhs } = this;
    const size = u.length;
    this.fvRhs(u, rhs);
    for (let q = 0; q < size; q++) stage[q] = u[q]! + h * rhs[q]!;
    this.fvRhs(stage, rhs);
    for (let q = 0; q < size; q++) work[q] = 0.75 * u[q]! + 0.25 * (stage[q]! + h * rhs[q]!);
    this.fvRhs(work, rhs);
    for (let q = 0; q < size; q++) u[q] = u[q]! / 3 + (2 / 3) * (work[q]! + h * rhs[q]!);
  }

  /** Classical RK4 on the collocation RHS, then the exponential filter on every conserved variable. */
  private stepRk4(h: number): void {
    const { u, stage, work, rhs } = this;
    const size = u.length;
    const weights = [h / 6, h / 3, h / 3, h / 6];
    const nextStage = [h / 2, h / 2, h];
    work.set(u);
    this.spectralRhs(u, rhs);
    for (let s = 0; s < 4; s++) {
      if (s > 0) this.spectralRhs(stage, rhs);
      const w = weights[s]!;
      for (let q = 0; q < size; q++) work[q]! += w * rhs[q]!;
      if (s < 3) {
        const a = nextStage[s]!;
        for (let q = 0; q < size; q++) stage[q] = u[q]! + a * rhs[q]!;
      }
    }
    const spectrum = this.spectrum!;
    const n = this.nx;
    for (let v = 0; v < NVAR; v++) spectrum.apply(work, v * n, work, v * n, this.filterRe, this.filterIm);
    [this.u, this.work] = [work, u];
  }

  // ---- right-hand sides ----

  /**
   * Finite-volume RHS: −(Φ_{i+½} − Φ_{i−½})/Δx + sources. The energy source is written so that the
   * semi-discrete total energy Σ𝓔Δx + ½Σ E²Δx is exactly invariant: with F_{i+½} the HLLC charge flux
   * Σ e_α Φ^{n_α}_{i+½}, the discrete densities give dE/dt = −S(D⁻F) (S = poissonSolveFft's spectral
   * antiderivative, D⁻F the flux difference), so the field energy changes by −Δx Σ E_i S(D⁻F)_i and
   * the energy source E_i (S(D⁻F)_i + F̄) returns exactly that (Σ E_i = 0 kills the F̄ term, which keeps
   * the source a consistent, second-order E·J with a uniform current J̄ too). The momentum source
   * n_e E sums to zero exactly (Σ (n_e − n̄_e) E = Σ E ∂xE = 0 spectrally, Σ E = 0).
   */
  private fvRhs(u: Float64Array, out: Float64Array): void {
    const n = this.nx;
    const { prim, slope, faceFlux, left, right, flux, limiter, epsilon } = this;
    this.primitives(u);
    for (let v = 0; v < NVAR; v++) {
      const base = v * n;
      const eps = epsilon[v]!;
      for (let i = 0; i < n; i++) {
        const w = prim[base + i]!;
        const a = w - prim[base + (i === 0 ? n - 1 : i - 1)]!;
        const b = prim[base + (i === n - 1 ? 0 : i + 1)]! - w;
        slope[base + i] = limiter(a, b, eps);
      }
    }
    for (let i = 0; i < n; i++) {
      const j = i === n - 1 ? 0 : i + 1;
      for (let v = 0; v < NVAR; v++) {
        left[v] = prim[v * n + i]! + 0.5 * slope[v * n + i]!;
        right[v] = prim[v * n + j]! - 0.5 * slope[v * n + j]!;
      }
      // A reconstruction that lost positivity (only possible with a steep profile) falls back to the
      // first-order state on that side of the face.
      if (!this.admissible(left)) for (let v = 0; v < NVAR; v++) left[v] = prim[v * n + i]!;
      if (!this.admissible(right)) for (let v = 0; v < NVAR; v++) right[v] = prim[v * n + j]!;
      if (this.useHllc) this.hllc(left, right, flux);
      else this.rusanov(left, right, flux);
      for (let v = 0; v < NVAR; v++) faceFlux[v * n + i] = flux[v]!;
    }
    const invDx = 1 / this.dx;
    for (let v = 0; v < NVAR; v++) {
      const base = v * n;
      for (let i = 0; i < n; i++) {
        out[base + i] = -(faceFlux[base + i]! - faceFlux[base + (i === 0 ? n - 1 : i - 1)]!) * invDx;
      }
    }
    if (!this.charged) return;
    this.netCharge(u);
    const field = poissonSolveFft(this.charge, this.length).field;
    const divergence = this.scratch;
    const { chargeA, chargeB } = this;
    let meanFlux = 0;
    for (let i = 0; i < n; i++) {
      const g = i === 0 ? n - 1 : i - 1;
      const here = chargeA * faceFlux[NA * n + i]! + chargeB * faceFlux[NB * n + i]!;
      const there = chargeA * faceFlux[NA * n + g]! + chargeB * faceFlux[NB * n + g]!;
      divergence[i] = (here - there) * invDx;
      meanFlux += here / n;
    }
    const current = poissonSolveFft(divergence, this.length).field; // S(D⁻F) ≈ J − J̄
    for (let i = 0; i < n; i++) {
      const e = field[i]!;
      out[M1 * n + i]! += this.charge[i]! * e;
      out[EN * n + i]! += e * (current[i]! + meanFlux);
    }
  }

  /**
   * Collocation RHS −∂xΦ(U) + sources with spectral ∂x (Nyquist dropped). The source n_e E u1 = E J
   * balances the field energy exactly in the semi-discretisation: dE/dt = S(−∂x J) = −(J − J̄ − J_Nyq),
   * and Σ E = 0, E ⟂ Nyquist.
   */
  private spectralRhs(u: Float64Array, out: Float64Array): void {
    const n = this.nx;
    const { prim, faceFlux: cellFlux } = this;
    this.primitives(u);
    for (let i = 0; i < n; i++) {
      const u1 = prim[M1 * n + i]!;
      const p = prim[EN * n + i]!;
      cellFlux[NA * n + i] = u[NA * n + i]! * u1;
      cellFlux[NB * n + i] = u[NB * n + i]! * u1;
      cellFlux[M1 * n + i] = u[M1 * n + i]! * u1 + p;
      cellFlux[M2 * n + i] = u[M2 * n + i]! * u1;
      cellFlux[M3 * n + i] = u[M3 * n + i]! * u1;
      cellFlux[EN * n + i] = (u[EN * n + i]! + p) * u1;
    }
    const spectrum = this.spectrum!;
    for (let v = 0; v < NVAR; v++) spectrum.apply(cellFlux, v * n, out, v * n, this.derivRe, this.derivIm);
    for (let q = 0; q < out.length; q++) out[q] = -out[q]!;
    if (!this.charged) return;
    this.netCharge(u);
    const field = poissonSolveFft(this.charge, this.length).field;
    for (let i = 0; i < n; i++) {
      const force = this.charge[i]! * field[i]!;
      out[M1 * n + i]! += force;
      out[EN * n + i]! += force * prim[M1 * n + i]!;
    }
  }

  // ---- pieces ----

  /** n_e = e_A n_A + e_B n_B into this.charge. */
  private netCharge(u: Float64Array): void {
    const n = this.nx;
    for (let i = 0; i < n; i++)
      this.charge[i] = this.chargeA * u[NA * n + i]! + this.chargeB * u[NB * n + i]!;
  }

  /** W = (n_A, n_B, u1, u2, u3, p) from U into this.prim; a non-physical state is an error, not clipped. */
  private primitives(u: Float64Array): void {
    const n = this.nx;
    const w = this.prim;
    for (let i = 0; i < n; i++) {
      const nA = u[NA * n + i]!;
      const nB = u[NB * n + i]!;
      const rho = this.massA * nA + this.massB * nB;
      const m1 = u[M1 * n + i]!;
      const m2 = u[M2 * n + i]!;
      const m3 = u[M3 * n + i]!;
      const p = (2 / 3) * (u[EN * n + i]! - (0.5 * (m1 * m1 + m2 * m2 + m3 * m3)) / rho);
      if (!(nA >= 0 && nB >= 0 && rho > 0 && p > 0)) {
        throw new RangeError(
          `TwoFluidEulerPoisson (${this.scheme}): non-physical state at cell ${i}, t ≈ ${this.elapsed}: ` +
            `n_A=${nA}, n_B=${nB}, p=${p}` +
            (this.scheme === 'spectral' ? ' (the spectral scheme is for smooth data only)' : ''),
        );
      }
      w[NA * n + i] = nA;
      w[NB * n + i] = nB;
      w[M1 * n + i] = m1 / rho;
      w[M2 * n + i] = m2 / rho;
      w[M3 * n + i] = m3 / rho;
      w[EN * n + i] = p;
    }
  }

  private admissible(w: Float64Array): boolean {
    return w[NA]! >= 0 && w[NB]! >= 0 && this.massA * w[NA]! + this.massB * w[NB]! > 0 && w[EN]! > 0;
  }

  /** Φ(W) and U(W) of one primitive state. */
  private physical(w: Float64Array, f: Float64Array, cons: Float64Array | null): void {
    const rho = this.massA * w[NA]! + this.massB * w[NB]!;
    const u1 = w[M1]!;
    const p = w[EN]!;
    const e = 0.5 * rho * (u1 * u1 + w[M2]! ** 2 + w[M3]! ** 2) + 1.5 * p;
    f[NA] = w[NA]! * u1;
    f[NB] = w[NB]! * u1;
    f[M1] = rho * u1 * u1 + p;
    f[M2] = rho * u1 * w[M2]!;
    f[M3] = rho * u1 * w[M3]!;
    f[EN] = (e + p) * u1;
    if (cons) {
      cons[NA] = w[NA]!;
      cons[NB] = w[NB]!;
      cons[M1] = rho * u1;
      cons[M2] = rho * w[M2]!;
      cons[M3] = rho * w[M3]!;
      cons[EN] = e;
    }
  }

  /** Rusanov (local Lax–Friedrichs): ½(Φ_L + Φ_R) − ½ a (U_R − U_L), a = max(|u1| + c). */
  private rusanov(l: Float64Array, r: Float64Array, out: Float64Array): void {
    const { fluxL, fluxR, consL, consR } = this;
    this.physical(l, fluxL, consL);
    this.physical(r, fluxR, consR);
    const a = Math.max(Math.abs(l[M1]!) + this.soundSpeed(l), Math.abs(r[M1]!) + this.soundSpeed(r));
    for (let v = 0; v < NVAR; v++) out[v] = 0.5 * (fluxL[v]! + fluxR[v]!) - 0.5 * a * (consR[v]! - consL[v]!);
  }

  private soundSpeed(w: Float64Array): number {
    return Math.sqrt((ADIABATIC_INDEX * w[EN]!) / (this.massA * w[NA]! + this.massB * w[NB]!));
  }

  /**
   * HLLC (Toro, Spruce & Speares 1994) with Davis wave speeds S_L = min(u_L − c_L, u_R − c_R),
   * S_R = max(u_L + c_L, u_R + c_R). Species densities and u2, u3 ride on the contact: the star states
   * scale n_α by χ = (S_K − u_K)/(S_K − S*) like ρ, so the mixture ratio n_A/n_B jumps only at S*.
   */
  private hllc(l: Float64Array, r: Float64Array, out: Float64Array): void {
    const { fluxL, fluxR, consL, consR } = this;
    const uL = l[M1]!;
    const uR = r[M1]!;
    const cL = this.soundSpeed(l);
    const cR = this.soundSpeed(r);
    const sL = Math.min(uL - cL, uR - cR);
    const sR = Math.max(uL + cL, uR + cR);
    if (sL >= 0) {
      this.physical(l, out, null);
      return;
    }
    if (sR <= 0) {
      this.physical(r, out, null);
      return;
    }
    this.physical(l, fluxL, consL);
    this.physical(r, fluxR, consR);
    const rhoL = this.massA * l[NA]! + this.massB * l[NB]!;
    const rhoR = this.massA * r[NA]! + this.massB * r[NB]!;
    const pL = l[EN]!;
    const pR = r[EN]!;
    const sStar =
      (pR - pL + rhoL * uL * (sL - uL) - rhoR * uR * (sR - uR)) / (rhoL * (sL - uL) - rhoR * (sR - uR));
    // The face sits in the left star region when S* ≥ 0, in the right one otherwise.
    const leftSide = sStar >= 0;
    const w = leftSide ? l : r;
    const f = leftSide ? fluxL : fluxR;
    const cons = leftSide ? consL : consR;
    const s = leftSide ? sL : sR;
    const rho = leftSide ? rhoL : rhoR;
    const uK = leftSide ? uL : uR;
    const pK = leftSide ? pL : pR;
    const chi = (s - uK) / (s - sStar);
    const star0 = chi * w[NA]!;
    const star1 = chi * w[NB]!;
    const star2 = chi * rho * sStar;
    const star3 = chi * rho * w[M2]!;
    const star4 = chi * rho * w[M3]!;
    const star5 = chi * (cons[EN]! + (sStar - uK) * (rho * sStar + pK / (s - uK)));
    out[NA] = f[NA]! + s * (star0 - cons[NA]!);
    out[NB] = f[NB]! + s * (star1 - cons[NB]!);
    out[M1] = f[M1]! + s * (star2 - cons[M1]!);
    out[M2] = f[M2]! + s * (star3 - cons[M2]!);
    out[M3] = f[M3]! + s * (star4 - cons[M3]!);
    out[EN] = f[EN]! + s * (star5 - cons[EN]!);
  }
}

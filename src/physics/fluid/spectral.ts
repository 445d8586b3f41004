/**
 * The pseudo-spectral semi-discretisation of two-fluid Euler–Poisson (PHYSICS.md §2): Fourier
 * collocation on the cell centres (fft1d for powers of two, a direct DFT otherwise), spectral ∂x of
 * the cell fluxes Φ(U), and the exponential filter exp(−36 (|k|/k_max)^order) applied after each
 * time step. Spectral in space, for SMOOTH data only: it has no shock capturing (a steepening wave
 * turns into Gibbs oscillations and, eventually, a negative pressure error).
 */
import { fft1d } from '../fft';
import { poissonSolveFft } from '../poisson';
import {
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

export class SpectralRhs {
  private readonly spectrum: PeriodicSpectrum;
  private readonly derivRe: Float64Array;
  private readonly derivIm: Float64Array;
  private readonly filterRe: Float64Array;
  private readonly filterIm: Float64Array;
  private readonly prim: Float64Array;
  private readonly cellFlux: Float64Array;
  private readonly charge: Float64Array;

  /** `filterOrder`: the (even) order of the exponential filter. */
  constructor(
    private readonly grid: MixtureGrid,
    filterOrder: number,
    private readonly nonPhysical: NonPhysicalState,
  ) {
    const n = grid.nx;
    this.prim = new Float64Array(NVAR * n);
    this.cellFlux = new Float64Array(NVAR * n);
    this.charge = new Float64Array(n);
    const half = Math.floor(n / 2);
    this.derivRe = new Float64Array(half + 1);
    this.derivIm = new Float64Array(half + 1);
    this.filterRe = new Float64Array(half + 1);
    this.filterIm = new Float64Array(half + 1);
    this.spectrum = new PeriodicSpectrum(n);
    for (let k = 0; k <= half; k++) {
      // ∂x ↔ iκ_k; the Nyquist mode (even n) is dropped, as poissonSolveFft drops it from E.
      this.derivIm[k] = n % 2 === 0 && k === half ? 0 : (2 * Math.PI * k) / grid.length;
      // exp(−α η^p), α = 36 ≈ −ln(machine ε): the highest mode is damped to rounding each step.
      this.filterRe[k] = Math.exp(-36 * (k / (n / 2)) ** filterOrder);
    }
  }

  /**
   * dU/dt = −∂xΦ(U) + sources with spectral ∂x (Nyquist dropped), into out. The source n_e E u1 = E J
   * balances the field energy exactly in the semi-discretisation: dE/dt = S(−∂x J) = −(J − J̄ − J_Nyq),
   * and Σ E = 0, E ⟂ Nyquist.
   */
  evaluate(u: Float64Array, out: Float64Array): void {
    const { grid, prim, cellFlux } = this;
    const n = grid.nx;
    toPrimitives(u, prim, n, grid, this.nonPhysical);
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
    const { spectrum } = this;
    for (let v = 0; v < NVAR; v++) spectrum.apply(cellFlux, v * n, out, v * n, this.derivRe, this.derivIm);
    for (let q = 0; q < out.length; q++) out[q] = -out[q]!;
    if (!grid.charged) return;
    netCharge(u, this.charge, grid);
    const field = poissonSolveFft(this.charge, grid.length).field;
    for (let i = 0; i < n; i++) {
      const force = this.charge[i]! * field[i]!;
      out[M1 * n + i]! += force;
      out[EN * n + i]! += force * prim[M1 * n + i]!;
    }
  }

  /** The exponential filter on every conserved variable of u, in place. */
  filter(u: Float64Array): void {
    const n = this.grid.nx;
    for (let v = 0; v < NVAR; v++) this.spectrum.apply(u, v * n, u, v * n, this.filterRe, this.filterIm);
  }
}

/**
 * The finite-volume semi-discretisation of two-fluid Euler–Poisson (PHYSICS.md §2): MUSCL
 * reconstruction of the primitives W = (n_A, n_B, u1, u2, u3, p) with a slope limiter, a Riemann
 * solver at each face, and the field sources n_e E and E·J written so that the semi-discrete total
 * energy with the field is exactly invariant. Second order in space; it captures shocks.
 */
import { poissonSolveFft } from '../poisson';
import { LIMITERS, type Limiter, type SlopeLimiter } from './limiters';
import { FaceFlux, type RiemannFlux } from './riemann';
import {
  EN,
  isAdmissible,
  M1,
  type MixtureGrid,
  NA,
  NB,
  type NonPhysicalState,
  NVAR,
  netCharge,
  toPrimitives,
} from './variables';

export class FiniteVolumeRhs {
  private readonly limiter: Limiter;
  private readonly faceFlux: FaceFlux;
  /** van Albada's ε per primitive variable: (Δx/ℓ)³ × (the variable's scale)². */
  private readonly epsilon = new Float64Array(NVAR);
  private readonly prim: Float64Array;
  private readonly slope: Float64Array;
  private readonly fluxes: Float64Array;
  private readonly charge: Float64Array;
  private readonly divergence: Float64Array;
  private readonly left = new Float64Array(NVAR);
  private readonly right = new Float64Array(NVAR);
  private readonly flux = new Float64Array(NVAR);

  /**
   * `scales`: a typical size of each primitive variable in the initial state (mean n_A, mean n_B,
   * max |u| + c for the three velocities, mean p), which sets van Albada's ε floor.
   */
  constructor(
    private readonly grid: MixtureGrid,
    scales: readonly number[],
    limiter: SlopeLimiter,
    flux: RiemannFlux,
    private readonly nonPhysical: NonPhysicalState,
  ) {
    const n = grid.nx;
    this.limiter = LIMITERS[limiter];
    this.faceFlux = new FaceFlux(flux, grid);
    this.prim = new Float64Array(NVAR * n);
    this.slope = new Float64Array(NVAR * n);
    this.fluxes = new Float64Array(NVAR * n);
    this.charge = new Float64Array(n);
    this.divergence = new Float64Array(n);
    const floor = (grid.dx / grid.length) ** 3;
    scales.forEach((s, v) => {
      this.epsilon[v] = floor * (s > 0 ? s * s : 1);
    });
  }

  /**
   * dU/dt = −(Φ_{i+½} − Φ_{i−½})/Δx + sources, into out. The energy source is written so that the
   * semi-discrete total energy Σ𝓔Δx + ½Σ E²Δx is exactly invariant: with F_{i+½} the HLLC charge flux
   * Σ e_α Φ^{n_α}_{i+½}, the discrete densities give dE/dt = −S(D⁻F) (S = poissonSolveFft's spectral
   * antiderivative, D⁻F the flux difference), so the field energy changes by −Δx Σ E_i S(D⁻F)_i and
   * the energy source E_i (S(D⁻F)_i + F̄) returns exactly that (Σ E_i = 0 kills the F̄ term, which keeps
   * the source a consistent, second-order E·J with a uniform current J̄ too). The momentum source
   * n_e E sums to zero exactly (Σ (n_e − n̄_e) E = Σ E ∂xE = 0 spectrally, Σ E = 0).
   */
  evaluate(u: Float64Array, out: Float64Array): void {
    const { grid, prim, slope, fluxes, left, right, flux, limiter, epsilon } = this;
    const n = grid.nx;
    toPrimitives(u, prim, n, grid, this.nonPhysical);
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
      if (!isAdmissible(left, grid)) for (let v = 0; v < NVAR; v++) left[v] = prim[v * n + i]!;
      if (!isAdmissible(right, grid)) for (let v = 0; v < NVAR; v++) right[v] = prim[v * n + j]!;
      this.faceFlux.evaluate(left, right, flux);
      for (let v = 0; v < NVAR; v++) fluxes[v * n + i] = flux[v]!;
    }
    const invDx = 1 / grid.dx;
    for (let v = 0; v < NVAR; v++) {
      const base = v * n;
      for (let i = 0; i < n; i++) {
        out[base + i] = -(fluxes[base + i]! - fluxes[base + (i === 0 ? n - 1 : i - 1)]!) * invDx;
      }
    }
    if (!grid.charged) return;
    netCharge(u, this.charge, grid);
    const field = poissonSolveFft(this.charge, grid.length).field;
    const { divergence } = this;
    const { chargeA, chargeB } = grid;
    let meanFlux = 0;
    for (let i = 0; i < n; i++) {
      const g = i === 0 ? n - 1 : i - 1;
      const here = chargeA * fluxes[NA * n + i]! + chargeB * fluxes[NB * n + i]!;
      const there = chargeA * fluxes[NA * n + g]! + chargeB * fluxes[NB * n + g]!;
      divergence[i] = (here - there) * invDx;
      meanFlux += here / n;
    }
    const current = poissonSolveFft(divergence, grid.length).field; // S(D⁻F) ≈ J − J̄
    for (let i = 0; i < n; i++) {
      const e = field[i]!;
      out[M1 * n + i]! += this.charge[i]! * e;
      out[EN * n + i]! += e * (current[i]! + meanFlux);
    }
  }
}

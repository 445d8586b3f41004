/**
 * Approximate Riemann solvers of the finite-volume scheme: the numerical flux through a face from
 * the reconstructed primitive states on its two sides. HLLC (the default) resolves the contact, so
 * the mixture ratio n_A/n_B is not smeared by the acoustic waves; Rusanov is the robust fallback.
 */
import { EN, M1, M2, M3, type MixtureMasses, NA, NB, NVAR, physicalFlux, soundSpeed } from './variables';

export type RiemannFlux = 'hllc' | 'rusanov';

/**
 * The face flux of a named Riemann solver for a mixture with these masses; evaluate() writes the
 * flux for the primitive states l, r (NVAR values each) on the face's two sides into out.
 */
export class FaceFlux {
  private readonly useHllc: boolean;
  private readonly fluxL = new Float64Array(NVAR);
  private readonly fluxR = new Float64Array(NVAR);
  private readonly consL = new Float64Array(NVAR);
  private readonly consR = new Float64Array(NVAR);

  constructor(
    kind: RiemannFlux,
    private readonly masses: MixtureMasses,
  ) {
    this.useHllc = kind === 'hllc';
  }

  evaluate(l: Float64Array, r: Float64Array, out: Float64Array): void {
    if (this.useHllc) this.hllc(l, r, out);
    else this.rusanov(l, r, out);
  }

  /** Rusanov (local Lax–Friedrichs): ½(Φ_L + Φ_R) − ½ a (U_R − U_L), a = max(|u1| + c). */
  private rusanov(l: Float64Array, r: Float64Array, out: Float64Array): void {
    const { fluxL, fluxR, consL, consR, masses } = this;
    physicalFlux(l, fluxL, consL, masses);
    physicalFlux(r, fluxR, consR, masses);
    const a = Math.max(Math.abs(l[M1]!) + soundSpeed(l, masses), Math.abs(r[M1]!) + soundSpeed(r, masses));
    for (let v = 0; v < NVAR; v++) out[v] = 0.5 * (fluxL[v]! + fluxR[v]!) - 0.5 * a * (consR[v]! - consL[v]!);
  }

  /**
   * HLLC (Toro, Spruce & Speares 1994) with Davis wave speeds S_L = min(u_L − c_L, u_R − c_R),
   * S_R = max(u_L + c_L, u_R + c_R). Species densities and u2, u3 ride on the contact: the star states
   * scale n_α by χ = (S_K − u_K)/(S_K − S*) like ρ, so the mixture ratio n_A/n_B jumps only at S*.
   */
  private hllc(l: Float64Array, r: Float64Array, out: Float64Array): void {
    const { fluxL, fluxR, consL, consR, masses } = this;
    const uL = l[M1]!;
    const uR = r[M1]!;
    const cL = soundSpeed(l, masses);
    const cR = soundSpeed(r, masses);
    const sL = Math.min(uL - cL, uR - cR);
    const sR = Math.max(uL + cL, uR + cR);
    if (sL >= 0) {
      physicalFlux(l, out, null, masses);
      return;
    }
    if (sR <= 0) {
      physicalFlux(r, out, null, masses);
      return;
    }
    physicalFlux(l, fluxL, consL, masses);
    physicalFlux(r, fluxR, consR, masses);
    const rhoL = masses.massA * l[NA]! + masses.massB * l[NB]!;
    const rhoR = masses.massA * r[NA]! + masses.massB * r[NB]!;
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

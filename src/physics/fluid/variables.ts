/**
 * The two-fluid mixture's variables (PHYSICS.md §2): the slot layout of the conserved vector
 * U = (n_A, n_B, ρu1, ρu2, ρu3, 𝓔) and of the primitive vector W = (n_A, n_B, u1, u2, u3, p), the
 * map U → W, the physical flux Φ(W), the mixture sound speed and the net charge. Everything the two
 * discretisations and the solver compute per cell from a state, in one place, so that they agree.
 *
 *   ρ = m_A n_A + m_B n_B,   p = (n_A + n_B)θ,   𝓔 = ρ|u|²/2 + (3/2) p   (γ_ad = 5/3).
 */

/** γ_ad of a monatomic gas: 𝓔 = ρ|u|²/2 + p/(γ_ad − 1). */
export const ADIABATIC_INDEX = 5 / 3;

// Conserved-variable slots; arrays of 6 n_x values are stored variable-major: U[v·n_x + i].
export const NA = 0;
export const NB = 1;
export const M1 = 2;
export const M2 = 3;
export const M3 = 4;
/** 𝓔 in U; in the primitive array W this slot holds p. */
export const EN = 5;
export const NVAR = 6;

/** The species masses m_A, m_B > 0. */
export interface MixtureMasses {
  readonly massA: number;
  readonly massB: number;
}

/** The grid and the species, as the discretisations see them. */
export interface MixtureGrid extends MixtureMasses {
  /** Cells n_x; the period ℓ; Δx = ℓ/n_x. */
  readonly nx: number;
  readonly length: number;
  readonly dx: number;
  /** e_A, e_B. */
  readonly chargeA: number;
  readonly chargeB: number;
  /** E is nonzero at all: field on and some species charged. */
  readonly charged: boolean;
}

/** Reports the first cell whose conserved state has no physical primitive state; must throw. */
export type NonPhysicalState = (cell: number, nA: number, nB: number, p: number) => never;

/** W = (n_A, n_B, u1, u2, u3, p) from U (n_x cells each); a non-physical state is an error, not clipped. */
export function toPrimitives(
  u: Float64Array,
  w: Float64Array,
  n: number,
  masses: MixtureMasses,
  nonPhysical: NonPhysicalState,
): void {
  const { massA, massB } = masses;
  for (let i = 0; i < n; i++) {
    const nA = u[NA * n + i]!;
    const nB = u[NB * n + i]!;
    const rho = massA * nA + massB * nB;
    const m1 = u[M1 * n + i]!;
    const m2 = u[M2 * n + i]!;
    const m3 = u[M3 * n + i]!;
    const p = (2 / 3) * (u[EN * n + i]! - (0.5 * (m1 * m1 + m2 * m2 + m3 * m3)) / rho);
    if (!(nA >= 0 && nB >= 0 && rho > 0 && p > 0)) nonPhysical(i, nA, nB, p);
    w[NA * n + i] = nA;
    w[NB * n + i] = nB;
    w[M1 * n + i] = m1 / rho;
    w[M2 * n + i] = m2 / rho;
    w[M3 * n + i] = m3 / rho;
    w[EN * n + i] = p;
  }
}

/** n_e = e_A n_A + e_B n_B of U into `out` (n_x values). */
export function netCharge(u: Float64Array, out: Float64Array, grid: MixtureGrid): void {
  const n = grid.nx;
  for (let i = 0; i < n; i++) out[i] = grid.chargeA * u[NA * n + i]! + grid.chargeB * u[NB * n + i]!;
}

/** One primitive state W (NVAR values) has n_α ≥ 0, ρ > 0 and p > 0. */
export function isAdmissible(w: Float64Array, masses: MixtureMasses): boolean {
  return w[NA]! >= 0 && w[NB]! >= 0 && masses.massA * w[NA]! + masses.massB * w[NB]! > 0 && w[EN]! > 0;
}

/** c = √(γ_ad p/ρ) of one primitive state. */
export function soundSpeed(w: Float64Array, masses: MixtureMasses): number {
  return Math.sqrt((ADIABATIC_INDEX * w[EN]!) / (masses.massA * w[NA]! + masses.massB * w[NB]!));
}

/** Φ(W) and, when `cons` is given, U(W) of one primitive state. */
export function physicalFlux(
  w: Float64Array,
  f: Float64Array,
  cons: Float64Array | null,
  masses: MixtureMasses,
): void {
  const rho = masses.massA * w[NA]! + masses.massB * w[NB]!;
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

/**
 * Exact momentum and energy exchange rates between two Maxwellians for the kernel of PHYSICS.md §1,
 * B = π d² |q|^γ b0 (isotropic, ∫b0 dσ = 1), for every γ ∈ (−3, 1]: the reference of the grid's
 * accuracy check (issue 16). It shares no formula with the spectral method and has no box and no
 * kernel truncation, so the check sees the truncation |q| ≤ R that a small box implies.
 *
 * Derivation (monteCarlo.ts's parametrisation: v' − v = (m_β/M)(|q|σ − q), V the centre-of-mass
 * velocity, μ = m_α m_β/M). The σ-average of |q|σ is 0, so per collision pair the momentum
 * m_α(v' − v) averages to −μ q and the energy m_α(|v'|² − |v|²)/2 to −μ V·q. Hence
 *
 *     ∫ m_α v Q^{αβ} dv       = −π d² μ n_α n_β E[|q|^γ q],
 *     ∫ m_α|v|²/2 Q^{αβ} dv   = −π d² μ n_α n_β E[|q|^γ V·q],
 *
 * the expectations over v ~ N(u_α, a I), v* ~ N(u_β, b I), a = θ_α/m_α, b = θ_β/m_β. Then
 * q ~ N(D, s² I) with D = u_α − u_β, s² = a + b, and V, q are jointly Gaussian with
 * E[V | q] = U + c (q − D), U = (m_α u_α + m_β u_β)/M, c = (θ_α − θ_β)/(M s²). So
 *
 *     E[|q|^γ V·q] = (U − cD)·E[|q|^γ q] + c E[|q|^{γ+2}],   E[|q|^γ q] = D̂ E[|q|^{γ+1} x],
 *
 * x the cosine of q to D. In spherical coordinates about D, with k = r|D|/s² and
 * G = e^{−(r² + |D|²)/2s²}, the angle integrals are closed:
 *
 *     E[|q|^p]   = C ∫ r^{p+2} G · 2 sinh(k)/k dr,
 *     E[|q|^p x] = C ∫ r^{p+2} G · 2 (cosh(k)/k − sinh(k)/k²) dr,   C = 2π (2π s²)^{−3/2},
 *
 * and the radial integral is a Gauss–Jacobi rule with the weight r^{γ+2} on (0, |D| + 14 s) (the
 * Gaussian tail beyond is below e^{−98}). For γ = 0 this is maxwellMolecules.ts's closed form
 * (tested to 1e−12), for D = 0 the Gamma-function moment E|q|^p = (2s²)^{p/2} Γ((3+p)/2)/Γ(3/2).
 */
import type { MaxwellianState } from '../maxwellian';
import { radialQuadrature } from '../quadrature';
import type { ExchangeRates } from './maxwellMolecules';

/** Radial nodes: the integrands are a Gaussian of width s on an interval of |D| + 14 s. */
const RADIAL_NODES = 160;

/** E[|q|^γ q] (as a vector) and E[|q|^{γ+2}] for q ~ N(D, s² I). */
function kernelMoments(drift: readonly number[], s2: number, gamma: number) {
  const d = Math.hypot(drift[0]!, drift[1]!, drift[2]!);
  const s = Math.sqrt(s2);
  const rule = radialQuadrature(RADIAL_NODES, d + 14 * s, gamma);
  const c = 2 * Math.PI * (2 * Math.PI * s2) ** -1.5;
  let even = 0; // ∫ r^{γ+4} G 2 sinh(k)/k
  let odd = 0; // ∫ r^{γ+3} G 2 (cosh k/k − sinh k/k²)
  for (let j = 0; j < rule.nodes.length; j++) {
    const r = rule.nodes[j]!;
    const w = rule.weights[j]!; // includes r^{γ+2}
    const k = (r * d) / s2;
    let sinhOverK: number;
    let oddAngular: number;
    if (k < 1e-4) {
      // series: sinh k/k = 1 + k²/6 + …, cosh k/k − sinh k/k² = k/3 + k³/30 + …
      const g = Math.exp(-(r * r + d * d) / (2 * s2));
      sinhOverK = g * (1 + (k * k) / 6);
      oddAngular = g * (k / 3 + (k * k * k) / 30);
    } else {
      // G sinh k and G cosh k as differences of two Gaussians about ±|D| (no overflow for large k)
      const minus = Math.exp(-((r - d) ** 2) / (2 * s2));
      const plus = Math.exp(-((r + d) ** 2) / (2 * s2));
      const gSinh = k < 20 ? Math.exp(-(r * r + d * d) / (2 * s2)) * Math.sinh(k) : 0.5 * (minus - plus);
      const gCosh = 0.5 * (minus + plus);
      sinhOverK = gSinh / k;
      oddAngular = gCosh / k - gSinh / (k * k);
    }
    even += w * r * r * 2 * sinhOverK;
    odd += w * r * 2 * oddAngular;
  }
  const along = d > 0 ? (c * odd) / d : 0; // E[|q|^{γ+1} x] / |D|
  return {
    weightedQ: drift.map((x) => along * x) as [number, number, number],
    weightedSquare: c * even,
  };
}

/**
 * ∫ m_α v Q^{αβ} dv and ∫ m_α|v|²/2 Q^{αβ} dv for Maxwellians α, β (any densities, drifts,
 * temperatures), pair diameter d_αβ and kernel exponent γ (module comment).
 */
export function maxwellianExchangeRates(
  alpha: MaxwellianState,
  beta: MaxwellianState,
  diameter: number,
  gamma: number,
): ExchangeRates {
  const total = alpha.mass + beta.mass;
  const reduced = (alpha.mass * beta.mass) / total;
  const s2 = alpha.temperature / alpha.mass + beta.temperature / beta.mass;
  const drift = [0, 1, 2].map((i) => alpha.drift[i]! - beta.drift[i]!);
  const { weightedQ, weightedSquare } = kernelMoments(drift, s2, gamma);
  const centre = [0, 1, 2].map((i) => (alpha.mass * alpha.drift[i]! + beta.mass * beta.drift[i]!) / total);
  const slope = (alpha.temperature - beta.temperature) / (total * s2);
  let vq = slope * weightedSquare;
  for (let i = 0; i < 3; i++) vq += (centre[i]! - slope * drift[i]!) * weightedQ[i]!;
  const scale = -Math.PI * diameter * diameter * reduced * alpha.density * beta.density;
  return {
    momentum: weightedQ.map((x) => scale * x) as [number, number, number],
    energy: scale * vq,
  };
}

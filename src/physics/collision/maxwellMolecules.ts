/**
 * Exact exchange rates for Maxwell molecules (γ = 0, isotropic b), an analytic check of the
 * collision operator that shares no formula with the spectral method (PHYSICS.md §5 spirit).
 * With B = π d² b0 constant, ∫b dσ = 1 and v' − v = (m_β/M)(|q|σ − q), the σ-average of |q|σ is 0,
 * so for ANY f, g (not only Maxwellians), M = m_α + m_β, μ_red = m_α m_β/M:
 *   ∫ m_α v Q^{αβ}(f,g) dv         = −π d² μ_red n_α n_β (u_α − u_β)
 *   ∫ m_α|v|²/2 Q^{αβ}(f,g) dv     = −π d² μ_red ∫∫ f g V·q,
 *   ∫∫ f g V·q = [m_α n_β ∫|v|²f − m_β n_α ∫|v|²g + (m_β − m_α) n_α n_β u_α·u_β]/M
 * (V the centre-of-mass velocity, q = v − v*). Exact when the kernel truncation R exceeds every
 * relative speed of the support; here f, g are Maxwellians, ∫|v|²f = n(3θ/m + |u|²).
 */
import type { MaxwellianState } from '../maxwellian';

export interface ExchangeRates {
  /** ∫ m_α v Q^{αβ} dv. */
  readonly momentum: [number, number, number];
  /** ∫ m_α |v|²/2 Q^{αβ} dv. */
  readonly energy: number;
}

export function maxwellMoleculeRates(
  alpha: MaxwellianState,
  beta: MaxwellianState,
  diameter: number,
): ExchangeRates {
  const total = alpha.mass + beta.mass;
  const reduced = (alpha.mass * beta.mass) / total;
  const cross = Math.PI * diameter * diameter;
  const nn = alpha.density * beta.density;
  const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  const secondMoment = (s: MaxwellianState) =>
    s.density * ((3 * s.temperature) / s.mass + dot(s.drift, s.drift));
  const vq =
    (alpha.mass * beta.density * secondMoment(alpha) -
      beta.mass * alpha.density * secondMoment(beta) +
      (beta.mass - alpha.mass) * nn * dot(alpha.drift, beta.drift)) /
    total;
  return {
    momentum: [0, 1, 2].map((k) => -cross * reduced * nn * (alpha.drift[k]! - beta.drift[k]!)) as [
      number,
      number,
      number,
    ],
    energy: -cross * reduced * vq,
  };
}

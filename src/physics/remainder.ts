/**
 * The weights, the global Maxwellian and the theorem's constants of the Hilbert-expansion
 * remainder (PHYSICS.md §3), in float64. Pure functions: the GPU kernel that computes the norms
 * takes its constants from here (logWeightCoefficients, remainderLogWeight) and uses them as its
 * float64 twin. The GPU works with LOGARITHMS of the weights: exp(κ̃ ⟨v⟩²) overflows f32 at
 * κ̃ ⟨v⟩² ≈ 88, and 1/√μ_M overflows long before the box edge, so every weight has a log form.
 *
 * Notation (PHYSICS.md §3): ⟨v⟩ = 1 + |v|, γ ∈ (−3, 1] the kernel exponent, k ≥ 6 the number of
 * terms of the theorem's expansion, κ̃(t) = κ0 (1 + (1+t)^{−2/(2k−1)}), θ̄ the background
 * temperature, θ_M the temperature of the global Maxwellian μ_M.
 */
import type { RemainderConfig } from './config';
import { InvalidParameterError } from './velocityGrid';

/** ε^{3/2}: the power of ε in front of the weighted L∞ norm in E(t) (PHYSICS.md §3). */
export const LINF_EPSILON_POWER = 1.5;
/** ε^5: the power of ε in front of the L∞ norm of ∇_{x,v}(w_γ F_R/√μ_M) in E(t) (PHYSICS.md §3). */
export const GRADIENT_EPSILON_POWER = 5;

/** ⟨v⟩ = 1 + |v| (PHYSICS.md §3 defines the bracket this way, not as √(1 + |v|²)). */
export function japaneseBracket(vNorm: number): number {
  return 1 + Math.abs(vNorm);
}

/** κ̃(t) = κ0 (1 + (1+t)^{−2/(2k−1)}): 2κ0 at t = 0, decreasing to κ0 as t → ∞ (PHYSICS.md §3). */
export function kappaTilde(t: number, kappa0: number, k: number): number {
  return kappa0 * (1 + (1 + t) ** (-2 / (2 * k - 1)));
}

/**
 * The three regimes of Theorem 1.1 (PHYSICS.md §3), which pick the weight w_γ and the exponent y:
 * 'hard-sphere' (γ = 1), 'hard-or-moderately-soft' (−1 ≤ γ < 1: hard potentials 0 < γ < 1,
 * Maxwell molecules γ = 0 and moderately soft potentials −1 ≤ γ < 0), 'very-soft' (−3 < γ < −1).
 */
export type GammaRegime = 'hard-sphere' | 'hard-or-moderately-soft' | 'very-soft';

const GAMMA_ALLOWED = 'a finite number in (−3, 1]';

export function gammaRegime(gamma: number): GammaRegime {
  if (!(Number.isFinite(gamma) && gamma > -3 && gamma <= 1))
    throw new InvalidParameterError('collisions.gamma', GAMMA_ALLOWED, gamma);
  if (gamma === 1) return 'hard-sphere';
  return gamma >= -1 ? 'hard-or-moderately-soft' : 'very-soft';
}

/** The weight parameters the theorem fixes (RemainderConfig: κ0, k, l). */
export type WeightParameters = Pick<RemainderConfig, 'kappa0' | 'k' | 'l'>;

/**
 * log w_γ in one form for every regime, for a kernel with no branches on γ:
 *   log w_γ(v) = bracketPower · log⟨v⟩ + expCoefficient · ⟨v⟩^expPower.
 * γ = 1: w = ⟨v⟩^l → (l, 0, 0); −1 ≤ γ < 1: w = exp(κ̃ ⟨v⟩^{(3−γ)/2}) → (0, κ̃, (3−γ)/2);
 * −3 < γ < −1: w = exp(κ̃ ⟨v⟩²) → (0, κ̃, 2) (PHYSICS.md §3).
 */
export interface LogWeightCoefficients {
  readonly regime: GammaRegime;
  readonly bracketPower: number;
  readonly expCoefficient: number;
  readonly expPower: number;
}

export function logWeightCoefficients(
  gamma: number,
  t: number,
  params: WeightParameters,
): LogWeightCoefficients {
  const regime = gammaRegime(gamma);
  if (regime === 'hard-sphere') return { regime, bracketPower: params.l, expCoefficient: 0, expPower: 0 };
  const expCoefficient = kappaTilde(t, params.kappa0, params.k);
  return { regime, bracketPower: 0, expCoefficient, expPower: regime === 'very-soft' ? 2 : (3 - gamma) / 2 };
}

/** log w_γ(v) at time t (no overflow: the GPU works with this). */
export function logWeightGamma(vNorm: number, gamma: number, t: number, params: WeightParameters): number {
  const c = logWeightCoefficients(gamma, t, params);
  const bracket = japaneseBracket(vNorm);
  return c.bracketPower * Math.log(bracket) + c.expCoefficient * bracket ** c.expPower;
}

/** w_γ(v) at time t (PHYSICS.md §3); Infinity where it overflows float64: use logWeightGamma there. */
export function weightGamma(vNorm: number, gamma: number, t: number, params: WeightParameters): number {
  return Math.exp(logWeightGamma(vNorm, gamma, t, params));
}

/**
 * θ_M = 2 m_A/(2 m_A + m_B) θ̄ with A the HEAVIER species (PHYSICS.md §3: "where m_A ≥ m_B, swap
 * the labels otherwise"), so the argument order does not matter. θ_M < θ̄: μ_M decays more slowly
 * than any μ near θ̄, which is what makes F_R/√μ_M controllable.
 */
export function globalMaxwellianTemperature(massA: number, massB: number, thetaBar: number): number {
  for (const [name, value] of [
    ['mass A', massA],
    ['mass B', massB],
    ['θ̄', thetaBar],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} = ${value}: must be > 0`);
  }
  const heavy = Math.max(massA, massB);
  const light = Math.min(massA, massB);
  return ((2 * heavy) / (2 * heavy + light)) * thetaBar;
}

/**
 * log μ_M^α(v) = −(3/2) log(2πθ_M) − m_α|v|²/(2θ_M). The paper's form (PHYSICS.md §3): it DROPS the
 * m_α^{3/2} of a normalised Maxwellian; kept as is, so the norms match the theorem's definition.
 */
export function logGlobalMaxwellian(vNorm: number, mass: number, thetaM: number): number {
  return -1.5 * Math.log(2 * Math.PI * thetaM) - (mass * vNorm * vNorm) / (2 * thetaM);
}

/** μ_M^α(v) = (2πθ_M)^{−3/2} exp(−m_α|v|²/(2θ_M)) (the paper's form, without m_α^{3/2}: see above). */
export function globalMaxwellian(vNorm: number, mass: number, thetaM: number): number {
  return Math.exp(logGlobalMaxwellian(vNorm, mass, thetaM));
}

/**
 * log of the weight of the L∞ term: ⟨v⟩^{2−γ} w_γ(v) / √μ_M^α(v), so that the term of E(t) is
 * ε^{3/2} max_{x, |v| ≤ R} |F_R| exp(remainderLogWeight) (R from trustedBallRadius).
 */
export function remainderLogWeight(
  vNorm: number,
  mass: number,
  thetaM: number,
  gamma: number,
  t: number,
  params: WeightParameters,
): number {
  return (
    (2 - gamma) * Math.log(japaneseBracket(vNorm)) +
    logWeightGamma(vNorm, gamma, t, params) -
    0.5 * logGlobalMaxwellian(vNorm, mass, thetaM)
  );
}

/**
 * The scaling r of the measured remainder F_R = (F_ε − Σ_{i≤n} ε^i F_i)/ε^r (the paper's Remark 1.1,
 * eq. 1.12): remainder.scaling, default 1 (1 ≤ r ≤ max(n, 1); with n = 0 only r = 1).
 */
export function remainderScaling(settings: RemainderConfig): number {
  return settings.scaling ?? 1;
}

/**
 * The remainder a config measures, in words: F_R = (F_ε − Σ_{i≤n} ε^i F_i)/ε^r written out for its
 * (n, r), and the start (the config's Maxwellians, or well-prepared F_0(0) + εF_1(0)).
 */
export function describeRemainder(settings: RemainderConfig): string {
  const r = remainderScaling(settings);
  const divisor = r === 1 ? 'ε' : `ε^${r}`;
  if (settings.order === 0) return `F_R = (F_ε − F_0)/${divisor} (remainder.order 0)`;
  const start =
    settings.wellPrepared === false
      ? "the config's Maxwellians (not well prepared: an O(1) initial layer in F_R)"
      : 'well-prepared F_0(0) + εF_1(0)';
  return (
    `F_R = (F_ε − F_0 − εF_1)/${divisor} (remainder.order 1; start: ${start}; ` +
    'F_1 takes one 𝓛⁻¹ solve per cell per output, float64 on the host)'
  );
}

/**
 * The exponent y of Theorem 1.1's validity time T = O(ε^{−y}) (PHYSICS.md §3):
 * y = (2k−3)/(2(2k−1)) for −1 ≤ γ ≤ 1, y = (2k−3)/((1−γ)(2k−1)) for −3 < γ < −1. Continuous at
 * γ = −1 (both give (2k−3)/(2(2k−1))); k = Infinity gives the limit 1/2 (γ ≥ −1), 1/(1−γ) (γ < −1).
 */
export function theoremExponent(k: number, gamma: number): number {
  if (!(k > 1.5)) throw new RangeError(`k = ${k}: the formula needs k > 3/2 (the theorem takes k ≥ 6)`);
  const regime = gammaRegime(gamma);
  const ratio = k === Number.POSITIVE_INFINITY ? 1 : (2 * k - 3) / (2 * k - 1);
  return regime === 'very-soft' ? ratio / (1 - gamma) : ratio / 2;
}

/** The terms of the theorem's energy E(t), each already summed over both species where it has α. */
export interface RemainderNorms {
  /** Σ_α ‖F^α_R/√μ^α‖_{L²_{x,v}}, μ the local bi-Maxwellian of the fluid (column remainder_L2). */
  readonly l2: number;
  /** ‖∇φ_R‖_{L²_x}, Δφ_R = Σ_α e_α ∫ F^α_R dv (column remainder_field_L2). */
  readonly field: number;
  /** ε^{3/2} Σ_α ‖⟨v⟩^{2−γ} w_γ F^α_R/√μ^α_M‖_{L∞}, the ε^{3/2} INCLUDED (column remainder_Linf_w). */
  readonly linfWeighted: number;
  /**
   * ε^5 ‖∇_{x,v}(w_γ F_R/√μ_M)‖_{L∞} (max over species), the ε^5 included (column
   * remainder_gradient_Linf; central differences over the trusted balls, remainderNorms.ts).
   * Optional for callers that evaluate E(t) without it (a lower bound then).
   */
  readonly gradientTerm?: number;
}

/**
 * The theorem's energy E(t) (PHYSICS.md §3) as the sum of its terms. The field ‖∇φ_R‖ is ONE
 * function (φ_R solves one Poisson equation for both species) and is counted once, as the norm
 * of the vector (F^A_R, F^B_R, ∇φ_R) is the sum of the species' norms and the field's.
 */
export function remainderEnergy(norms: RemainderNorms): number {
  const terms = [norms.l2, norms.field, norms.linfWeighted, norms.gradientTerm ?? 0];
  for (const term of terms) {
    if (term < 0) throw new RangeError(`a remainder norm is negative (${term}): norms are ≥ 0`);
  }
  // NaN (a blown-up run) propagates: validityTime treats it as "crossed".
  return terms.reduce((sum, term) => sum + term, 0);
}

/**
 * Radius R of the velocity ball where μ_M^α(v) ≥ floorRatio · μ_M^α(0), i.e.
 * m_α R²/(2θ_M) = ln(1/floorRatio): R = √(2θ_M ln(1/floorRatio)/m_α). The weighted L∞ norm is
 * taken over |v| ≤ R only (PHYSICS.md §3, numerical honesty): outside it, the f32 round-off of F
 * divided by √μ_M is larger than the signal. For an absolute noise δ (relative to max F) to stay
 * below a fraction η of the weighted value at the ball's edge, floorRatio ≈ (δ/η)² since the norm
 * divides by √μ_M. The heavier species has the smaller ball (R ∝ 1/√m_α).
 */
export function trustedBallRadius(mass: number, thetaM: number, floorRatio: number): number {
  if (!(mass > 0 && thetaM > 0 && Number.isFinite(mass) && Number.isFinite(thetaM)))
    throw new RangeError(`mass = ${mass}, θ_M = ${thetaM}: both must be finite and > 0`);
  if (!(floorRatio > 0 && floorRatio <= 1))
    throw new RangeError(`floorRatio = ${floorRatio}: must be in (0, 1]`);
  return Math.sqrt((2 * thetaM * Math.log(1 / floorRatio)) / mass);
}

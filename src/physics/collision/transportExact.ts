/**
 * Exact transport coefficients that share no formula with 𝓛⁻¹ (transportCoefficients.ts): the
 * references of its accuracy (issue 17), in the same convention (Chapman & Cowling, ε included,
 * θ in energy units) and for the kernel of PHYSICS.md §1, B = π d² |q|^γ b0 with ∫ b0 dσ = 1.
 *
 * Maxwell molecules (γ = 0): the moment equations of Q^{αβ} close, so the first Chapman–Enskog
 * coefficients follow from them exactly. With v' − v = (m_β/M)(|q|σ − q), M = m_α + m_β, and the
 * σ-averages ∫b0 σ dσ = 0, ∫b0 σ_⟨iσ_j⟩ dσ = 0 (isotropic b), for any f, g without drift:
 *   ∫ m_α v Q^{αβ}(f, g) dv = −π d² (m_α m_β/M) n_α n_β (u_α − u_β)     (maxwellMolecules.ts)
 *   ∫ v_⟨i v_j⟩ Q^{αβ}(f, g) dv = −π d² (m_β/M²) [(2m_α + m_β) n[g] S[f] − m_β n[f] S[g]],
 * S[f] = ∫ v_⟨i v_j⟩ f (traceless), from v'_⟨iv'_j⟩ − v_⟨iv_j⟩ averaging to
 * −2(m_β/M) V_⟨i q_j⟩ − (m_β/M)² q_⟨i q_j⟩ and ∫∫ f g V_⟨iq_j⟩ = (m_α n[g] S[f] − m_β n[f] S[g])/M,
 * ∫∫ f g q_⟨iq_j⟩ = n[g] S[f] + n[f] S[g]. Linearised about μ (S[μ] = 0, n[h] = 0), the m_α v_1 v_2
 * moment of the shear problem 𝓛h = −μ^α (m_α/θ) c_1 c_2 (transportCoefficients.ts) is, for the
 * partial stresses P^α = m_α ∫ c_1 c_2 h^α,
 *   Σ_β M_αβ P^β = −n_α θ,   M_αα = π d_αα² n_α/2 + π d_αβ² (m_β/M²)(2m_α + m_β) n_β,
 *                            M_αβ = −π d_αβ² (m_β/M²) m_α n_α   (β ≠ α, M = m_α + m_β),
 * and η = −ε (P^A + P^B). One gas (equal species): η = 2εθ/(π d²). The diffusion problem's m_A v_1
 * moment gives u_A − u_B = −ε n θ/(π d_AB² m_red n_A n_B), so D_AB = εθ/(π d_AB² m_red n)
 * (m_red = m_A m_B/M); the heat source has no m_α v_1 moment, so k_T = 0 for every mass ratio. The
 * one-gas conductivity: the heat flux relaxes at ⅔ of the stress rate (Prandtl number 2/3),
 * λ = (15/4) η/m.
 *
 * Hard spheres (γ = 1, one gas, diameter d: B = π d² |q| b0 is exactly the hard-sphere kernel): the
 * first Sonine approximations [η]₁ = (5/16) √(mθ/π)/d², [λ]₁ = (75/64) √(θ/(πm))/d², and the
 * converged values η = 1.016034 [η]₁, λ = 1.025218 [λ]₁ (Chapman & Cowling §10.21; the ratios the
 * issue quotes), times ε.
 */
import { solveLinear } from '../maxwellian';
import type { TransportState } from './transportCoefficients';

/** Converged / first-Sonine ratios of the hard-sphere one-gas coefficients (Chapman & Cowling). */
export const HARD_SPHERE_VISCOSITY_RATIO = 1.016034;
export const HARD_SPHERE_CONDUCTIVITY_RATIO = 1.025218;

function pairDiameter(state: TransportState): number {
  return (state.species[0].diameter + state.species[1].diameter) / 2;
}

/** η of a Maxwell-molecule mixture (module comment; γ is not read). */
export function maxwellMoleculeViscosity(state: TransportState): number {
  const { species, temperature: theta, knudsen } = state;
  const dAB = pairDiameter(state);
  const matrix = new Float64Array(4);
  for (const a of [0, 1]) {
    const b = 1 - a;
    const [ma, mb] = [species[a]!.mass, species[b]!.mass];
    const total = ma + mb;
    const cross = (Math.PI * dAB * dAB * mb) / (total * total);
    matrix[2 * a + a] =
      (Math.PI * species[a]!.diameter ** 2 * species[a]!.density) / 2 +
      cross * (2 * ma + mb) * species[b]!.density;
    matrix[2 * a + b] = -cross * ma * species[a]!.density;
  }
  const stress = solveLinear(
    matrix,
    Float64Array.of(-species[0].density * theta, -species[1].density * theta),
    2,
  );
  return -knudsen * (stress[0]! + stress[1]!);
}

/** D_AB of a Maxwell-molecule mixture. */
export function maxwellMoleculeDiffusion(state: TransportState): number {
  const [A, B] = state.species;
  const dAB = pairDiameter(state);
  const reduced = (A.mass * B.mass) / (A.mass + B.mass);
  return (state.knudsen * state.temperature) / (Math.PI * dAB * dAB * reduced * (A.density + B.density));
}

/** λ of one Maxwell-molecule gas (mass m, diameter d): (15/4) η/m. */
export function maxwellMoleculeOneGasConductivity(
  mass: number,
  diameter: number,
  theta: number,
  knudsen: number,
) {
  return ((15 / 4) * ((2 * knudsen * theta) / (Math.PI * diameter * diameter))) / mass;
}

/** η and λ of one hard-sphere gas, converged (module comment). */
export function hardSphereOneGas(mass: number, diameter: number, theta: number, knudsen: number) {
  const d2 = diameter * diameter;
  return {
    viscosity: (knudsen * HARD_SPHERE_VISCOSITY_RATIO * (5 / 16) * Math.sqrt((mass * theta) / Math.PI)) / d2,
    thermalConductivity:
      (knudsen * HARD_SPHERE_CONDUCTIVITY_RATIO * (75 / 64) * Math.sqrt(theta / (Math.PI * mass))) / d2,
  };
}

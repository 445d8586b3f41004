/**
 * How stiff the collision step is at the run's Δt, and what that means for the Navier–Stokes-level
 * readouts (issue 15; README "Time stepping at large λ").
 *
 * The mean collision frequency of species α against the mixture at its mean state,
 *
 *     ν̄_α = Σ_β π d_αβ² n̄_β E|q|^γ,   q ~ N(0, s²I), s² = θ_α/m_α + θ_β/m_β,
 *     E|q|^γ = (2s²)^{γ/2} Γ((3+γ)/2) / Γ(3/2)
 *
 * (the loss frequency of PHYSICS.md §1's kernel averaged over both Maxwellians: for γ = 0 it is
 * πd²n̄ exactly, for γ = 1 the mean relative speed √(8/π)s), and λ̄ = Δt max_α ν̄_α / ε.
 *
 * With the exponential collision step and transport (n_x > 1), the O(ε) deviation from M that the
 * remainder (F_ε − F_0)/ε mostly consists of is set by Δt once λ̄ ≳ 1: the Strang step's fixed
 * point is −(Δt/2)H instead of εL⁻¹H, about λ̄/4 times too large for the shear mode (ν_η = ν̄/2 for
 * Maxwell molecules) and λ̄/6 for the heat mode. The trapezoidal step has the exact fixed point at any λ̄.
 */
import type { ResolvedConfig } from '../config';
import { threeDigits as fmt } from '../format';
import { gammaFunction } from '../quadrature';

/** Above this λ̄ the exponential step's Navier–Stokes deviation is Δt's, not the physics'. */
export const STIFF_LAMBDA = 1;

export interface CollisionStiffness {
  readonly scheme: 'exponential' | 'trapezoidal';
  /** max_α ν̄_α (module comment), in inverse time units of the run. */
  readonly meanFrequency: number;
  /** λ̄ = Δt ν̄ / ε. */
  readonly lambda: number;
  /** Whether the O(ε) deviation (the remainder's main part) is the physical one at this Δt. */
  readonly navierStokesAccurate: boolean;
  /** One sentence a user can act on. */
  readonly note: string;
}

/** ν̄_α for each species (module comment). */
export function meanCollisionFrequencies(config: ResolvedConfig): [number, number] {
  const { gamma } = config.collisions;
  const moment = (s2: number) =>
    (2 * s2) ** (gamma / 2) * (gammaFunction((3 + gamma) / 2) / gammaFunction(1.5));
  const [A, B] = config.species;
  const nu = (a: typeof A) =>
    [A, B].reduce((sum, b) => {
      const d = (a.diameter + b.diameter) / 2;
      return sum + Math.PI * d * d * b.density * moment(a.temperature / a.mass + b.temperature / b.mass);
    }, 0);
  return [nu(A), nu(B)];
}

export function collisionStiffness(config: ResolvedConfig): CollisionStiffness {
  const scheme = config.collisions.scheme ?? 'exponential';
  const meanFrequency = Math.max(...meanCollisionFrequencies(config));
  const lambda = (config.time.dt * meanFrequency) / config.collisions.knudsen;
  const transport = config.grid.nx > 1;
  const navierStokesAccurate = scheme === 'trapezoidal' || !transport || lambda <= STIFF_LAMBDA;
  const dtAccurate = (STIFF_LAMBDA * config.collisions.knudsen) / meanFrequency;
  const note = !transport
    ? `homogeneous run at λ = ${fmt(lambda)}: no transport, so no splitting artefact`
    : scheme === 'trapezoidal'
      ? `trapezoidal collision step: the O(ε) deviation from M is the Chapman–Enskog one at any λ (here ${fmt(lambda)})`
      : navierStokesAccurate
        ? `exponential collision step at λ = ${fmt(lambda)} ≤ ${STIFF_LAMBDA}: the O(ε) deviation from M is resolved`
        : `exponential collision step at λ = ${fmt(lambda)}: the O(ε) deviation from M, the remainder's main part, ` +
          `is set by Δt (about λ/4 times the Chapman–Enskog one); for Navier–Stokes accuracy use ` +
          `collisions.scheme "trapezoidal" or time.dt ≤ ${fmt(dtAccurate)}`;
  return { scheme, meanFrequency, lambda, navierStokesAccurate, note };
}

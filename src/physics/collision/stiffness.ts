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
 *
 * The automatic Δt's collision bound (time.dtRule "accurate", the default; configSchema.ts
 * timeStepLimits). Where ε is not small the collision step's own error is part of every rate the
 * run shows, so the automatic Δt keeps λ̄ ≤ λ_acc (COLLISION_ACCURATE_LAMBDA):
 * - trapezoidal, λ_acc = 0.5. On a relaxation mode of rate ν_k the step's amplification
 *   (1 − λ_k/2)/(1 + λ_k/2) is e^{−λ_k}(1 + λ_k³/12 + …), a relative rate error λ_k²/12 (≤ 2 % for
 *   λ_k ≤ λ_acc; the exchange modes are slower than ν̄, so less). Measured against the exact
 *   Maxwell-molecule moment equations (m_B = 2m_A, θ 1.2/0.8, drifts 0.2/−0.1, t = 0.5, ε = 1,
 *   N_v = 16, L = 7): the time step's part of the T_A and u_A errors is 0.85 % at λ̄ = 0.79,
 *   0.15–0.17 % at λ̄ = 0.45 and 2 % at λ̄ = 1.6 (second order); tests/unit/physics/collision/
 *   timeStepAccuracy.test.ts holds it at L = 6.5 (measured 0.11–0.12 % at λ̄ = 0.5, 2.4–2.7 % at 2).
 * - exponential, λ_acc = STIFF_LAMBDA = 1: the Δt at which the O(ε) deviation is the physical one.
 *   This step's rate error is NOT bounded by any affordable Δt: its positivity limiter breaks the
 *   time order (README "Time order of the collision step"), measured 2.3–2.9 % (T_A) at λ̄ = 0.03–0.06
 *   in the set-up above. The note says so and names the trapezoidal step.
 * Near the hydrodynamic limit the bound would cost ~ν̄/(ε ω) steps per period (10⁵ at ε = 1e−4, past
 * MAX_STEPS), and there it buys little: the relaxation is slaved to the transport, and the
 * trapezoidal step's fixed point is exact at any λ. So the bound never takes more than
 * COLLISION_STEP_CAP times the steps of the other limits; where that cap binds, the note says so.
 * "stable" drops the bound (the behaviour before issue 15: both steps are stable at any Δt).
 * "expansion" keeps λ̄ ≤ λ_acc at every ε, without the cap: what a measurement of the Hilbert
 * expansion needs with the exponential step, whose O(ε) deviation is otherwise Δt's (∝ Δt, not ε,
 * once λ̄ ≫ 1; measured on the issue-20 wave: the dt/2 rerun moves the remainder 42 % at ε = 0.01,
 * λ̄ = 7.3, and with λ̄ held at 1.8 the kinetic–fluid density error halves with ε). Steps grow like
 * 1/ε. The default of validity sweeps with the exponential step (sweepPlan.ts).
 */
import type { ResolvedConfig, SimulationConfig } from '../config';
import { threeDigits as fmt } from '../format';
import { gammaFunction } from '../quadrature';

/** Above this λ̄ the exponential step's Navier–Stokes deviation is Δt's, not the physics'. */
export const STIFF_LAMBDA = 1;

/** What the automatic Δt bounds (config time.dtRule; absent = "accurate"; module comment). */
export const DT_RULES = ['accurate', 'stable', 'expansion'] as const;
export type DtRule = (typeof DT_RULES)[number];

/** λ̄ the automatic Δt keeps under time.dtRule "accurate", per collision scheme (module comment). */
export const COLLISION_ACCURATE_LAMBDA = { trapezoidal: 0.5, exponential: STIFF_LAMBDA } as const;

/** The collision bound takes at most this many times the steps of the other limits (module comment). */
export const COLLISION_STEP_CAP = 4;

export interface CollisionAccurateStep {
  /** λ_acc ε/ν̄: the Δt at which λ̄ = λ_acc. */
  readonly accurate: number;
  /** The limit applied: max(accurate, base/COLLISION_STEP_CAP). */
  readonly limit: number;
  /** Whether the cap, not λ_acc, sets the limit. */
  readonly capped: boolean;
}

/**
 * The automatic Δt's collision bound for a run whose other limits allow `base` (null: dtRule
 * "stable", or collisions off). Module comment.
 */
export function collisionAccurateStep(
  config: Pick<SimulationConfig, 'species' | 'collisions' | 'time'>,
  base: number,
): CollisionAccurateStep | null {
  if (!config.collisions.enabled || (config.time.dtRule ?? 'accurate') === 'stable') return null;
  const scheme = config.collisions.scheme ?? 'exponential';
  const meanFrequency = Math.max(...meanCollisionFrequencies(config));
  const accurate = (COLLISION_ACCURATE_LAMBDA[scheme] * config.collisions.knudsen) / meanFrequency;
  const floor = base / COLLISION_STEP_CAP;
  if (config.time.dtRule === 'expansion') return { accurate, limit: accurate, capped: false };
  return { accurate, limit: Math.max(accurate, floor), capped: floor > accurate };
}

export interface CollisionStiffness {
  readonly scheme: 'exponential' | 'trapezoidal';
  /** time.dtRule (absent in the config = "accurate"). */
  readonly dtRule: DtRule;
  /** max_α ν̄_α (module comment), in inverse time units of the run. */
  readonly meanFrequency: number;
  /** λ̄ = Δt ν̄ / ε. */
  readonly lambda: number;
  /** Whether the O(ε) deviation (the remainder's main part) is the physical one at this Δt. */
  readonly navierStokesAccurate: boolean;
  /**
   * The trapezoidal step's relative error on a relaxation rate at ν̄, λ̄²/12 (module comment; the
   * exchange modes are slower, so their error is smaller); null for the exponential step, whose rate
   * error no Δt bounds.
   */
  readonly rateError: number | null;
  /** One sentence a user can act on. */
  readonly note: string;
}

/** ν̄_α for each species (module comment). */
export function meanCollisionFrequencies(
  config: Pick<SimulationConfig, 'species' | 'collisions'>,
): [number, number] {
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
  const dtRule = config.time.dtRule ?? 'accurate';
  const rateError = scheme === 'trapezoidal' ? lambda ** 2 / 12 : null;
  const deviation = !transport
    ? `homogeneous run at λ = ${fmt(lambda)}: no transport, so no splitting artefact`
    : scheme === 'trapezoidal'
      ? `trapezoidal collision step: the O(ε) deviation from M is the Chapman–Enskog one at any λ (here ${fmt(lambda)})`
      : navierStokesAccurate
        ? `exponential collision step at λ = ${fmt(lambda)} ≤ ${STIFF_LAMBDA}: the O(ε) deviation from M is resolved`
        : `exponential collision step at λ = ${fmt(lambda)}: the O(ε) deviation from M, the remainder's main part, ` +
          `is set by Δt (about λ/4 times the Chapman–Enskog one); for Navier–Stokes accuracy use ` +
          `collisions.scheme "trapezoidal" or time.dt ≤ ${fmt(dtAccurate)}`;
  const rates =
    rateError !== null
      ? `relaxation-rate error ≈ λ²/12 = ${fmt(100 * rateError)} %`
      : 'relaxation-rate error not bounded by Δt (first-order step with a positivity limiter, ~2–3 % at ε = 1 ' +
        'down to λ = 0.03): for rates use collisions.scheme "trapezoidal"';
  const limit = COLLISION_ACCURATE_LAMBDA[scheme];
  const rule =
    dtRule === 'stable'
      ? 'time.dtRule "stable": the automatic Δt does not bound the collision step\'s error'
      : lambda <= limit * (1 + 1e-9)
        ? null
        : dtRule === 'expansion'
          ? `λ is above the "expansion" rule's ${limit}: dt was set by hand`
          : `λ is above the "accurate" rule's ${limit}: dt was set by hand, or the automatic Δt is capped at ` +
            `1/${COLLISION_STEP_CAP} of the transport step (time.dtRule "expansion" drops the cap)`;
  const note = [deviation, rates, rule].filter((part) => part !== null).join('; ');
  return { scheme, dtRule, meanFrequency, lambda, navierStokesAccurate, rateError, note };
}

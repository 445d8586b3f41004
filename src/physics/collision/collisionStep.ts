/**
 * The collision time step, homogeneous in x, float64 twin of the GPU collision step
 * (PHYSICS.md §4 "Stiffness"): exponential Runge–Kutta schemes of Dimarco & Pareschi (SINUM 2011)
 * around the mixture bi-Maxwellian M of PHYSICS.md §1, which the collisions leave unchanged (they
 * conserve n_A, n_B, total momentum and energy), so that M is constant over the step.
 *
 * For ∂t F = Q(F)/ε write Q = P − μF with P = Q + μF (μ ≥ the largest loss frequency ν, per cell)
 * and H(t) = (F − M) e^{μt/ε}: then dH/dt = (P(F) − μM) e^{μt/ε}/ε exactly, and an explicit
 * Runge–Kutta step on H treats the stiff linear part exactly. With λ = μΔt/ε, D = M − F^n:
 * - order 1 (Euler on H; the default, see below):
 *       F₁ = F^n + (Δt/ε) e^{−λ} Q(F^n) + (1 − e^{−λ}(1 + λ)) D
 *   (= e^{−λ}F + λe^{−λ} P/μ + (1 − e^{−λ} − λe^{−λ}) M, a convex combination of non-negative
 *   functions when P ≥ 0);
 * - order 2 (Heun on H, F₁ its predictor):
 *       F^{n+1} = F^n + (1 − e^{−λ}(1 + λ + λ²/2)) D + (Δt/2ε) e^{−λ}(1 + λ) Q(F^n) + (Δt/2ε) Q(F₁).
 *   For λ → 0 it is Heun's method F + (Δt/2ε)(Q(F) + Q(F₁)); it is second order in Δt for ε = O(1)
 *   (tests/unit/physics/collision/collisionStep.test.ts measures 4× per halving). Its cost is a
 *   third evaluation of the operator per step (Q(F^n), Q(M), Q(F₁)).
 * Why order 1 is still the default: with order 2 the GPU's 1000-step relaxation no longer has H
 * non-increasing at every read-back (rises of ~3e−5 near M: a second-order exponential RK step is not
 * a convex combination, so the discrete H-theorem of the first-order one is lost), and the ε-scaling
 * test of the remainder (tests/gpu/engine/run.hydrodynamicLimit.test.ts, Δt = ε/32) measured a
 * ratio of 3.4 per halving of ε instead of 2; and the positivity limiter breaks the time order of
 * both (README "Time order of the collision step").
 * Both:
 * - ε → 0 limit (λ → ∞): F^{n+1} → M[F^n], the bi-Maxwellian with the conserved moments of F^n;
 *   asymptotic-preserving for any Δt (for order 2, F₁ − M = O(λe^{−λ}) and its weights are O(λ)).
 * - Stability: on an eigenvalue ℓ ∈ [−2μ, 0] of the linearised operator, with w = λ + Δtℓ/ε ∈
 *   [−λ, λ], the amplification of F − M is e^{−λ}(1 + w) (order 1) and e^{−λ}(1 + w + w²/2)
 *   (order 2): at most e^{−λ}(1 + λ + λ²/2) < 1 in modulus for every Δt.
 * - Conservation: Q is projected (conservation.ts) and M is made discrete-exact by projecting
 *   M − F the same way, so every term carries exactly the moments of F^n.
 * - Positivity: the order-2 combination is not convex for large λ, and the spectral Q breaks P ≥ 0
 *   in the tails anyway, so the step ends with the conservative positivity limiter (positivity.ts).
 * - Well-balanced (Filbet, Pareschi & Rey, J. Comput. Phys. 2015, "steady-state preserving"
 *   spectral methods): every Q(·) is replaced by Q(·) − Q(M[F^n]). The spectral Q(M) is not 0 (it
 *   is the method's consistency error, spectrally small in N_v), and without the correction the
 *   step's fixed point is a state at a distance O(that error × ε/(μΔt)) from M — measured 4.6e−2
 *   (relative L²) at N_v = 8, m_B = 2m_A. With it, M is an exact fixed point (F^n = M gives D = 0,
 *   F₁ = M and F^{n+1} = M), and the Hilbert remainder of an equilibrium is round-off.
 */
import { fft3d } from '../fft';
import {
  discreteMaxwellianOnGrid,
  discreteMaxwellianParameters,
  type MixtureEquilibrium,
  mixtureEquilibrium,
} from '../maxwellian';
import { velocityMoments } from '../moments';
import type { VelocityGrid } from '../velocityGrid';
import { conservationProjection, weightedConservationProjection } from './conservation';
import { limitPositivity } from './positivity';
import { type MixtureTables, mixtureCollisionOperators, realSpectrum } from './spectral';

/** The weights (a, b, c) of F, Q and M in the update, stable in f64 and f32 for small λ. */
export function exponentialWeights(lambda: number, dtOverEps: number): [number, number, number] {
  const decay = Math.exp(-lambda);
  const a = decay * (1 + lambda);
  // 1 − e^{−λ}(1 + λ) = λ²/2 − λ³/3 + λ⁴/8 − … : the series avoids cancellation for small λ
  const c = lambda < 1e-2 ? lambda * lambda * (0.5 - lambda / 3 + (lambda * lambda) / 8) : 1 - a;
  return [a, dtOverEps * decay, c];
}

/** ν_α(v) = Σ_β (F^β ∗ Φ_{αβ})(v), the loss frequency of species α (Q^{αβ,−} = F^α ν_αβ). */
export function lossFrequencies(fA: ArrayLike<number>, fB: ArrayLike<number>, tables: MixtureTables) {
  const { nv, pointsPerCell } = tables.AA.grid;
  const convolve = (g: { re: Float64Array; im: Float64Array }, kernel: Float64Array) => {
    const re = g.re.map((x, i) => x * kernel[i]!);
    const im = g.im.map((x, i) => x * kernel[i]!);
    fft3d(re, im, nv, true);
    return re;
  };
  const aHat = realSpectrum(fA, nv);
  const bHat = realSpectrum(fB, nv);
  const AA = convolve(aHat, tables.AA.lossKernel);
  const AB = convolve(bHat, tables.AB.lossKernel);
  const BA = convolve(aHat, tables.BA.lossKernel);
  const BB = convolve(bHat, tables.BB.lossKernel);
  const nuA = new Float64Array(pointsPerCell);
  const nuB = new Float64Array(pointsPerCell);
  for (let i = 0; i < pointsPerCell; i++) {
    nuA[i] = AA[i]! + AB[i]!;
    nuB[i] = BA[i]! + BB[i]!;
  }
  return { nuA, nuB };
}

/**
 * M[F] on the grid with exactly the discrete conserved moments of (F^A, F^B): the discrete
 * bi-Maxwellian of those moments (discreteMaxwellianParameters), then F + Proj(M − F) so that any
 * residual of the Newton solve leaves the moments exact too.
 */
export function discreteMixtureMaxwellian(
  fA: ArrayLike<number>,
  fB: ArrayLike<number>,
  grid: VelocityGrid,
  massA: number,
  massB: number,
): { mA: Float64Array; mB: Float64Array; equilibrium: MixtureEquilibrium } {
  const equilibrium = mixtureEquilibrium(
    velocityMoments(fA, grid, 1, massA),
    velocityMoments(fB, grid, 1, massB),
    massA,
    massB,
  );
  // the discrete bi-Maxwellian (exponential family, Newton): an equilibrium F is its own M exactly
  const parameters = discreteMaxwellianParameters(grid, [massA, massB], equilibrium);
  const muA = discreteMaxwellianOnGrid(grid, parameters, 0, massA);
  const muB = discreteMaxwellianOnGrid(grid, parameters, 1, massB);
  const d = conservationProjection(
    muA.map((m, i) => m - fA[i]!),
    muB.map((m, i) => m - fB[i]!),
    grid,
    massA,
    massB,
  );
  return {
    mA: d.qA.map((x, i) => x + fA[i]!),
    mB: d.qB.map((x, i) => x + fB[i]!),
    equilibrium,
  };
}

export interface CollisionStepResult {
  readonly fA: Float64Array;
  readonly fB: Float64Array;
  /** μ used in this cell (the largest loss frequency). */
  readonly penalty: number;
}

/** The time order of the exponential collision step (module comment): 1 unless asked otherwise. */
export type CollisionStepOrder = 1 | 2;

export interface CollisionStepOptions {
  /** subtract Q(M) (the well-balanced form); false only to show why it is there */
  readonly wellBalanced?: boolean;
  /** end with the conservative positivity limiter; false only to show why it is there */
  readonly positivity?: boolean;
  readonly order?: CollisionStepOrder;
  /** How Q is made conservative (CollisionProjection; default "uniform"). */
  readonly projection?: CollisionProjection;
}

/**
 * How the collision step makes Q conserve n_A, n_B, momentum and energy exactly (conservation.ts):
 * - "uniform": the Euclidean least-squares projection of Gamba & Tharkabhushanam, a correction along
 *   the polynomials ψ = (1, m v, m|v|²/2) over the whole velocity box (the GPU kernel's; the default).
 * - "maxwellian": the projection weighted by the cell's bi-Maxwellian M[F^n], a correction along Mψ.
 * Why the second: the run's first-order deviation F − M (the Navier–Stokes level, PHYSICS.md §3)
 * must solve 𝓛 g = −(I − P)S with 𝓛's range corrected along Mψ (collision/linearized.ts). The
 * uniform correction puts polynomial tails into the box corners, where the truncated kernel barely
 * relaxes them (ν ≈ 1e−7 of its bulk value): there they pile up over the run and feed back into the
 * heat flux, and they are not shared between the species in proportion to their densities, so even
 * two identical species inter-diffuse. Measured (issue 18; one gas written as two species, N_v = 16,
 * L = 6, γ = 0, ε = 0.1, t = 0.2, trapezoidal step): with "uniform" the run's heat flux is 0.64 of
 * the Chapman–Enskog one and the two copies of the gas drift apart (J_A = 6.6e−5); with
 * "maxwellian" 0.97 and J_A = 8e−11. Float64 (CPU backend) only for now.
 */
export type CollisionProjection = 'uniform' | 'maxwellian';
export const COLLISION_PROJECTIONS = [
  'uniform',
  'maxwellian',
] as const satisfies readonly CollisionProjection[];

/** The weights of projectedCollisions for a projection: none, or |M| (the discrete M may carry −1e−17s). */
export type ProjectionWeights = readonly [Float64Array, Float64Array];
export function projectionWeights(
  projection: CollisionProjection | undefined,
  mA: Float64Array,
  mB: Float64Array,
): ProjectionWeights | undefined {
  return projection === 'maxwellian' ? [mA.map(Math.abs), mB.map(Math.abs)] : undefined;
}

/**
 * The weights of the second-order step F^{n+1} = F + c D + b₀ (Q(F) − Q(M)) + b₁ (Q(F₁) − Q(M)),
 * D = M − F, F₁ the first-order step (module comment): c = 1 − e^{−λ}(1 + λ + λ²/2),
 * b₀ = (Δt/2ε) e^{−λ}(1 + λ), b₁ = Δt/2ε. c is summed as its series for small λ (no cancellation).
 */
export function exponentialWeights2(lambda: number, dtOverEps: number): [number, number, number] {
  const decay = Math.exp(-lambda);
  const c =
    lambda < 0.1 ? secondOrderRelaxationSeries(lambda) : 1 - decay * (1 + lambda + (lambda * lambda) / 2);
  return [c, 0.5 * dtOverEps * decay * (1 + lambda), 0.5 * dtOverEps];
}

/**
 * 1 − e^{−λ}(1 + λ + λ²/2) = Σ_{k≥3} (−1)^{k+1} (k−1)(k−2)/(2·k!) λ^k, to λ⁸: for λ < 0.1 the next
 * term is below 1e−9 of the sum, where the closed form would cancel (in f32 entirely below λ ≈ 0.01).
 */
function secondOrderRelaxationSeries(lambda: number): number {
  const l = lambda;
  return l * l * l * (1 / 6 - l * (1 / 8 - l * (1 / 20 - l * (1 / 72 - l * (1 / 336 - l / 1920)))));
}

/**
 * Q(F) of both species, projected to exact conservation (conservation.ts): along the polynomials ψ
 * (no weights: the Euclidean projection) or along w ψ (weights w: the step passes |M[F^n]| for
 * `projection: "maxwellian"`, CollisionProjection).
 */
export function projectedCollisions(
  fA: ArrayLike<number>,
  fB: ArrayLike<number>,
  tables: MixtureTables,
  weights?: ProjectionWeights,
) {
  const grid = tables.AA.grid;
  const ops = mixtureCollisionOperators(fA, fB, tables);
  if (weights) {
    return weightedConservationProjection(
      ops.qA,
      ops.qB,
      grid,
      tables.AA.pair.alpha.mass,
      tables.BB.pair.alpha.mass,
      weights,
    );
  }
  return conservationProjection(ops.qA, ops.qB, grid, tables.AA.pair.alpha.mass, tables.BB.pair.alpha.mass);
}

/**
 * One exponential AP collision step of length dt at Knudsen number ε, for ONE x-cell, of the
 * given order (default 1; module comment).
 */
export function collisionStep(
  fA: ArrayLike<number>,
  fB: ArrayLike<number>,
  tables: MixtureTables,
  dt: number,
  knudsen: number,
  options: CollisionStepOptions = {},
): CollisionStepResult {
  const { wellBalanced = true, positivity = true, order = 1 } = options;
  const grid = tables.AA.grid;
  const n = grid.pointsPerCell;
  const massA = tables.AA.pair.alpha.mass;
  const massB = tables.BB.pair.alpha.mass;
  const { mA, mB } = discreteMixtureMaxwellian(fA, fB, grid, massA, massB);
  const weights = projectionWeights(options.projection, mA, mB);
  const q = projectedCollisions(fA, fB, tables, weights);
  const { nuA, nuB } = lossFrequencies(fA, fB, tables);
  let penalty = 0;
  for (let i = 0; i < n; i++) penalty = Math.max(penalty, nuA[i]!, nuB[i]!);
  // Q(M): the spectral method's equilibrium residual, subtracted from every Q(·) below
  const atEquilibrium = wellBalanced ? projectedCollisions(mA, mB, tables, weights) : null;
  const balanced = (qa: Float64Array, qb: Float64Array) => {
    if (atEquilibrium) {
      for (let i = 0; i < n; i++) {
        qa[i]! -= atEquilibrium.qA[i]!;
        qb[i]! -= atEquilibrium.qB[i]!;
      }
    }
    return { qA: qa, qB: qb };
  };
  const q0 = balanced(q.qA, q.qB);
  const lambda = (penalty * dt) / knudsen;
  const [, b, c] = exponentialWeights(lambda, dt / knudsen);
  // the first-order step: the result when order = 1, the stage F₁ when order = 2
  let nextA = mA.map((m, i) => fA[i]! + b * q0.qA[i]! + c * (m - fA[i]!));
  let nextB = mB.map((m, i) => fB[i]! + b * q0.qB[i]! + c * (m - fB[i]!));
  if (order === 2) {
    const q1raw = projectedCollisions(nextA, nextB, tables, weights);
    const q1 = balanced(q1raw.qA, q1raw.qB);
    const [c2, b0, b1] = exponentialWeights2(lambda, dt / knudsen);
    nextA = mA.map((m, i) => fA[i]! + c2 * (m - fA[i]!) + b0 * q0.qA[i]! + b1 * q1.qA[i]!);
    nextB = mB.map((m, i) => fB[i]! + c2 * (m - fB[i]!) + b0 * q0.qB[i]! + b1 * q1.qB[i]!);
  }
  if (!positivity) return { fA: nextA, fB: nextB, penalty };
  return { fA: limitPositivity(nextA, grid), fB: limitPositivity(nextB, grid), penalty };
}

/**
 * The collision time step, homogeneous in x, float64 twin of the GPU collision step
 * (PHYSICS.md §4 "Stiffness"): the first-order exponential scheme of Dimarco & Pareschi (SINUM
 * 2011) around the mixture bi-Maxwellian M of PHYSICS.md §1. For ∂t F = Q(F)/ε write
 * Q = P − μF with P = Q + μF ≥ 0 (μ ≥ the largest loss frequency ν), solve the linear part
 * exactly and take P at the left end, weighted so that the scheme is strongly AP:
 *
 *     F^{n+1} = e^{−λ}(1 + λ) F^n + (Δt/ε) e^{−λ} Q(F^n) + (1 − e^{−λ}(1 + λ)) M[F^n],   λ = μΔt/ε
 *             = F^n + (Δt/ε) e^{−λ} Q(F^n) + (1 − e^{−λ}(1 + λ)) (M[F^n] − F^n)      (the form computed)
 *
 * (= e^{−λ}F + λe^{−λ} P/μ + (1 − e^{−λ} − λe^{−λ}) M, a convex combination of non-negative
 * functions when Q + μF ≥ 0: positivity is kept for every Δt. The spectral Q breaks Q + μF ≥ 0 in
 * the tails, so the step ends with the conservative positivity limiter of positivity.ts.)
 * - Order: first order in Δt; for λ → 0 it is forward Euler F + (Δt/ε)Q + O(λ²).
 * - ε → 0 limit (λ → ∞): F^{n+1} = M[F^n], the bi-Maxwellian with the conserved n_A, n_B, total
 *   momentum and energy of F^n: the scheme is asymptotic-preserving for any Δt.
 * - Conservation: Q is projected (conservation.ts) and M is made discrete-exact by projecting
 *   M − F the same way, so each of the three terms carries exactly the moments of F^n.
 * - Stability: the linearised update is e^{−λ}(1 + λ + (Δt/ε)ℓ) on an eigenvalue ℓ ∈ [−2μ, 0] of
 *   the linearised operator, at most 1 in modulus for every Δt.
 * - Well-balanced (Filbet, Pareschi & Rey, J. Comput. Phys. 2015, "steady-state preserving"
 *   spectral methods): Q is replaced by Q(F) − Q(M[F]). The spectral Q(M) is not 0 (it is the
 *   method's consistency error, spectrally small in N_v), and without the correction the step's
 *   fixed point is a state at a distance O(that error × ε/(μΔt)) from M — measured 4.6e−2
 *   (relative L²) at N_v = 8, m_B = 2m_A. With it, M is an exact fixed point, the state relaxes
 *   to M itself, and the Hilbert remainder of an equilibrium is round-off. Consistency and order
 *   are unchanged (Q(M) = O(spectral error)); the cost is a second evaluation of Q per step.
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
import { conservationProjection } from './conservation';
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

/**
 * One exponential AP collision step of length dt at Knudsen number ε, for ONE x-cell;
 * `wellBalanced` false drops the Q(M) correction and `positivity` false the positivity limiter
 * (positivity.ts); both are kept for the tests that show why they are there.
 */
export function collisionStep(
  fA: ArrayLike<number>,
  fB: ArrayLike<number>,
  tables: MixtureTables,
  dt: number,
  knudsen: number,
  wellBalanced = true,
  positivity = true,
): CollisionStepResult {
  const grid = tables.AA.grid;
  const massA = tables.AA.pair.alpha.mass;
  const massB = tables.BB.pair.alpha.mass;
  const ops = mixtureCollisionOperators(fA, fB, tables);
  const q = conservationProjection(ops.qA, ops.qB, grid, massA, massB);
  const { nuA, nuB } = lossFrequencies(fA, fB, tables);
  let penalty = 0;
  for (let i = 0; i < grid.pointsPerCell; i++) penalty = Math.max(penalty, nuA[i]!, nuB[i]!);
  const { mA, mB } = discreteMixtureMaxwellian(fA, fB, grid, massA, massB);
  if (wellBalanced) {
    const atEquilibrium = mixtureCollisionOperators(mA, mB, tables);
    const r = conservationProjection(atEquilibrium.qA, atEquilibrium.qB, grid, massA, massB);
    for (let i = 0; i < grid.pointsPerCell; i++) {
      q.qA[i]! -= r.qA[i]!;
      q.qB[i]! -= r.qB[i]!;
    }
  }
  const [, b, c] = exponentialWeights((penalty * dt) / knudsen, dt / knudsen);
  const nextA = mA.map((m, i) => fA[i]! + b * q.qA[i]! + c * (m - fA[i]!));
  const nextB = mB.map((m, i) => fB[i]! + b * q.qB[i]! + c * (m - fB[i]!));
  if (!positivity) return { fA: nextA, fB: nextB, penalty };
  return { fA: limitPositivity(nextA, grid), fB: limitPositivity(nextB, grid), penalty };
}

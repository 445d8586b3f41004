/**
 * The conservative positivity limiter of the collision step (float64 twin of positivityLimiter.wgsl).
 *
 * Why: the spectral Q (PHYSICS.md §4) is not positivity-preserving — its gain term has Gibbs
 * oscillations — so P = Q + μF ≥ 0, which the exponential step needs to stay non-negative
 * (collisionStep.ts), fails in the tails, and a step leaves small negative values where F is tiny.
 * Σ F log F is then undefined, and over F > 0 alone it can fall below H(M) and come back up
 * (measured at N_v = 8 and 16: README "The collision engine").
 *
 * What: per species and per cell, cut the negative part, F⁺ = max(F, 0), and give back the mass,
 * momentum and energy the cut removed through a correction carried by the positive values,
 *
 *     F ← F⁺ + w (λ·φ),   w = min(F⁺, κ·max|F⁻|),   φ = (1, v₁, v₂, v₃, |v|²),
 *     G λ = Σ_v (F − F⁺) φ,   G = Σ_v w φ φᵀ,
 *
 * the least-squares correction in the metric weighted by 1/w, so that Σ F_new φ = Σ F φ exactly:
 * each species keeps its own n, momentum and energy (a stronger statement than the mixture's
 * conservation). Points where F⁺ = 0 stay 0. The weight is capped at κ = CORRECTION_CAP times the
 * largest cut value so that the correction comes from where the cut was — the tails — and not
 * from the bulk: with w = F⁺ the bulk would give up the cut mass at every step, a steady bulk-to-tail
 * transfer that slows the relaxation at the peak (twin, N_v = 16, m_B = 2m_A, 30 steps of
 * Δt = 0.05: distance to M 3.0e−2 with w = F⁺, 1.9e−2 with the cap, 1.8e−2 with no limiter).
 * Since w ≤ F⁺, F_new ≥ F⁺(1 + min(λ·φ, 0)) ≥ 0 whenever λ·φ ≥ −1; `minFactor` reports the
 * smallest F_new/F⁺ so a caller can tell otherwise (the step guard then sees the negative values:
 * stepGuard.ts). Cost: three passes over the cell. A non-negative state is returned unchanged.
 *
 * Measured effect (twin, N_v = 8, m_B = 2m_A, the relaxation of tests/gpu/collisionRelaxation):
 * without it ~400 of 1024 values are negative (down to −3% of the peak) and Σ F log F over F > 0
 * falls 0.22 below H(M) before climbing back; with it no value is negative and H decreases at every
 * one of 400 steps, staying above H(M) (tests/unit/physics/collision/positivity.test.ts; the GPU over 1000 steps:
 * tests/gpu/gpu/CollisionStep.relaxation.test.ts).
 */
import { solveLinear } from '../maxwellian';
import { type VelocityGrid, velocityNode } from '../velocityGrid';

/** φ = (1, v₁, v₂, v₃, |v|²): the species' collision invariants (mass factors cancel per species). */
export const LIMITER_INVARIANTS = 5;

/**
 * Passes per step: where F⁺ is tiny a pass's correction can leave values just below 0 (a pass
 * guarantees F ≥ 0 only where λ·φ ≥ −1); the next pass cuts those, and a pass with nothing to cut
 * writes nothing. Two passes left −5e−7 (of a peak ~3e−2) in a GPU test cell at N_v = 8; four
 * leave none in every test. Not a proof: the step guard still checks for negative values.
 */
export const POSITIVITY_PASSES = 4;

/** κ: the correction's weight is min(F⁺, κ·max|F⁻|) (see above; 10 and 100 measured, 10 kept). */
export const CORRECTION_CAP = 10;

export interface PositivityResult {
  /** The limited distribution (a new array). */
  readonly f: Float64Array;
  /** Σ |F⁻| Δv³: the mass the cut removed and the correction gave back. */
  readonly cutMass: number;
  /** The smallest F_new/F⁺ where F⁺ > 0 (1 when nothing was cut). */
  readonly minFactor: number;
}

/** The limiter, POSITIVITY_PASSES times, as the collision step applies it. */
export function limitPositivity(f: ArrayLike<number>, grid: VelocityGrid): Float64Array {
  let out: Float64Array = Float64Array.from(f);
  for (let pass = 0; pass < POSITIVITY_PASSES; pass++) out = positivityLimiter(out, grid).f;
  return out;
}

/** One pass of the limiter for one species in one cell (N_v³ values, layout of velocityGrid.ts). */
export function positivityLimiter(f: ArrayLike<number>, grid: VelocityGrid): PositivityResult {
  const { nv, pointsPerCell } = grid;
  const n = LIMITER_INVARIANTS;
  const out = new Float64Array(pointsPerCell);
  const gram = new Float64Array(n * n);
  const cut = new Float64Array(n);
  const phi = new Float64Array(n);
  // φ in units of L (as the WGSL, where it keeps G's entries O(1) in f32): the same correction
  const invariants = (i: number) => {
    const v1 = velocityNode(grid, Math.floor(i / (nv * nv))) / grid.vmax;
    const v2 = velocityNode(grid, Math.floor(i / nv) % nv) / grid.vmax;
    const v3 = velocityNode(grid, i % nv) / grid.vmax;
    phi[0] = 1;
    phi[1] = v1;
    phi[2] = v2;
    phi[3] = v3;
    phi[4] = v1 * v1 + v2 * v2 + v3 * v3;
  };
  let largestCut = 0;
  for (let i = 0; i < pointsPerCell; i++) largestCut = Math.max(largestCut, -f[i]!);
  const cap = CORRECTION_CAP * largestCut;
  let cutMass = 0;
  for (let i = 0; i < pointsPerCell; i++) {
    const value = f[i]!;
    invariants(i);
    if (value < 0) {
      cutMass -= value;
      for (let j = 0; j < n; j++) cut[j]! += value * phi[j]!;
    } else {
      const w = Math.min(value, cap);
      for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) gram[j * n + k]! += w * phi[j]! * phi[k]!;
    }
  }
  if (cutMass === 0) {
    for (let i = 0; i < pointsPerCell; i++) out[i] = f[i]!;
    return { f: out, cutMass: 0, minFactor: 1 };
  }
  const lambda = solveLinear(gram, cut, n);
  // a singular G (F⁺ spans fewer than five invariants, e.g. a species on one point): no
  // correction rather than NaN everywhere, as the WGSL; the guard sees the conservation error
  if (!lambda.every(Number.isFinite)) lambda.fill(0);
  let minFactor = Number.POSITIVE_INFINITY;
  for (let i = 0; i < pointsPerCell; i++) {
    const value = f[i]!;
    if (value <= 0) continue; // out[i] stays 0; a NaN goes on and poisons the output
    invariants(i);
    let correction = 0;
    for (let j = 0; j < n; j++) correction += lambda[j]! * phi[j]!;
    out[i] = value + Math.min(value, cap) * correction;
    minFactor = Math.min(minFactor, out[i]! / value);
  }
  return { f: out, cutMass: cutMass * grid.dv ** 3, minFactor };
}

/**
 * The accuracy/speed setting of the collision operator: named quadrature sizes, and the error
 * each one makes against a much finer quadrature, measured in float64 on the run's own species, γ
 * and velocity box for a fixed smooth non-equilibrium test pair.
 *
 * Work model (work.ts): per pair and cell the gain costs N_ρ·(M + 1) complex N_v³ transforms plus
 * O(N_ρ·M·N_v³) elementwise work, M = nTheta·nPhi sphere points; so the cost of the operator is
 * almost exactly proportional to N_ρ·(M + 1). The loss term Φ̂ does not depend
 * on the setting (its own rule is accurate to rounding).
 */
import type { SimulationConfig } from '../config';
import { maxwellianOnGrid } from '../maxwellian';
import { velocityGrid } from '../velocityGrid';
import {
  type CollidingSpecies,
  collisionOperator,
  type SpectralQuadrature,
  spectralTables,
} from './spectral';
import { operatorWork } from './work';

export const COLLISION_ACCURACIES = ['fast', 'standard', 'fine'] as const;
export type CollisionAccuracy = (typeof COLLISION_ACCURACIES)[number];
/** Absent in a config = "standard" = the quadrature every run used before the setting existed. */
export const DEFAULT_COLLISION_ACCURACY: CollisionAccuracy = 'standard';

/**
 * Quadrature sizes of a setting on a grid of N_v points per axis:
 *   fast      N_ρ = max(3, N_v/4),   3 × 6 sphere points (18)
 *   standard  N_ρ = max(4, N_v/2),   4 × 8 sphere points (32)  = defaultSpectralQuadrature
 *   fine      N_ρ = max(6, 3N_v/4),  6 × 12 sphere points (72)
 * Work ∝ N_ρ·(M+1): at N_v = 16, 4·19, 8·33, 12·73 → fast ≈ 0.3×, fine ≈ 3.3× of standard. The
 * measured error is dominated by the sphere rule (the product of two shifted Maxwellians on S² is
 * e^{b·e}-like with large |b| at large ρ), so the sphere is what the settings mostly trade. nPhi
 * stays even (the ±e symmetry of the sphere rule).
 */
export function accuracyQuadrature(accuracy: CollisionAccuracy, nv: number): SpectralQuadrature {
  switch (accuracy) {
    case 'fast':
      return { nRho: Math.max(3, nv / 4), nTheta: 3, nPhi: 6 };
    case 'standard':
      return { nRho: Math.max(4, nv / 2), nTheta: 4, nPhi: 8 };
    case 'fine':
      return { nRho: Math.max(6, (3 * nv) / 4), nTheta: 6, nPhi: 12 };
  }
}

/**
 * The reference of the measured error: "fine" + 12 radial nodes, and twice its nTheta and nPhi
 * (4× its sphere points, where the error lives; the radial rule converges much faster). At N_v = 8
 * it agrees with 24 radial × 16·32 sphere points to ≤ 3e−9 on the presets tried, far below "fine".
 */
export function referenceQuadrature(nv: number): SpectralQuadrature {
  const fine = accuracyQuadrature('fine', nv);
  return { nRho: fine.nRho + 12, nTheta: 2 * fine.nTheta, nPhi: 2 * fine.nPhi };
}

/** Work of one operator evaluation relative to "standard" (work.ts's FLOP count). */
export function accuracyCostRatio(accuracy: CollisionAccuracy, nv: number): number {
  const flops = (q: SpectralQuadrature) =>
    operatorWork({ nv, cells: 1, nRho: q.nRho, sphereCount: q.nTheta * q.nPhi }).flops;
  return flops(accuracyQuadrature(accuracy, nv)) / flops(accuracyQuadrature('standard', nv));
}

/**
 * Largest N_v the error is measured on: the reference costs N_ρ·(M+1) = 18·289 N_v³ transforms at
 * N_v = 8 (a few tenths of a second here), 8× more per transform at N_v = 16 (seconds on a CPU).
 */
export const ACCURACY_MEASURE_MAX_NV = 8;

export interface QuadratureErrorInput {
  readonly species: readonly [CollidingSpecies, CollidingSpecies];
  readonly gamma: number;
  readonly nv: number;
  /** The run's velocity box half-width L. */
  readonly vmax: number;
}

export interface QuadratureError {
  readonly accuracy: CollisionAccuracy;
  /** ‖Q_setting − Q_ref‖₂ / ‖Q_ref‖₂ of the cross operator Q^{AB}(f_A, f_B) on the test pair. */
  readonly relativeL2: number;
  /** Work of the setting over "standard" at the RUN's N_v (work.ts). */
  readonly costRatio: number;
  /** N_v of the grid the error was measured on (the run's, or ACCURACY_MEASURE_MAX_NV). */
  readonly measuredNv: number;
  readonly runNv: number;
}

/**
 * The test pair on the measurement grid (N_v points on the run's box, Δv = 2L/N_v): two Maxwellians
 * at the run's masses, A with thermal speed √(θ/m) = 1.4 Δv drifting +0.4 Δv·(1, 0.5, 0), B with
 * 1.1 Δv drifting the other way. Smooth, far from equilibrium (different temperatures and drifts),
 * and resolved on that grid whatever the run's own species are (a heavy species of a large-N_v run
 * would not be resolved on the N_v = 8 measurement grid).
 */
export function accuracyTestPair(
  input: QuadratureErrorInput,
  nv: number,
): readonly [Float64Array, Float64Array] {
  const grid = velocityGrid(nv, input.vmax);
  const dv = (2 * input.vmax) / nv;
  const [A, B] = input.species;
  const maxwellian = (s: CollidingSpecies, speed: number, sign: number) =>
    maxwellianOnGrid(grid, {
      density: 1,
      mass: s.mass,
      temperature: s.mass * (speed * dv) ** 2,
      drift: [sign * 0.4 * dv, sign * 0.2 * dv, 0],
    });
  return [maxwellian(A, 1.4, 1), maxwellian(B, 1.1, -1)];
}

/**
 * The relative L² error of each setting's Q^{AB}(f_A, f_B) against referenceQuadrature, float64.
 * The quadrature SIZES are the run's (N_v of the run); the grid they are evaluated on is the
 * run's box with min(N_v, ACCURACY_MEASURE_MAX_NV) points, because the reference costs
 * ~5000 N_v³ transforms (seconds at N_v = 16 on a CPU); the smooth test pair is resolved on it.
 * Q^{AB} is the operator with the mass ratio (a ≠ 1/2), the hardest of the four for the rule.
 */
export function measureQuadratureErrors(
  input: QuadratureErrorInput,
  accuracies: readonly CollisionAccuracy[] = COLLISION_ACCURACIES,
): QuadratureError[] {
  const measuredNv = Math.min(input.nv, ACCURACY_MEASURE_MAX_NV);
  const grid = velocityGrid(measuredNv, input.vmax);
  const [fA, fB] = accuracyTestPair(input, measuredNv);
  const pair = { alpha: input.species[0], beta: input.species[1], gamma: input.gamma };
  const evaluate = (q: SpectralQuadrature) => collisionOperator(fA, fB, spectralTables(grid, pair, q)).q;
  const reference = evaluate(referenceQuadrature(input.nv));
  let norm = 0;
  for (const x of reference) norm += x * x;
  return accuracies.map((accuracy) => {
    const q = evaluate(accuracyQuadrature(accuracy, input.nv));
    let diff = 0;
    for (let i = 0; i < q.length; i++) diff += (q[i]! - reference[i]!) ** 2;
    return {
      accuracy,
      relativeL2: Math.sqrt(diff / norm),
      costRatio: accuracyCostRatio(accuracy, input.nv),
      measuredNv,
      runNv: input.nv,
    };
  });
}

/** One line for the user, e.g. "quadrature error 3.1e-4 vs reference (L², Q^AB), 0.21× cost". */
export function describeQuadratureError(e: QuadratureError): string {
  const where = e.measuredNv === e.runNv ? '' : `, measured on N_v = ${e.measuredNv} with the same box`;
  return (
    `quadrature error ${e.relativeL2.toExponential(1)} vs reference ` +
    `(relative L² of Q^AB${where}), ${Number(e.costRatio.toPrecision(2))}× cost of standard`
  );
}

/**
 * The measured error of a run's own setting (null when collisions are off: the setting then does
 * nothing). `vmax` is the resolved box. Memoised on everything it depends on, so that a live edit
 * of ε or of the perturbation does not measure again (the worker calls it at every configure).
 */
export function quadratureErrorForConfig(config: SimulationConfig, vmax: number): QuadratureError | null {
  if (!config.collisions.enabled) return null;
  const [A, B] = config.species;
  const accuracy = config.collisions.accuracy ?? DEFAULT_COLLISION_ACCURACY;
  const input: QuadratureErrorInput = {
    species: [
      { mass: A.mass, diameter: A.diameter },
      { mass: B.mass, diameter: B.diameter },
    ],
    gamma: config.collisions.gamma,
    nv: config.grid.nv,
    vmax,
  };
  const key = JSON.stringify([input, accuracy]);
  let error = memo.get(key);
  if (!error) {
    error = measureQuadratureErrors(input, [accuracy])[0]!;
    if (memo.size >= 32) memo.clear();
    memo.set(key, error);
  }
  return error;
}

const memo = new Map<string, QuadratureError>();
